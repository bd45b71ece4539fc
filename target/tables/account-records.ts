/**
 * Officials' accounts as each old system held them. The password hash goes into the target's
 * own credential column and nowhere else (never into reports or logs).
 */
import type { AccountRecord } from "../../mappings/canonical-records.ts"
import {
  orNull,
  provenanceColumns,
  provenanceValues,
  referenceId,
  type TargetTable,
  unitColumns,
  unitValues
} from "./target-table.ts"

export const accountRecordsTable: TargetTable<AccountRecord> = {
  name: "account_records",
  entity: "account",
  columns: [
    ...provenanceColumns,
    { name: "username", kind: "text" },
    { name: "full_name", kind: "text" },
    { name: "cccd", kind: "text" },
    { name: "email", kind: "text" },
    { name: "phone", kind: "text" },
    { name: "agency_id", kind: "uuid" },
    { name: "roles", kind: "text[]" },
    { name: "password_hash", kind: "text" },
    { name: "hash_algorithm", kind: "text" },
    { name: "active", kind: "boolean" },
    ...unitColumns
  ],
  toValues: (r, context) => [
    ...provenanceValues("account", context),
    r.username,
    r.fullName,
    orNull(r.cccd),
    orNull(r.email),
    orNull(r.phone),
    referenceId("agency", r.agencySourceKey),
    r.roles.join(","),
    orNull(r.passwordHash),
    orNull(r.hashAlgorithm),
    r.active ? "t" : "f",
    ...unitValues(r.unit, context)
  ]
}

/** Every source citizen record (bản ghi công dân), kept with the master it was merged into. */
import type { CitizenRecord } from "../../mappings/canonical-records.ts"
import {
  orNull,
  provenanceColumns,
  provenanceValues,
  type TargetTable,
  unitColumns,
  unitValues
} from "./target-table.ts"

export const citizenRecordsTable: TargetTable<CitizenRecord> = {
  name: "citizen_records",
  entity: "citizen",
  columns: [
    ...provenanceColumns,
    { name: "full_name", kind: "text" },
    { name: "birth_date", kind: "text" },
    { name: "gender", kind: "text" },
    { name: "cccd", kind: "text" },
    { name: "cmnd", kind: "text" },
    { name: "phone", kind: "text" },
    { name: "hometown_code", kind: "text" },
    { name: "father_name", kind: "text" },
    { name: "mother_name", kind: "text" },
    { name: "address", kind: "text" },
    ...unitColumns
  ],
  toValues: (r, context) => [
    ...provenanceValues("citizen", context),
    r.fullName,
    orNull(r.birthDate),
    orNull(r.gender),
    orNull(r.cccd),
    orNull(r.cmnd),
    orNull(r.phone),
    orNull(r.hometownCode),
    orNull(r.fatherName),
    orNull(r.motherName),
    orNull(r.unit.address),
    ...unitValues(r.unit, context)
  ]
}

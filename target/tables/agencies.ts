/** Agencies (cơ quan) of the old systems, with the unit they served remapped. */
import type { AgencyRecord } from "../../mappings/canonical-records.ts"
import {
  orNull,
  provenanceColumns,
  provenanceValues,
  type TargetTable,
  unitColumns,
  unitValues
} from "./target-table.ts"

export const agenciesTable: TargetTable<AgencyRecord> = {
  name: "agencies",
  entity: "agency",
  columns: [
    ...provenanceColumns,
    { name: "code", kind: "text" },
    { name: "name", kind: "text" },
    { name: "level", kind: "text" },
    { name: "field", kind: "text" },
    ...unitColumns
  ],
  toValues: (r, context) => [
    ...provenanceValues("agency", context),
    r.code,
    r.name,
    r.level,
    orNull(r.field),
    ...unitValues(r.unit, context)
  ]
}

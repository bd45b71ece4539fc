/** Dossiers (hồ sơ TTHC), linked to the applicant's source record and, after deduplication, master. */
import type { DossierRecord } from "../../mappings/canonical-records.ts"
import {
  orNull,
  provenanceColumns,
  provenanceValues,
  referenceId,
  type TargetTable,
  timestampText,
  unitColumns,
  unitValues
} from "./target-table.ts"

export const dossiersTable: TargetTable<DossierRecord> = {
  name: "dossiers",
  entity: "dossier",
  columns: [
    ...provenanceColumns,
    { name: "dossier_code", kind: "text" },
    { name: "procedure_code", kind: "text" },
    { name: "applicant_record_id", kind: "uuid" },
    { name: "applicant_name", kind: "text" },
    { name: "agency_id", kind: "uuid" },
    { name: "received_at", kind: "timestamptz" },
    { name: "due_at", kind: "timestamptz" },
    { name: "completed_at", kind: "timestamptz" },
    { name: "status", kind: "text" },
    { name: "result_number", kind: "text" },
    { name: "result_summary", kind: "text" },
    { name: "fee", kind: "numeric" },
    ...unitColumns
  ],
  toValues: (r, context) => [
    ...provenanceValues("dossier", context),
    r.dossierCode,
    r.procedureCode,
    referenceId("citizen", r.applicantSourceKey),
    r.applicantName,
    referenceId("agency", r.agencySourceKey),
    timestampText(r.receivedAt),
    timestampText(r.dueAt),
    timestampText(r.completedAt),
    r.status,
    orNull(r.resultNumber),
    orNull(r.resultSummary),
    orNull(r.fee),
    ...unitValues(r.unit, context)
  ]
}

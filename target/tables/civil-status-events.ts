/** Civil-status registrations (đăng ký hộ tịch): births, deaths, marriages. */
import type { CivilStatusEventRecord } from "../../mappings/canonical-records.ts"
import {
  orNull,
  provenanceColumns,
  provenanceValues,
  referenceId,
  type TargetTable,
  unitColumns,
  unitValues
} from "./target-table.ts"

export const civilStatusEventsTable: TargetTable<CivilStatusEventRecord> = {
  name: "civil_status_events",
  entity: "civil_status_event",
  columns: [
    ...provenanceColumns,
    { name: "event_kind", kind: "text" },
    { name: "registration_number", kind: "text" },
    { name: "book", kind: "text" },
    { name: "registered_on", kind: "date" },
    { name: "event_date", kind: "text" },
    { name: "subject_record_id", kind: "uuid" },
    { name: "subject_name", kind: "text" },
    { name: "spouse_record_id", kind: "uuid" },
    { name: "spouse_name", kind: "text" },
    ...unitColumns
  ],
  toValues: (r, context) => [
    ...provenanceValues("civil_status_event", context),
    r.eventKind,
    r.registrationNumber,
    r.book,
    r.registeredOn,
    orNull(r.eventDate),
    referenceId("citizen", r.subjectSourceKey),
    r.subjectName,
    referenceId("citizen", r.spouseSourceKey),
    orNull(r.spouseName),
    ...unitValues(r.unit, context)
  ]
}

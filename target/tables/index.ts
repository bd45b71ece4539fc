/** The target table each canonical entity loads into. */
import type { EntityKind } from "../../mappings/canonical-records.ts"
import { accountRecordsTable } from "./account-records.ts"
import { agenciesTable } from "./agencies.ts"
import { citizenRecordsTable } from "./citizen-records.ts"
import { civilStatusEventsTable } from "./civil-status-events.ts"
import { dossiersTable } from "./dossiers.ts"
import type { TargetTable } from "./target-table.ts"

export const targetTables: { readonly [E in EntityKind]: TargetTable<any> } = {
  agency: agenciesTable,
  account: accountRecordsTable,
  citizen: citizenRecordsTable,
  dossier: dossiersTable,
  civil_status_event: civilStatusEventsTable
}

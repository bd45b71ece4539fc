/**
 * Planning: every table of every source is cut into keyset chunks of `batchSize` rows, stored in
 * the ledger. Planning continues after the last planned key, so rows a live source gained since
 * the last run become new batches and existing batch ids never change.
 */
import type { Kysely } from "kysely"
import type { SourceReader } from "../connectors/source-reader.ts"
import type { SourceSystem } from "../mappings/canonical-records.ts"
import type { TableMapping } from "../mappings/vendor-mapping.ts"
import { insertPlannedBatches, lastPlannedKey } from "./ledger.ts"

export interface PlannedTable {
  readonly source: string
  readonly system: SourceSystem
  readonly mapping: TableMapping
  readonly newBatches: number
}

export const planTable = async (
  db: Kysely<any>,
  reader: SourceReader,
  source: string,
  mapping: TableMapping,
  batchSize: number
): Promise<PlannedTable> => {
  const last = await lastPlannedKey(db, source, mapping.table)
  const ranges = await reader.chunkBounds(mapping.table, mapping.key, batchSize, last?.key ?? null)
  await insertPlannedBatches(
    db,
    { source, system: mapping.system, table: mapping.table, entity: mapping.entity },
    ranges,
    (last?.seq ?? 0) + 1
  )
  return { source, system: mapping.system, mapping, newBatches: ranges.length }
}

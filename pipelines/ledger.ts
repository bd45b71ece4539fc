/**
 * The batch ledger (provmerge.batches): the durable handoff between planning, extraction and
 * loading. A batch is one keyset chunk of one source table; its id is derived from source, table
 * and key range, so a resumed run finds the same batches and skips the verified ones.
 */
import { type Kysely, sql } from "kysely"
import type { EntityKind, SourceSystem } from "../mappings/canonical-records.ts"
import type { KeyRange } from "../connectors/source-reader.ts"

export type BatchStatus = "planned" | "running" | "loaded" | "verified" | "failed"

export interface BatchRow {
  readonly batch_id: string
  readonly source: string
  readonly system: SourceSystem
  readonly source_table: string
  readonly entity: EntityKind
  readonly seq: number
  readonly key_lo: string
  readonly key_hi: string
  readonly status: BatchStatus
  readonly attempt: number
  readonly rows_read: number | null
  readonly rows_loaded: number | null
  readonly rows_rejected: number | null
  readonly rows_review: number | null
  readonly source_checksum: string | null
  readonly target_checksum: string | null
  readonly error: string | null
  /** The run that last took the batch. */
  readonly run_id: string | null
  readonly started_at: Date | string | null
  readonly finished_at: Date | string | null
  readonly duration_ms: number | null
}

export const batchIdOf = (source: string, table: string, range: KeyRange): string =>
  `${source}:${table}:${range.lo}-${range.hi}`

const batches = (db: Kysely<any>) => db.withSchema("provmerge").selectFrom("batches")

/** The largest planned upper key of a table, from which planning continues (null: nothing planned). */
export const lastPlannedKey = async (db: Kysely<any>, source: string, table: string): Promise<{ key: string; seq: number } | null> => {
  const row = await batches(db)
    .select(["key_hi", "seq"])
    .where("source", "=", source)
    .where("source_table", "=", table)
    .orderBy("seq", "desc")
    .limit(1)
    .executeTakeFirst()
  return row === undefined ? null : { key: String(row.key_hi), seq: Number(row.seq) }
}

export const insertPlannedBatches = async (
  db: Kysely<any>,
  table: { readonly source: string; readonly system: SourceSystem; readonly table: string; readonly entity: EntityKind },
  ranges: readonly KeyRange[],
  firstSeq: number
): Promise<void> => {
  for (let i = 0; i < ranges.length; i += 500) {
    const values = ranges.slice(i, i + 500).map((range, j) => ({
      batch_id: batchIdOf(table.source, table.table, range),
      source: table.source,
      system: table.system,
      source_table: table.table,
      entity: table.entity,
      seq: firstSeq + i + j,
      key_lo: range.lo,
      key_hi: range.hi,
      status: "planned",
      attempt: 0
    }))
    await db.withSchema("provmerge").insertInto("batches").values(values).onConflict((oc) => oc.column("batch_id").doNothing()).execute()
  }
}

export const listBatches = async (
  db: Kysely<any>,
  filter: {
    readonly source?: string | undefined
    readonly table?: string | undefined
    readonly statuses?: readonly BatchStatus[] | undefined
    readonly entities?: readonly EntityKind[] | undefined
  } = {}
): Promise<BatchRow[]> => {
  let q = batches(db).selectAll()
  if (filter.source !== undefined) q = q.where("source", "=", filter.source)
  if (filter.table !== undefined) q = q.where("source_table", "=", filter.table)
  if (filter.statuses !== undefined) q = q.where("status", "in", filter.statuses as BatchStatus[])
  if (filter.entities !== undefined) q = q.where("entity", "in", filter.entities as EntityKind[])
  const rows = await q.orderBy("source").orderBy("source_table").orderBy("seq").execute()
  return rows.map(normaliseBatchRow)
}

export const getBatch = async (db: Kysely<any>, batchId: string): Promise<BatchRow | undefined> => {
  const row = await batches(db).selectAll().where("batch_id", "=", batchId).executeTakeFirst()
  return row === undefined ? undefined : normaliseBatchRow(row)
}

export const markRunning = async (db: Kysely<any>, batchId: string, runId: string): Promise<void> => {
  await db.withSchema("provmerge").updateTable("batches")
    .set({ status: "running", attempt: sql`attempt + 1`, run_id: runId, started_at: sql`now()`, error: null })
    .where("batch_id", "=", batchId)
    .execute()
}

export const markFailed = async (db: Kysely<any>, batchId: string, error: string, durationMs: number): Promise<void> => {
  await db.withSchema("provmerge").updateTable("batches")
    .set({ status: "failed", error, finished_at: sql`now()`, duration_ms: durationMs })
    .where("batch_id", "=", batchId)
    .execute()
}

/** Batches left 'running' by a killed process are not done: a new run takes them again. */
export const isDone = (row: BatchRow): boolean => row.status === "verified"

const normaliseBatchRow = (row: Record<string, unknown>): BatchRow => ({
  ...(row as unknown as BatchRow),
  seq: Number(row.seq),
  key_lo: String(row.key_lo),
  key_hi: String(row.key_hi),
  attempt: Number(row.attempt),
  rows_read: row.rows_read === null ? null : Number(row.rows_read),
  rows_loaded: row.rows_loaded === null ? null : Number(row.rows_loaded),
  rows_rejected: row.rows_rejected === null ? null : Number(row.rows_rejected),
  rows_review: row.rows_review === null ? null : Number(row.rows_review),
  duration_ms: row.duration_ms === null ? null : Number(row.duration_ms)
})

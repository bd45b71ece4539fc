/**
 * Loads one ledger batch in one target transaction, so a batch is either wholly there or not at
 * all (kill -9 at any point leaves nothing half-written):
 *
 *   source range ──stream──▶ map · remap · checksum ──COPY──▶ target table        (first load)
 *                                                    └─COPY──▶ temp staging (text)  (reload)
 *   staging ──set-based upsert (split and retry on bad rows)──▶ target table
 *   stale rows of the range deleted · rejects, review items, per-unit counts replaced
 *   source count, target count + checksum of the range compared with what was sent ──▶ verified | failed
 *
 * A range the target holds no row of yet (the first load of a batch, which is nearly every batch
 * of a migration) is COPY-ed straight into the target table: nothing to upsert, nothing stale. If
 * the target refuses a row there, the whole attempt is rolled back to a savepoint and the batch
 * takes the staging path, which isolates the bad rows by halving (as pgloader does). Ids derive
 * from source keys and unchanged rows are not rewritten, so a rerun leaves the target exactly as
 * it was. An advisory lock on the batch id keeps two processes from loading one batch at once.
 */
import { type Kysely, sql } from "kysely"
import { copyLine, type TargetSession, withTargetTransaction } from "../connectors/target-session.ts"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import type { SourceReader } from "../connectors/source-reader.ts"
import type { MappingContext, TableMapping } from "../mappings/vendor-mapping.ts"
import { checksumSql, type ColumnKind } from "../target/row-checksum.ts"
import type { TargetTable } from "../target/tables/target-table.ts"
import type { BatchRow } from "./ledger.ts"
import { BatchAccumulator, type RejectEntry, type UnitRemapper } from "./row-transformer.ts"
import { type LineMode, rangeCopyChunks } from "./transformed-chunks.ts"
import type { TransformWorkers } from "./transform-workers.ts"

export interface BatchInput {
  readonly target: DatabaseHandle
  readonly reader: SourceReader
  readonly mapping: TableMapping
  readonly context: MappingContext
  readonly remapper: UnitRemapper
  readonly table: TargetTable
  readonly batch: BatchRow
  readonly runId: string
  readonly fetchSize: number
  /** COPY a never-loaded range straight into the target table (default true; false: always stage and upsert). */
  readonly directFirstLoad?: boolean | undefined
  /**
   * Transform workers to do the per-row work on (see transform-workers.ts), with what a worker
   * needs to read the range itself: the source's DSN (a server engine) and its vendor. Without
   * them the rows are read and transformed on this thread through `reader`.
   */
  readonly workers?: { readonly pool: TransformWorkers; readonly sourceDsn: string; readonly vendor: string; readonly poolSize: number } | undefined
}

export interface BatchOutcome {
  readonly batchId: string
  readonly status: "verified" | "failed"
  readonly read: number
  readonly loaded: number
  readonly rejected: number
  readonly review: number
  readonly sourceChecksum: string
  readonly targetChecksum: string
  readonly error: string | null
  /** How the rows went in: "direct" (COPY into the target) or "staged" (staging + upsert). */
  readonly path: "direct" | "staged"
}

/** Thrown when a source read ends with a different number of rows than the source counts for the range. */
export class SourceCountMismatch extends Error {
  readonly code = "SOURCE_COUNT_MISMATCH"
}

const STAGE = "pm_stage"

export const loadBatch = async (input: BatchInput): Promise<BatchOutcome> => {
  const { target, batch, table } = input
  const db = target.db
  const started = Date.now()
  const decidedUnits = new Map<string, string>()
  const decisions = await db.withSchema("provmerge").selectFrom("review_items").select(["source_key", "decision"])
    .where("batch_id", "=", batch.batch_id).where("kind", "=", "unit").where("decision", "is not", null).execute()
  for (const d of decisions as Array<{ source_key: string; decision: string }>) decidedUnits.set(d.source_key, d.decision)
  const transformer = { mapping: input.mapping, context: input.context, remapper: input.remapper, target: table, decidedUnits }
  const rangeFilter = sql`source = ${input.context.source} and source_table = ${input.mapping.table}
    and source_pk between ${batch.key_lo} and ${batch.key_hi}`

  return withTargetTransaction(target, async (session) => {
    await session.query(sql`select pg_advisory_xact_lock(hashtext(${batch.batch_id}))`.compile(db))
    const loadedBefore = (await session.query<{ e: boolean }>(
      sql`select exists (select 1 from ${sql.id(table.name)} where ${rangeFilter}) as e`.compile(db)
    ))[0]!.e
    let acc = new BatchAccumulator()
    let path: "direct" | "staged" = "staged"
    const loadRejects: RejectEntry[] = []

    // The range's COPY text, transformed here or in a worker; `into` holds the accumulator at its end.
    const rangeChunks = (into: BatchAccumulator, mode: LineMode) =>
      input.workers === undefined
        ? rangeCopyChunks(input.reader, { lo: batch.key_lo, hi: batch.key_hi }, input.fetchSize, transformer, into, mode)
        : input.workers.pool.chunks({
          source: input.workers.sourceDsn,
          poolSize: input.workers.poolSize,
          vendor: input.workers.vendor,
          table: input.mapping.table,
          range: { lo: batch.key_lo, hi: batch.key_hi },
          fetchSize: input.fetchSize,
          context: { source: input.context.source, oldProvinceCode: input.context.oldProvinceCode },
          decidedUnits: [...decidedUnits],
          mode
        }, into)

    if (!loadedBefore && input.directFirstLoad !== false) {
      await session.query({ sql: "savepoint pm_direct", parameters: [] })
      try {
        await session.copyIn(
          `COPY ${quoteId(table.name)} (${table.columns.map((c) => quoteId(c.name)).join(", ")}) FROM STDIN`,
          rangeChunks(acc, "target")
        )
        await session.query({ sql: "release savepoint pm_direct", parameters: [] })
        path = "direct"
      } catch (error) {
        await session.query({ sql: "rollback to savepoint pm_direct", parameters: [] })
        await session.query({ sql: "release savepoint pm_direct", parameters: [] })
        if (!isRowError(error)) throw error
        acc = new BatchAccumulator() // a row the target refuses: start again on the staging path
      }
    }

    if (path === "staged") {
      await session.query(sql`create temp table ${sql.id(STAGE)} (seq integer primary key, row_hash text not null,
        failed boolean not null default false, ${sql.join(table.columns.map((c) => sql`${sql.id(c.name)} text`))}) on commit drop`.compile(db))
      await session.copyIn(
        `COPY ${STAGE} (seq, row_hash, failed, ${table.columns.map((c) => quoteId(c.name)).join(", ")}) FROM STDIN`,
        rangeChunks(acc, "staging")
      )

      // Upsert; a data error isolates its row by halving the range (as pgloader does).
      await mergeRange(session, db, table, 1, acc.staged, loadedBefore, async (badSeq, message) => {
        const row = (await session.query<Record<string, string | null>>(sql`select * from ${sql.id(STAGE)} where seq = ${badSeq}`.compile(db)))[0]!
        const hash = row.row_hash!
        const unit = row.accounting_unit ?? ""
        acc.checksum.xorHex(hash)
        const tally = acc.tally(unit)
        tally.checksum.xorHex(hash)
        tally.rejected++
        loadRejects.push({
          sourceKey: row.source_key ?? "",
          unit,
          stage: "load",
          code: "LOAD_FAILED",
          column: null,
          message,
          rawValue: null,
          rawRow: Object.fromEntries(table.columns.map((c) => [c.name, row[c.name] ?? null]))
        })
      })

      // Rows of this range that the source no longer yields (deleted, or now rejected) leave the target.
      if (loadedBefore) {
        await session.query(sql`delete from ${sql.id(table.name)} as t where ${rangeFilter}
          and not exists (select 1 from ${sql.id(STAGE)} s where s.id::uuid = t.id and not s.failed)`.compile(db))
      }
    }

    // The source must count as many rows in the range as were read: a short read is never verified.
    const sourceCount = await input.reader.countRange(input.mapping.table, input.mapping.key, { lo: batch.key_lo, hi: batch.key_hi })
    if (sourceCount !== acc.read) {
      throw new SourceCountMismatch(
        `the source counts ${sourceCount} rows in ${input.mapping.table} ${batch.key_lo}–${batch.key_hi} but ${acc.read} were read ` +
          "(rows changed while reading, or the read was cut short); the batch is retried"
      )
    }

    const rejects = [...acc.rejects, ...loadRejects]
    await replaceRejects(session, db, batch, input.context.source, input.mapping.table, rejects)
    const review = await replaceUnitReviews(session, db, batch, input.context.source, input.mapping.table, acc)
    await replaceBatchUnits(session, db, batch.batch_id, acc)

    // Verify: what the target now holds for this range against what the source side sent.
    const check = (await session.query<{ n: string; c: string }>(
      sql`select count(*)::text as n, ${checksumSql(table.columns)} as c from ${sql.id(table.name)} where ${rangeFilter}`.compile(db)
    ))[0]!
    const loaded = acc.staged - loadRejects.length
    const sourceChecksum = acc.checksum.value
    const countOk = Number(check.n) === loaded
    const sumOk = check.c === sourceChecksum
    const conservationOk = acc.read === loaded + rejects.length
    const error = countOk && sumOk && conservationOk
      ? null
      : `verification failed: source sent ${loaded} rows (checksum ${sourceChecksum}), target holds ${check.n} (checksum ${check.c}); read ${acc.read}, rejected ${rejects.length}`
    const status = error === null ? "verified" as const : "failed" as const
    // clock_timestamp(): now() would be the transaction's start, making every batch look instant.
    await session.query(db.withSchema("provmerge").updateTable("batches").set({
      status,
      rows_read: acc.read,
      rows_loaded: loaded,
      rows_rejected: rejects.length,
      rows_review: review,
      source_checksum: sourceChecksum,
      target_checksum: check.c,
      error,
      run_id: input.runId,
      finished_at: sql`clock_timestamp()`,
      duration_ms: Date.now() - started
    }).where("batch_id", "=", batch.batch_id).compile())
    return {
      batchId: batch.batch_id,
      status,
      read: acc.read,
      loaded,
      rejected: rejects.length,
      review,
      sourceChecksum,
      targetChecksum: check.c,
      error,
      path
    }
  })
}

const quoteId = (name: string) => `"${name.replace(/"/g, '""')}"`

const castFor = (column: string, kind: ColumnKind) => {
  const c = sql.ref(`s.${column}`)
  switch (kind) {
    case "text":
      return c
    case "uuid":
      return sql`${c}::uuid`
    case "bigint":
      return sql`${c}::bigint`
    case "integer":
      return sql`${c}::integer`
    case "date":
      return sql`${c}::date`
    case "timestamptz":
      return sql`${c}::timestamptz`
    case "numeric":
      return sql`${c}::numeric`
    case "double":
      return sql`${c}::double precision`
    case "boolean":
      return sql`${c}::boolean`
    case "text[]":
      return sql`string_to_array(${c}, ',')`
  }
}

/**
 * Staged rows lo–hi into the target. A range the target held no row of is inserted plainly (its
 * ids cannot be there: they derive from this range's source keys), which also works while the
 * table's primary key is deferred (see target/deferred-indexes.ts); otherwise an upsert that
 * leaves unchanged rows untouched.
 */
const mergeStatement = (db: Kysely<any>, table: TargetTable, lo: number, hi: number, upsert: boolean) => {
  const cols = table.columns.map((c) => sql.id(c.name))
  const updatable = table.columns.filter((c) => c.name !== "id")
  const insert = sql`insert into ${sql.id(table.name)} as t (${sql.join(cols)})
    select ${sql.join(table.columns.map((c) => castFor(c.name, c.kind)))}
    from ${sql.id(STAGE)} s where s.seq between ${lo} and ${hi} and not s.failed`
  if (!upsert) return insert.compile(db)
  return sql`${insert}
    on conflict (id) do update set ${sql.join(updatable.map((c) => sql`${sql.id(c.name)} = excluded.${sql.id(c.name)}`))}
    where (${sql.join(updatable.map((c) => sql`t.${sql.id(c.name)}`))}) is distinct from (${
    sql.join(updatable.map((c) => sql`excluded.${sql.id(c.name)}`))
  })`.compile(db)
}

/** SQLSTATE classes 22 (data exception) and 23 (integrity violation) are the row's fault. */
const isRowError = (error: unknown): boolean => {
  const code = (error as { code?: unknown }).code
  return typeof code === "string" && (code.startsWith("22") || code.startsWith("23"))
}

const mergeRange = async (
  session: TargetSession,
  db: Kysely<any>,
  table: TargetTable,
  lo: number,
  hi: number,
  upsert: boolean,
  onBadRow: (seq: number, message: string) => Promise<void>
): Promise<void> => {
  if (hi < lo) return
  await session.query({ sql: "savepoint pm_merge", parameters: [] })
  try {
    await session.query(mergeStatement(db, table, lo, hi, upsert))
    await session.query({ sql: "release savepoint pm_merge", parameters: [] })
    return
  } catch (error) {
    await session.query({ sql: "rollback to savepoint pm_merge", parameters: [] })
    await session.query({ sql: "release savepoint pm_merge", parameters: [] })
    if (!isRowError(error)) throw error
    if (lo === hi) {
      await session.query(sql`update ${sql.id(STAGE)} set failed = true where seq = ${lo}`.compile(db))
      await onBadRow(lo, `the target refused the row: ${(error as Error).message}`)
      return
    }
  }
  const mid = Math.floor((lo + hi) / 2)
  await mergeRange(session, db, table, lo, mid, upsert, onBadRow)
  await mergeRange(session, db, table, mid + 1, hi, upsert, onBadRow)
}

/** Text that PostgreSQL can store: NUL becomes the visible symbol ␀. */
const pgText = (s: string | null): string | null => (s === null ? null : s.includes("\u0000") ? s.replaceAll("\u0000", "\u2400") : s)

/** Columns whose values are credentials: kept out of rejects (password hashes never leave their column). */
const SECRET_COLUMN = /pass|mat_?khau|secret|token|(^|_)hash$/i
const REDACTED = "[redacted]"

const rawRowJson = (row: Readonly<Record<string, unknown>>): string =>
  pgText(JSON.stringify(row, (k, v) => (SECRET_COLUMN.test(k) && v !== null && v !== "" ? REDACTED : typeof v === "bigint" ? v.toString() : v)))!
    .replaceAll("\\u0000", "\\u2400")

const replaceRejects = async (
  session: TargetSession,
  db: Kysely<any>,
  batch: BatchRow,
  source: string,
  sourceTable: string,
  rejects: readonly RejectEntry[]
): Promise<void> => {
  await session.query(db.withSchema("provmerge").deleteFrom("rejects").where("batch_id", "=", batch.batch_id).compile())
  if (rejects.length === 0) return
  await session.copyIn(
    "COPY provmerge.rejects (batch_id, source, source_table, source_key, unit, stage, error_code, column_name, message, raw_value, raw_row) FROM STDIN",
    [rejects.map((r) =>
      copyLine([
        batch.batch_id,
        source,
        sourceTable,
        r.sourceKey,
        r.unit,
        r.stage,
        r.code,
        r.column,
        pgText(r.message),
        r.column !== null && SECRET_COLUMN.test(r.column) ? REDACTED : pgText(r.rawValue),
        rawRowJson(r.rawRow)
      ])
    ).join("")]
  )
}

const replaceUnitReviews = async (
  session: TargetSession,
  db: Kysely<any>,
  batch: BatchRow,
  source: string,
  sourceTable: string,
  acc: BatchAccumulator
): Promise<number> => {
  const items = acc.unitReviews.map((r) => ({
    review_key: `unit:${r.sourceKey}`,
    kind: "unit",
    batch_id: batch.batch_id,
    source,
    source_table: sourceTable,
    source_key: r.sourceKey,
    payload: JSON.stringify({
      unit: r.unit,
      status: r.answer.status,
      newProvinceCode: r.answer.newProvinceCode ?? null,
      candidates: r.answer.candidates,
      reason: r.answer.reason ?? null
    })
  }))
  const keys = items.map((i) => i.review_key)
  // Undecided items of this batch that no longer need review go; decided ones are kept with their decision.
  await session.query(sql`delete from provmerge.review_items where batch_id = ${batch.batch_id} and kind = 'unit'
    and decision is null and not (review_key = any(${keys}::text[]))`.compile(db))
  if (items.length === 0) return 0
  // One statement over three arrays (a sixth of a dossier batch's rows may need review): binding
  // seven parameters per item in multi-row VALUES cost more than the COPY of the batch itself.
  await session.query(sql`insert into provmerge.review_items (review_key, kind, batch_id, source, source_table, source_key, payload)
    select k, 'unit', ${batch.batch_id}::text, ${source}::text, ${sourceTable}::text, sk, p::jsonb
    from unnest(${keys}::text[], ${items.map((i) => i.source_key)}::text[], ${items.map((i) => i.payload)}::text[]) as u(k, sk, p)
    on conflict (review_key) do update set payload = excluded.payload, batch_id = excluded.batch_id`.compile(db))
  return items.length
}

const replaceBatchUnits = async (session: TargetSession, db: Kysely<any>, batchId: string, acc: BatchAccumulator): Promise<void> => {
  await session.query(db.withSchema("provmerge").deleteFrom("batch_units").where("batch_id", "=", batchId).compile())
  const units = [...acc.units]
  if (units.length === 0) return
  await session.query(sql`insert into provmerge.batch_units (batch_id, unit, rows_read, rows_rejected, source_checksum)
    select ${batchId}::text, u, r, j, c from unnest(${units.map(([u]) => u)}::text[], ${units.map(([, t]) => t.read)}::int[],
      ${units.map(([, t]) => t.rejected)}::int[], ${units.map(([, t]) => t.checksum.value)}::text[]) as x(u, r, j, c)`.compile(db))
}

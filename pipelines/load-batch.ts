/**
 * Loads one ledger batch in one target transaction, so a batch is either wholly there or not at
 * all (kill -9 at any point leaves nothing half-written):
 *
 *   source range ──stream──▶ map · remap · checksum ──COPY──▶ temp staging (all text)
 *   staging ──set-based upsert (split and retry on bad rows)──▶ target table
 *   stale rows of the range deleted · rejects, review items, per-unit counts replaced
 *   target count + checksum of the range compared with the source side ──▶ verified | failed
 *
 * Ids derive from source keys and unchanged rows are not rewritten, so a rerun leaves the target
 * exactly as it was.
 */
import { type Kysely, sql } from "kysely"
import { copyLine, type TargetSession, withTargetTransaction } from "../connectors/target-session.ts"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import type { SourceReader } from "../connectors/source-reader.ts"
import type { MappingContext, TableMapping } from "../mappings/vendor-mapping.ts"
import { checksumSql, type ColumnKind } from "../target/row-checksum.ts"
import type { TargetTable } from "../target/tables/target-table.ts"
import type { BatchRow } from "./ledger.ts"
import { BatchAccumulator, createRowTransformer, type RejectEntry, type UnitRemapper } from "./row-transformer.ts"

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
}

const STAGE = "pm_stage"

export const loadBatch = async (input: BatchInput): Promise<BatchOutcome> => {
  const { target, batch, table } = input
  const db = target.db
  const started = Date.now()
  const acc = new BatchAccumulator()
  const decidedUnits = new Map<string, string>()
  const decisions = await db.withSchema("provmerge").selectFrom("review_items").select(["source_key", "decision"])
    .where("batch_id", "=", batch.batch_id).where("kind", "=", "unit").where("decision", "is not", null).execute()
  for (const d of decisions as Array<{ source_key: string; decision: string }>) decidedUnits.set(d.source_key, d.decision)
  const transform = createRowTransformer({ mapping: input.mapping, context: input.context, remapper: input.remapper, target: table, decidedUnits })
  const staged = new Map<number, { hash: string; unit: string; values: Array<string | null> }>()

  return withTargetTransaction(target, async (session) => {
    await session.query(sql`create temp table ${sql.id(STAGE)} (seq integer primary key, row_hash text not null,
      failed boolean not null default false, ${sql.join(table.columns.map((c) => sql`${sql.id(c.name)} text`))}) on commit drop`.compile(db))

    // Extract → transform → COPY, one small array of rows at a time.
    let seq = 0
    const lines = async function*() {
      for await (const rows of input.reader.readRange(input.mapping.table, input.mapping.key, input.mapping.columns, { lo: batch.key_lo, hi: batch.key_hi }, input.fetchSize)) {
        let chunk = ""
        for (const row of rows) {
          const out = transform(row, acc)
          if (out === undefined) continue
          seq++
          staged.set(seq, { hash: out.hash, unit: out.unit, values: out.values })
          chunk += copyLine([String(seq), out.hash, "f", ...out.values])
        }
        if (chunk !== "") yield chunk
      }
    }
    await session.copyIn(
      `COPY ${STAGE} (seq, row_hash, failed, ${table.columns.map((c) => quoteId(c.name)).join(", ")}) FROM STDIN`,
      lines()
    )

    // Upsert; a data error isolates its row by halving the range (as pgloader does).
    const loadRejects: RejectEntry[] = []
    await mergeRange(session, db, table, 1, seq, async (badSeq, message) => {
      const row = staged.get(badSeq)!
      acc.checksum.xorHex(row.hash)
      const tally = acc.tally(row.unit)
      tally.checksum.xorHex(row.hash)
      tally.rejected++
      const sourceKey = row.values[4] ?? ""
      loadRejects.push({
        sourceKey,
        unit: row.unit,
        stage: "load",
        code: "LOAD_FAILED",
        column: null,
        message,
        rawValue: null,
        rawRow: Object.fromEntries(table.columns.map((c, i) => [c.name, row.values[i]]))
      })
    })
    staged.clear()
    const rejects = [...acc.rejects, ...loadRejects]

    // Rows of this range that the source no longer yields (deleted, or now rejected) leave the target.
    await session.query(sql`delete from ${sql.id(table.name)} as t
      where t.source = ${input.context.source} and t.source_table = ${input.mapping.table}
        and t.source_pk between ${batch.key_lo} and ${batch.key_hi}
        and not exists (select 1 from ${sql.id(STAGE)} s where s.id::uuid = t.id and not s.failed)`.compile(db))

    await replaceRejects(session, db, batch, input.context.source, input.mapping.table, rejects)
    const review = await replaceUnitReviews(session, db, batch, input.context.source, input.mapping.table, acc)
    await replaceBatchUnits(session, db, batch.batch_id, acc)

    // Verify: what the target now holds for this range against what the source side sent.
    const check = (await session.query<{ n: string; c: string }>(
      sql`select count(*)::text as n, ${checksumSql(table.columns)} as c from ${sql.id(table.name)}
        where source = ${input.context.source} and source_table = ${input.mapping.table}
          and source_pk between ${batch.key_lo} and ${batch.key_hi}`.compile(db)
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
      finished_at: sql`now()`,
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
      error
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

const mergeStatement = (db: Kysely<any>, table: TargetTable, lo: number, hi: number) => {
  const cols = table.columns.map((c) => sql.id(c.name))
  const updatable = table.columns.filter((c) => c.name !== "id")
  return sql`insert into ${sql.id(table.name)} as t (${sql.join(cols)})
    select ${sql.join(table.columns.map((c) => castFor(c.name, c.kind)))}
    from ${sql.id(STAGE)} s where s.seq between ${lo} and ${hi} and not s.failed
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
  onBadRow: (seq: number, message: string) => Promise<void>
): Promise<void> => {
  if (hi < lo) return
  await session.query({ sql: "savepoint pm_merge", parameters: [] })
  try {
    await session.query(mergeStatement(db, table, lo, hi))
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
  await mergeRange(session, db, table, lo, mid, onBadRow)
  await mergeRange(session, db, table, mid + 1, hi, onBadRow)
}

/** Text that PostgreSQL can store: NUL becomes the visible symbol ␀. */
const pgText = (s: string | null): string | null => (s === null ? null : s.includes("\u0000") ? s.replaceAll("\u0000", "\u2400") : s)

const rawRowJson = (row: Readonly<Record<string, unknown>>): string =>
  pgText(JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v)))!.replaceAll("\\u0000", "\\u2400")

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
        pgText(r.rawValue),
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
  for (let i = 0; i < items.length; i += 500) {
    await session.query(db.withSchema("provmerge").insertInto("review_items").values(items.slice(i, i + 500))
      .onConflict((oc) => oc.column("review_key").doUpdateSet((eb) => ({ payload: eb.ref("excluded.payload"), batch_id: eb.ref("excluded.batch_id") })))
      .compile())
  }
  return items.length
}

const replaceBatchUnits = async (session: TargetSession, db: Kysely<any>, batchId: string, acc: BatchAccumulator): Promise<void> => {
  await session.query(db.withSchema("provmerge").deleteFrom("batch_units").where("batch_id", "=", batchId).compile())
  const rows = [...acc.units].map(([unit, t]) => ({
    batch_id: batchId,
    unit,
    rows_read: t.read,
    rows_rejected: t.rejected,
    source_checksum: t.checksum.value
  }))
  for (let i = 0; i < rows.length; i += 500) {
    await session.query(db.withSchema("provmerge").insertInto("batch_units").values(rows.slice(i, i + 500)).compile())
  }
}

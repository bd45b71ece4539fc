/**
 * The two sides `provmerge diff` compares for one source table:
 *
 * - the source side reads the vendor's rows of a key range and turns them into the canonical
 *   target rows exactly as a batch load does (vendor mapping, unit remap with the reviewers'
 *   decisions, `toValues`, the row hash), in Node;
 * - the target side asks PostgreSQL for the count and `checksumSql` of the rows that came from
 *   that source table and key range, and for their normalised column texts.
 *
 * Rows the source rejects are not part of the source side (they were never sent).
 */
import { type Kysely, sql } from "kysely"
import type { KeyRange, SourceReader } from "../connectors/source-reader.ts"
import type { MappingContext, TableMapping } from "../mappings/vendor-mapping.ts"
import { checksumSql, normalisedSql } from "../target/row-checksum.ts"
import type { TargetTable } from "../target/tables/target-table.ts"
import type { DiffSide, RangeSummary, RowValues } from "./diff-table.ts"
import { BatchAccumulator, createRowTransformer, type UnitRemapper } from "./row-transformer.ts"

export interface SourceSideInput {
  readonly reader: SourceReader
  readonly mapping: TableMapping
  readonly context: MappingContext
  readonly remapper: UnitRemapper
  readonly table: TargetTable
  /** Reviewers' unit decisions for this source table: source key → chosen new commune code. */
  readonly decidedUnits: ReadonlyMap<string, string>
  /** Only rows counted under this old unit (the mapping's accounting unit). */
  readonly unit?: string | undefined
  readonly fetchSize?: number | undefined
}

export const sourceDiffSide = (input: SourceSideInput): DiffSide => {
  const { reader, mapping, unit } = input
  const fetchSize = input.fetchSize ?? 1000
  const transform = createRowTransformer({
    mapping,
    context: input.context,
    remapper: input.remapper,
    target: input.table,
    decidedUnits: input.decidedUnits
  })
  const each = async (range: KeyRange, visit: (key: string, values: RowValues, hash: string) => void): Promise<void> => {
    for await (const rows of reader.readRange(mapping.table, mapping.key, mapping.columns, range, fetchSize)) {
      for (const row of rows) {
        if (unit !== undefined && mapping.accountingUnit(row) !== unit) continue
        const out = transform(row, new BatchAccumulator())
        if (out !== undefined) visit(String(row[mapping.key]), out.values, out.hash)
      }
    }
  }
  return {
    summarize: async (range) => {
      const acc = new BatchAccumulator()
      let count = 0
      await each(range, (_key, _values, hash) => {
        count++
        acc.checksum.xorHex(hash)
      })
      return { count, checksum: acc.checksum.value }
    },
    rows: async (range) => {
      const out = new Map<string, RowValues>()
      await each(range, (key, values) => out.set(key, values))
      return out
    }
  }
}

export interface TargetSideInput {
  readonly db: Kysely<any>
  readonly table: TargetTable
  readonly source: string
  readonly sourceTable: string
  readonly unit?: string | undefined
}

/** Rows of the target table that came from one source table, optionally of one old unit. */
const targetFilter = (input: TargetSideInput) =>
  input.unit === undefined
    ? sql`source = ${input.source} and source_table = ${input.sourceTable}`
    : sql`source = ${input.source} and source_table = ${input.sourceTable} and accounting_unit = ${input.unit}`

export const targetDiffSide = (input: TargetSideInput): DiffSide => {
  const { db, table } = input
  const filter = targetFilter(input)
  const inRange = (range: KeyRange) => sql`${filter} and source_pk between ${range.lo} and ${range.hi}`
  return {
    summarize: async (range): Promise<RangeSummary> => {
      const r = await sql<{ n: string; c: string }>`select count(*)::text as n, ${checksumSql(table.columns)} as c
        from ${sql.id(table.name)} where ${inRange(range)}`.execute(db)
      const row = r.rows[0]!
      return { count: Number(row.n), checksum: row.c }
    },
    rows: async (range) => {
      const r = await sql<Record<string, string | null>>`select source_pk::text as pm_key, ${
        sql.join(table.columns.map((c, i) => sql`${normalisedSql(c.name, c.kind)} as ${sql.id(`c${i}`)}`))
      } from ${sql.id(table.name)} where ${inRange(range)}`.execute(db)
      const out = new Map<string, RowValues>()
      for (const row of r.rows) out.set(String(row.pm_key), table.columns.map((_c, i) => row[`c${i}`] ?? null))
      return out
    }
  }
}

/** The smallest and largest source key the target holds for a source table (null: none). */
export const targetKeyBounds = async (input: TargetSideInput): Promise<KeyRange | null> => {
  const r = await sql<{ lo: string | null; hi: string | null }>`select min(source_pk)::text as lo, max(source_pk)::text as hi
    from ${sql.id(input.table.name)} where ${targetFilter(input)}`.execute(input.db)
  const row = r.rows[0]
  return row === undefined || row.lo === null || row.hi === null ? null : { lo: row.lo, hi: row.hi }
}

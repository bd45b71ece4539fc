/**
 * `provmerge diff`: for every source table of a job (or the one asked for), compares what the
 * source yields today through the vendor mapping with what the target holds, per key range,
 * and narrows every mismatch to rows and columns (diff-table.ts).
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { describeLocation } from "../connectors/database-location.ts"
import { openSourceReader } from "../connectors/open-source-reader.ts"
import type { SourceReader } from "../connectors/source-reader.ts"
import { sourceKeyOf, type TableMapping } from "../mappings/vendor-mapping.ts"
import { findVendorMapping, vendorMappings } from "../mappings/vendors/index.ts"
import { targetTables } from "../target/tables/index.ts"
import { sourceDiffSide, targetDiffSide, targetKeyBounds } from "./diff-sides.ts"
import { coveringRanges, diffTable, type RowDifference } from "./diff-table.ts"
import { CatalogUnavailable, describeError, SourceUnavailable, UnknownVendor } from "./errors.ts"
import type { Job } from "./job-config.ts"
import { openTarget } from "./run-job.ts"
import { loadJobUnits } from "./unit-remapper.ts"

export interface DiffOptions {
  /** Only this source (its name in the job file). */
  readonly source?: string | undefined
  /** Only this table: the vendor's source table name or the target table name. */
  readonly table?: string | undefined
  /** Only rows counted under this old unit (as in the workbook's Summary). */
  readonly unit?: string | undefined
  /** Ranges of at most this many rows are compared row by row. Default 64. */
  readonly leafRows?: number | undefined
  /** Stop listing a table's differing rows after this many. Default 1000. */
  readonly limit?: number | undefined
  /** Called when a table is done, for progress. */
  readonly onTable?: ((table: TableDiff) => void) | undefined
}

export interface DiffRow extends RowDifference {
  readonly sourceKey: string
  /** For missing_in_target: the row was refused by the target when loaded (a LOAD_FAILED reject), so its absence is expected. */
  readonly rejectedAtLoad: boolean
}

export interface TableDiff {
  readonly source: string
  readonly table: string
  readonly targetTable: string
  readonly unit: string | null
  readonly ranges: number
  readonly rangesDiffering: number
  readonly queries: number
  readonly sourceRows: number
  readonly targetRows: number
  /** Rows that differ (rows rejected at load are listed but are not differences). */
  readonly rows: readonly DiffRow[]
  readonly differences: number
  readonly truncated: boolean
}

export interface DiffReport {
  readonly tables: readonly TableDiff[]
  readonly differences: number
}

export class DiffSelectionInvalid extends Data.TaggedError("DiffSelectionInvalid")<{ readonly what: string; readonly value: string; readonly known: readonly string[] }> {
  override get message() {
    return `No ${this.what} '${this.value}' in this job. Known: ${this.known.join(", ")}.`
  }
}

export class DiffFailed extends Data.TaggedError("DiffFailed")<{ readonly source: string; readonly table: string; readonly cause: string }> {
  override get message() {
    return `Comparing ${this.source}/${this.table} failed: ${this.cause}`
  }
}

interface Selected {
  readonly source: Job["sources"][number]
  readonly mapping: TableMapping
}

const select = (job: Job, options: DiffOptions) =>
  Effect.gen(function*() {
    const sources = options.source === undefined ? job.sources : job.sources.filter((s) => s.name === options.source)
    if (sources.length === 0) return yield* new DiffSelectionInvalid({ what: "source", value: options.source!, known: job.sources.map((s) => s.name) })
    const selected: Selected[] = []
    const known: string[] = []
    for (const source of sources) {
      const vendor = findVendorMapping(source.vendor)
      if (vendor === undefined) return yield* new UnknownVendor({ source: source.name, vendor: source.vendor, known: Object.keys(vendorMappings) })
      for (const mapping of vendor.tables) {
        const targetName = targetTables[mapping.entity].name
        known.push(`${source.name}/${mapping.table} (→ ${targetName})`)
        if (options.table === undefined || options.table === mapping.table || options.table === targetName) selected.push({ source, mapping })
      }
    }
    if (selected.length === 0) return yield* new DiffSelectionInvalid({ what: "table", value: options.table!, known })
    return selected
  })

export const diffJob = (job: Job, options: DiffOptions = {}) =>
  Effect.scoped(Effect.gen(function*() {
    const selected = yield* select(job, options)
    const units = yield* Effect.tryPromise({
      try: () => loadJobUnits(job.catalog, job.unitHints),
      catch: (e) => new CatalogUnavailable({ path: job.catalog, cause: describeError(e) })
    })
    const target = yield* openTarget(job)
    const readers = new Map<string, SourceReader>()
    yield* Effect.addFinalizer(() =>
      Effect.promise(async () => {
        for (const r of readers.values()) await r.close().catch(() => undefined)
      })
    )
    const tables: TableDiff[] = []
    for (const { source, mapping } of selected) {
      const location = mapping.system === "tthc" ? source.tthc : source.civilStatus
      const readerKey = `${source.name}/${mapping.system}`
      let reader = readers.get(readerKey)
      if (reader === undefined) {
        reader = yield* Effect.tryPromise({
          try: () => openSourceReader(location, 2),
          catch: (e) => new SourceUnavailable({ source: source.name, database: describeLocation(location), cause: describeError(e) })
        })
        readers.set(readerKey, reader)
      }
      const sourceReader = reader
      const result = yield* Effect.tryPromise({
        try: () => diffOneTable({ job, source, mapping, reader: sourceReader, db: target.db, units, options }),
        catch: (e) => new DiffFailed({ source: source.name, table: mapping.table, cause: describeError(e) })
      })
      options.onTable?.(result)
      tables.push(result)
    }
    return { tables, differences: tables.reduce((n, t) => n + t.differences, 0) } satisfies DiffReport
  }))

const diffOneTable = async (input: {
  readonly job: Job
  readonly source: Job["sources"][number]
  readonly mapping: TableMapping
  readonly reader: SourceReader
  readonly db: import("kysely").Kysely<any>
  readonly units: import("./unit-remapper.ts").JobUnits
  readonly options: DiffOptions
}): Promise<TableDiff> => {
  const { source, mapping, db, options } = input
  const table = targetTables[mapping.entity]
  const decided = await db.withSchema("provmerge").selectFrom("review_items").select(["source_key", "decision"])
    .where("kind", "=", "unit").where("decision", "is not", null)
    .where("source", "=", source.name).where("source_table", "=", mapping.table).execute()
  const decidedUnits = new Map((decided as Array<{ source_key: string; decision: string }>).map((d) => [d.source_key, d.decision]))
  const targetInput = { db, table, source: source.name, sourceTable: mapping.table, unit: options.unit }
  const chunks = await input.reader.chunkBounds(mapping.table, mapping.key, input.job.batchSize, null)
  const ranges = coveringRanges(chunks, await targetKeyBounds(targetInput))
  const outcome = await diffTable(
    sourceDiffSide({
      reader: input.reader,
      mapping,
      context: { source: source.name, oldProvinceCode: source.oldProvinceCode },
      remapper: input.units,
      table,
      decidedUnits,
      unit: options.unit
    }),
    targetDiffSide(targetInput),
    ranges,
    { columns: table.columns.map((c) => c.name), leafRows: options.leafRows, limit: options.limit }
  )
  const missing = outcome.differences.filter((d) => d.status === "missing_in_target").map((d) => sourceKeyOf(source.name, mapping.table, d.key))
  const refused = new Set<string>()
  for (let i = 0; i < missing.length; i += 500) {
    const rows = await db.withSchema("provmerge").selectFrom("rejects").select("source_key")
      .where("stage", "=", "load").where("source_key", "in", missing.slice(i, i + 500)).execute()
    for (const r of rows as Array<{ source_key: string }>) refused.add(r.source_key)
  }
  const rows = outcome.differences.map((d): DiffRow => {
    const sourceKey = sourceKeyOf(source.name, mapping.table, d.key)
    return { ...d, sourceKey, rejectedAtLoad: d.status === "missing_in_target" && refused.has(sourceKey) }
  })
  return {
    source: source.name,
    table: mapping.table,
    targetTable: table.name,
    unit: options.unit ?? null,
    ranges: outcome.ranges,
    rangesDiffering: outcome.rangesDiffering,
    queries: outcome.queries,
    sourceRows: outcome.sourceRows,
    targetRows: outcome.targetRows,
    rows,
    differences: rows.filter((r) => !r.rejectedAtLoad).length,
    truncated: outcome.truncated
  }
}

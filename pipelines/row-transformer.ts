/**
 * The per-row hot path of a batch: vendor mapping → unit remap → target column texts → checksum.
 * Plain synchronous code (no promises, no Effect allocations): it runs millions of times.
 * Every row comes out as exactly one of: a staged row, or a reject with a stable code.
 */
import { hash } from "node:crypto"
import type { CanonicalRecord, OldUnitRef } from "../mappings/canonical-records.ts"
import type { RejectCode } from "../mappings/reject-codes.ts"
import { sourceKeyOf, type MappingContext, type SourceRow, type TableMapping } from "../mappings/vendor-mapping.ts"
import { ChecksumAccumulator } from "../target/row-checksum.ts"
import type { ResolvedUnit, TargetTable } from "../target/tables/target-table.ts"

/** What the unit remapper answers for one reference (see mappings/admin-units). */
export interface UnitAnswer extends ResolvedUnit {
  readonly candidates: readonly string[]
  readonly reason?: string | undefined
}

export interface UnitRemapper {
  resolve(ref: OldUnitRef): UnitAnswer
  /** The answer for a new commune a reviewer chose (status "reviewed"); undefined if the code is not a new commune. */
  chosen(newCommuneCode: string): UnitAnswer | undefined
}

export interface RejectEntry {
  readonly sourceKey: string
  readonly unit: string
  readonly stage: "decode" | "remap" | "load"
  readonly code: RejectCode
  readonly column: string | null
  readonly message: string
  readonly rawValue: string | null
  readonly rawRow: SourceRow
}

export interface UnitReviewEntry {
  readonly sourceKey: string
  readonly unit: OldUnitRef
  readonly answer: UnitAnswer
}

export interface UnitTally {
  read: number
  rejected: number
  readonly checksum: ChecksumAccumulator
}

/** Accumulates one batch: staged lines, rejects, review items, per-unit tallies, checksum. */
export class BatchAccumulator {
  readonly rejects: RejectEntry[] = []
  readonly unitReviews: UnitReviewEntry[] = []
  readonly units = new Map<string, UnitTally>()
  readonly checksum = new ChecksumAccumulator()
  read = 0
  staged = 0

  tally(unit: string): UnitTally {
    let t = this.units.get(unit)
    if (t === undefined) {
      t = { read: 0, rejected: 0, checksum: new ChecksumAccumulator() }
      this.units.set(unit, t)
    }
    return t
  }

  /**
   * The accumulator as plain data that can cross a thread (structured clone). Raw rows of rejects
   * go through JSON (as the rejects table stores them), so a Buffer stays what it was in JSON.
   */
  toTransfer(): AccumulatorTransfer {
    return {
      read: this.read,
      staged: this.staged,
      checksum: this.checksum.words(),
      units: [...this.units].map(([unit, t]) => [unit, t.read, t.rejected, ...t.checksum.words()] as const),
      rejects: this.rejects.map((r) => ({ ...r, rawRow: jsonSafe(r.rawRow) })),
      unitReviews: this.unitReviews
    }
  }

  /** Adds what another accumulator (of the same batch, built elsewhere) counted. */
  addTransfer(t: AccumulatorTransfer): void {
    this.read += t.read
    this.staged += t.staged
    this.checksum.xorWords(t.checksum[0], t.checksum[1])
    for (const [unit, read, rejected, hi, lo] of t.units) {
      const tally = this.tally(unit)
      tally.read += read
      tally.rejected += rejected
      tally.checksum.xorWords(hi, lo)
    }
    this.rejects.push(...t.rejects)
    this.unitReviews.push(...t.unitReviews)
  }
}

export interface AccumulatorTransfer {
  readonly read: number
  readonly staged: number
  readonly checksum: readonly [number, number]
  readonly units: ReadonlyArray<readonly [unit: string, read: number, rejected: number, hi: number, lo: number]>
  readonly rejects: readonly RejectEntry[]
  readonly unitReviews: readonly UnitReviewEntry[]
}

const jsonSafe = (row: SourceRow): SourceRow =>
  JSON.parse(JSON.stringify(row, (_k, v) => (typeof v === "bigint" ? v.toString() : v))) as SourceRow

/** A row ready for the target: its column texts and its row hash (the first 64 bits of the md5, as two words). */
export class StagedRow {
  readonly values: Array<string | null>
  readonly hi: number
  readonly lo: number
  readonly unit: string
  /** The row's unit tally in the batch (for a row whose hash is added later, see `hashRows`). */
  readonly tally: UnitTally | undefined

  constructor(values: Array<string | null>, hi: number, lo: number, unit: string, tally?: UnitTally) {
    this.values = values
    this.hi = hi
    this.lo = lo
    this.unit = unit
    this.tally = tally
  }

  /** The row hash as 16 hex digits (the staging table's row_hash, see target/row-checksum.ts). */
  get hash(): string {
    return (this.hi >>> 0).toString(16).padStart(8, "0") + (this.lo >>> 0).toString(16).padStart(8, "0")
  }
}

export const createRowTransformer = (options: {
  readonly mapping: TableMapping
  readonly context: MappingContext
  readonly remapper: UnitRemapper
  readonly target: TargetTable
  /** Reviewers' answers for this batch: source key → chosen new commune code. */
  readonly decidedUnits?: ReadonlyMap<string, string> | undefined
  /**
   * false: a staged row comes out with no hash (hi = lo = 0) and is neither added to the batch's
   * checksums nor counted as staged; the caller does both with `addStagedRow` once it has the
   * row's hash (the COPY writer takes it from the line's bytes). Default true.
   */
  readonly hashRows?: boolean | undefined
}) => {
  const { mapping, context, remapper, target } = options
  const decidedUnits = options.decidedUnits ?? new Map<string, string>()
  const hashRows = options.hashRows !== false
  const keyColumn = mapping.key
  const rejectRow = (
    batch: BatchAccumulator,
    tally: UnitTally,
    row: SourceRow,
    sourceKey: string,
    unit: string,
    entry: Omit<RejectEntry, "sourceKey" | "unit" | "rawRow">
  ): undefined => {
    tally.rejected++
    batch.rejects.push({ ...entry, sourceKey, unit, rawRow: row })
    return undefined
  }
  return (row: SourceRow, batch: BatchAccumulator): StagedRow | undefined => {
    batch.read++
    const pk = String(row[keyColumn])
    const sourceKey = sourceKeyOf(context.source, mapping.table, pk)
    const unitKey = mapping.accountingUnit(row)
    const tally = batch.tally(unitKey)
    tally.read++
    let mapped
    try {
      mapped = mapping.toRecord(row, context, sourceKey)
    } catch (error) {
      // A mapping must not throw; if one does, the row is still accounted for.
      return rejectRow(batch, tally, row, sourceKey, unitKey, {
        stage: "decode", code: "MISSING_REQUIRED", column: null, message: `mapping failed: ${(error as Error).message}`, rawValue: null
      })
    }
    if (!mapped.ok) {
      return rejectRow(batch, tally, row, sourceKey, unitKey, {
        stage: "decode", code: mapped.code, column: mapped.column, message: mapped.message, rawValue: rawText(mapped.value)
      })
    }
    const record: CanonicalRecord = mapped.record
    const decided = decidedUnits.size === 0 ? undefined : decidedUnits.get(sourceKey)
    const answer = (decided === undefined ? undefined : remapper.chosen(decided)) ?? resolveUnit(remapper, record.unit)
    if (answer.status === "unknown") {
      return rejectRow(batch, tally, row, sourceKey, unitKey, {
        stage: "remap",
        code: "UNIT_UNKNOWN",
        column: null,
        message: answer.reason ?? "the unit code is not in the catalog",
        rawValue: describeRef(record.unit)
      })
    }
    if (answer.status === "ambiguous" || answer.status === "province_only") {
      batch.unitReviews.push({ sourceKey, unit: record.unit, answer })
    }
    const values = target.toValues(record, {
      source: context.source,
      sourceTable: mapping.table,
      sourcePk: pk,
      sourceKey,
      accountingUnit: unitKey,
      unit: answer
    })
    if (!hashRows) return new StagedRow(values, 0, 0, unitKey, tally)
    const digest = rowDigest(values)
    const hi = digestWord(digest, 0)
    const lo = digestWord(digest, 4)
    addStagedRow(batch, tally, hi, lo)
    return new StagedRow(values, hi, lo, unitKey)
  }
}

/** Counts a staged row in its batch, with its hash words, in the batch's and its unit's checksums. */
export const addStagedRow = (batch: BatchAccumulator, tally: UnitTally, hi: number, lo: number): void => {
  batch.checksum.xorWords(hi, lo)
  tally.checksum.xorWords(hi, lo)
  batch.staged++
}

/**
 * The md5 of target/row-checksum.ts's normalised row text (the values joined by U+001F, NULL as
 * \N), with the one-shot `crypto.hash` returned as a 16-character "binary" (latin1) string: no Buffer and
 * no hex text per row, the words are read with charCodeAt.
 */
export const rowDigest = (values: ReadonlyArray<string | null>): string => {
  let text = values.length === 0 ? "" : values[0] ?? "\\N"
  for (let i = 1; i < values.length; i++) text += "\u001f" + (values[i] ?? "\\N")
  return hash("md5", text, "binary")
}

/** The 32-bit word at byte `at` (big-endian) of a digest in "binary" form. */
export const digestWord = (d: string, at: number): number =>
  (d.charCodeAt(at) << 24) | (d.charCodeAt(at + 1) << 16) | (d.charCodeAt(at + 2) << 8) | d.charCodeAt(at + 3)

/** The 16-hex-digit row hash of target/row-checksum.ts for a row's normalised column texts. */
export const rowHash = (values: ReadonlyArray<string | null>): string => {
  const d = rowDigest(values)
  return new StagedRow([], digestWord(d, 0), digestWord(d, 4), "").hash
}

const NO_UNIT: UnitAnswer = { status: "none", candidates: [] }

const resolveUnit = (remapper: UnitRemapper, ref: OldUnitRef): UnitAnswer => {
  const empty = !ref.provinceCode && !ref.districtCode && !ref.communeCode && !ref.address
  return empty ? NO_UNIT : remapper.resolve(ref)
}

const describeRef = (ref: OldUnitRef): string =>
  [ref.provinceCode, ref.districtCode, ref.communeCode].map((c) => c ?? "").join("/") + (ref.address ? ` ${ref.address}` : "")

const rawText = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString()
  if (typeof value === "object") return JSON.stringify(value)
  return String(value)
}

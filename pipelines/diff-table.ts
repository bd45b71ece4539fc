/**
 * Narrows a checksum mismatch between the source and the target of one table down to rows, the
 * way data-diff does: compare count and checksum per key range; a range that differs is halved
 * (by key value) and both halves compared again, until a range holds at most `leafRows` rows;
 * then the rows of that range are fetched from both sides and compared column by column.
 *
 * Checksums are order-independent XORs (target/row-checksum.ts), so only one half of a range is
 * queried on each side: the other half's count and checksum follow from the parent's.
 * The algorithm knows nothing about engines: a side is anything that can summarise and list a
 * key range (see diff-sides.ts).
 */
import type { KeyRange } from "../connectors/source-reader.ts"

/** Count and checksum of the rows of one key range, on one side. */
export interface RangeSummary {
  readonly count: number
  readonly checksum: string
}

export type RowValues = ReadonlyArray<string | null>

export interface DiffSide {
  summarize(range: KeyRange): Promise<RangeSummary>
  /** The rows of the range: integer key (decimal text) → normalised column texts. */
  rows(range: KeyRange): Promise<ReadonlyMap<string, RowValues>>
}

export interface ColumnDifference {
  readonly column: string
  readonly source: string | null
  readonly target: string | null
}

export interface RowDifference {
  /** The source primary key (decimal text). */
  readonly key: string
  readonly status: "changed" | "missing_in_target" | "missing_in_source"
  /** For "changed": the columns whose values differ. */
  readonly columns: readonly ColumnDifference[]
}

export interface TableDiffOutcome {
  /** Top-level key ranges compared. */
  readonly ranges: number
  /** Top-level key ranges whose count or checksum differed. */
  readonly rangesDiffering: number
  /** Count and checksum queries run on each side (top level and bisection). */
  readonly queries: number
  readonly sourceRows: number
  readonly targetRows: number
  readonly differences: readonly RowDifference[]
  /** True when more rows differ than `limit` and the listing stopped there. */
  readonly truncated: boolean
}

export interface DiffTableOptions {
  /** Names of the compared columns, in the order both sides give values. */
  readonly columns: readonly string[]
  /** A range of at most this many rows (on the larger side) is compared row by row. Default 64. */
  readonly leafRows?: number
  /** Stop listing after this many differing rows. Default 1000. */
  readonly limit?: number
}

const XOR_MASK = (1n << 64n) - 1n

/** XOR of two 16-hex-digit checksums. */
export const xorChecksums = (a: string, b: string): string =>
  ((BigInt(`0x${a}`) ^ BigInt(`0x${b}`)) & XOR_MASK).toString(16).padStart(16, "0")

/** The halves of [lo, hi] by key value; undefined when the range holds a single key. */
export const splitRange = (range: KeyRange): readonly [KeyRange, KeyRange] | undefined => {
  const lo = BigInt(range.lo)
  const hi = BigInt(range.hi)
  if (hi <= lo) return undefined
  const mid = lo + (hi - lo) / 2n
  return [{ lo: range.lo, hi: mid.toString() }, { lo: (mid + 1n).toString(), hi: range.hi }]
}

const sameSummary = (a: RangeSummary, b: RangeSummary): boolean => a.count === b.count && a.checksum === b.checksum

/** Compares two sides over the given key ranges (together they must cover every key of both sides). */
export const diffTable = async (
  source: DiffSide,
  target: DiffSide,
  ranges: readonly KeyRange[],
  options: DiffTableOptions
): Promise<TableDiffOutcome> => {
  const leafRows = options.leafRows ?? 64
  const limit = options.limit ?? 1000
  const differences: RowDifference[] = []
  let queries = 0
  let sourceRows = 0
  let targetRows = 0
  let rangesDiffering = 0
  const full = () => differences.length >= limit

  const compareRows = async (range: KeyRange): Promise<void> => {
    const [a, b] = await Promise.all([source.rows(range), target.rows(range)])
    const keys = [...new Set([...a.keys(), ...b.keys()])].sort((x, y) => {
      const d = BigInt(x) - BigInt(y)
      return d < 0n ? -1 : d > 0n ? 1 : 0
    })
    for (const key of keys) {
      if (full()) return
      const s = a.get(key)
      const t = b.get(key)
      if (s === undefined) differences.push({ key, status: "missing_in_source", columns: [] })
      else if (t === undefined) differences.push({ key, status: "missing_in_target", columns: [] })
      else {
        const columns: ColumnDifference[] = []
        for (let i = 0; i < options.columns.length; i++) {
          const sv = s[i] ?? null
          const tv = t[i] ?? null
          if (sv !== tv) columns.push({ column: options.columns[i]!, source: sv, target: tv })
        }
        if (columns.length > 0) differences.push({ key, status: "changed", columns })
      }
    }
  }

  const bisect = async (range: KeyRange, s: RangeSummary, t: RangeSummary): Promise<void> => {
    if (full() || sameSummary(s, t)) return
    const halves = Math.max(s.count, t.count) <= leafRows ? undefined : splitRange(range)
    if (halves === undefined) return compareRows(range)
    const [left, right] = halves
    const [sl, tl] = await Promise.all([source.summarize(left), target.summarize(left)])
    queries++
    const sr = { count: s.count - sl.count, checksum: xorChecksums(s.checksum, sl.checksum) }
    const tr = { count: t.count - tl.count, checksum: xorChecksums(t.checksum, tl.checksum) }
    await bisect(left, sl, tl)
    await bisect(right, sr, tr)
  }

  for (const range of ranges) {
    const [s, t] = await Promise.all([source.summarize(range), target.summarize(range)])
    queries++
    sourceRows += s.count
    targetRows += t.count
    if (sameSummary(s, t)) continue
    rangesDiffering++
    await bisect(range, s, t)
  }
  return { ranges: ranges.length, rangesDiffering, queries, sourceRows, targetRows, differences, truncated: full() }
}

/**
 * Top-level ranges that cover every key of both sides: the source's keyset chunks, made
 * contiguous, the first one reaching down to the smallest target key and the last one up to the
 * largest, so a row present on one side only is never outside every range.
 */
export const coveringRanges = (chunks: readonly KeyRange[], targetBounds: KeyRange | null): KeyRange[] => {
  const sorted = [...chunks].sort((a, b) => (BigInt(a.lo) < BigInt(b.lo) ? -1 : 1))
  if (sorted.length === 0) return targetBounds === null ? [] : [targetBounds]
  const out: KeyRange[] = sorted.map((c, i) => ({ lo: c.lo, hi: i + 1 < sorted.length ? (BigInt(sorted[i + 1]!.lo) - 1n).toString() : c.hi }))
  if (targetBounds !== null) {
    const first = out[0]!
    const last = out[out.length - 1]!
    if (BigInt(targetBounds.lo) < BigInt(first.lo)) out[0] = { lo: targetBounds.lo, hi: first.hi }
    if (BigInt(targetBounds.hi) > BigInt(last.hi)) out[out.length - 1] = { lo: out[out.length - 1]!.lo, hi: targetBounds.hi }
  }
  return out
}

/**
 * What the pipeline needs from a source database, whatever the engine: key statistics, keyset
 * chunk bounds, and the rows of one key range streamed in small arrays (never a whole table in
 * memory). One file per engine implements it.
 */
import type { Engine } from "./database-location.ts"

export type SourceRow = Readonly<Record<string, unknown>>

export interface KeyRange {
  /** Inclusive bounds, as decimal strings (keys may exceed 2^53). */
  readonly lo: string
  readonly hi: string
}

export interface SourceReader {
  readonly engine: Engine
  readonly description: string
  /** Consecutive ranges of at most `size` rows each, for keys strictly greater than `after`. */
  chunkBounds(table: string, key: string, size: number, after: string | null): Promise<KeyRange[]>
  /** The rows of [lo, hi] in key order, in arrays of at most `fetchSize` rows. */
  readRange(table: string, key: string, columns: readonly string[], range: KeyRange, fetchSize: number): AsyncIterable<SourceRow[]>
  /** Number of rows in a range (for verification of what was read). */
  countRange(table: string, key: string, range: KeyRange): Promise<number>
  close(): Promise<void>
}

/**
 * Collects a keyset plan. `probe(after, size)` answers the smallest and largest key of the next
 * `size` keys after `after` (one indexed range scan: SELECT min(k), max(k) FROM (SELECT k … WHERE
 * k > after ORDER BY k LIMIT size)), or null when no key is left.
 */
export const planChunks = async (
  probe: (after: string | null, size: number) => Promise<KeyRange | null>,
  size: number,
  after: string | null
): Promise<KeyRange[]> => {
  const ranges: KeyRange[] = []
  let cursor = after
  for (;;) {
    const range = await probe(cursor, size)
    if (range === null) return ranges
    ranges.push(range)
    cursor = range.hi
  }
}

/**
 * The bisection of `provmerge diff` on in-memory sides: it finds exactly the changed, missing
 * and extra rows, compares rows only in small ranges, and queries far fewer ranges than rows.
 */
import { describe, expect, it } from "vitest"
import type { KeyRange } from "../../connectors/source-reader.ts"
import { ChecksumAccumulator } from "../../target/row-checksum.ts"
import { coveringRanges, type DiffSide, diffTable, splitRange, xorChecksums } from "../../pipelines/diff-table.ts"

const COLUMNS = ["id", "name", "born"]

/** A side over a map key → values, counting what it is asked. */
const memorySide = (rows: Map<bigint, Array<string | null>>) => {
  const stats = { summaries: 0, listed: 0, largestListing: 0 }
  const inRange = (range: KeyRange) => [...rows].filter(([k]) => k >= BigInt(range.lo) && k <= BigInt(range.hi))
  const side: DiffSide = {
    summarize: async (range) => {
      stats.summaries++
      const acc = new ChecksumAccumulator()
      const hit = inRange(range)
      for (const [, v] of hit) acc.addRow(v)
      return { count: hit.length, checksum: acc.value }
    },
    rows: async (range) => {
      const hit = inRange(range)
      stats.listed += hit.length
      stats.largestListing = Math.max(stats.largestListing, hit.length)
      return new Map(hit.map(([k, v]) => [k.toString(), v]))
    }
  }
  return { side, stats }
}

const world = (n: number) => {
  const rows = new Map<bigint, Array<string | null>>()
  for (let i = 1; i <= n; i++) rows.set(BigInt(i * 3), [String(i * 3), `Nguyễn Văn ${i}`, i % 7 === 0 ? null : `1990-01-${String((i % 28) + 1).padStart(2, "0")}`])
  return rows
}

describe("diffTable", () => {
  it("finds nothing when both sides hold the same rows, with one query per range", async () => {
    const s = memorySide(world(5000))
    const t = memorySide(world(5000))
    const out = await diffTable(s.side, t.side, [{ lo: "1", hi: "7500" }, { lo: "7501", hi: "15000" }], { columns: COLUMNS })
    expect(out.differences).toEqual([])
    expect(out.rangesDiffering).toBe(0)
    expect(out.queries).toBe(2)
    expect(out.sourceRows).toBe(5000)
    expect(s.stats.listed + t.stats.listed).toBe(0)
  })

  it("narrows one changed field, one deleted and one extra row down to rows, listing only small ranges", async () => {
    const source = world(5000)
    const target = world(5000)
    target.get(3000n)![1] = "Nguyen Van 1000" // one field changed
    target.delete(9000n) // a row missing in the target
    target.set(9001n, ["9001", "Trần Thị B", null]) // a row the source does not have
    const s = memorySide(source)
    const t = memorySide(target)
    const out = await diffTable(s.side, t.side, [{ lo: "1", hi: "15000" }], { columns: COLUMNS })
    expect(out.differences).toEqual([
      { key: "3000", status: "changed", columns: [{ column: "name", source: "Nguyễn Văn 1000", target: "Nguyen Van 1000" }] },
      { key: "9000", status: "missing_in_target", columns: [] },
      { key: "9001", status: "missing_in_source", columns: [] }
    ])
    expect(out.rangesDiffering).toBe(1)
    // Row listings happen only in ranges of at most 64 rows, and bisection is logarithmic.
    expect(Math.max(s.stats.largestListing, t.stats.largestListing)).toBeLessThanOrEqual(64)
    expect(s.stats.listed).toBeLessThan(200)
    expect(out.queries).toBeLessThan(40)
  })

  it("stops listing at the limit and says so", async () => {
    const source = world(1000)
    const target = world(1000)
    for (const [k, v] of target) if (k % 2n === 0n) v[1] = `${v[1]}!`
    const out = await diffTable(memorySide(source).side, memorySide(target).side, [{ lo: "0", hi: "3000" }], { columns: COLUMNS, limit: 10 })
    expect(out.differences.length).toBe(10)
    expect(out.truncated).toBe(true)
  })

  it("handles keys beyond 2^53 and single-key ranges", async () => {
    const big = 2n ** 62n
    const source = new Map<bigint, Array<string | null>>([[big, ["a", "x", null]], [big + 1n, ["b", "y", null]]])
    const target = new Map<bigint, Array<string | null>>([[big, ["a", "x", null]], [big + 1n, ["b", "z", null]]])
    const out = await diffTable(memorySide(source).side, memorySide(target).side, [{ lo: big.toString(), hi: (big + 1n).toString() }], {
      columns: COLUMNS,
      leafRows: 0
    })
    expect(out.differences).toEqual([{ key: (big + 1n).toString(), status: "changed", columns: [{ column: "name", source: "y", target: "z" }] }])
  })
})

describe("key ranges", () => {
  it("splits by key value and refuses to split one key", () => {
    expect(splitRange({ lo: "1", hi: "10" })).toEqual([{ lo: "1", hi: "5" }, { lo: "6", hi: "10" }])
    expect(splitRange({ lo: "7", hi: "7" })).toBeUndefined()
  })

  it("XOR of checksums removes a part again", () => {
    const a = new ChecksumAccumulator()
    a.addRow(["1"])
    const b = new ChecksumAccumulator()
    b.addRow(["2"])
    const both = new ChecksumAccumulator()
    both.addRow(["1"])
    both.addRow(["2"])
    expect(xorChecksums(both.value, a.value)).toBe(b.value)
  })

  it("covers the gaps between source chunks and the target's keys outside them", () => {
    expect(coveringRanges([{ lo: "10", hi: "20" }, { lo: "30", hi: "40" }], { lo: "5", hi: "45" })).toEqual([
      { lo: "5", hi: "29" },
      { lo: "30", hi: "45" }
    ])
    expect(coveringRanges([], { lo: "5", hi: "45" })).toEqual([{ lo: "5", hi: "45" }])
    expect(coveringRanges([{ lo: "10", hi: "20" }], null)).toEqual([{ lo: "10", hi: "20" }])
    expect(coveringRanges([], null)).toEqual([])
  })
})

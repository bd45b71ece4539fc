import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { febrlSettings, parseFebrlCsv, prepareFebrlTable } from "../../dedupe/febrl-settings.ts"
import { ModelCollapsed, uFromCounts, uWithoutMatches } from "../../dedupe/fellegi-sunter.ts"
import { runLinkage } from "../../dedupe/linkage-engine.ts"
import { blockKey, type LinkageSettings } from "../../dedupe/linkage-settings.ts"
import { linkAndCluster } from "../../dedupe/record-linkage.ts"

describe("generic engine", () => {
  it("FEBRL1 without the identifier and without labels: F1 >= 0.99", () => {
    const text = readFileSync(new URL("../../../shared/data/febrl/febrl_dataset1.csv", import.meta.url), "utf8")
    const records = parseFebrlCsv(text)
    const table = prepareFebrlTable(records)
    const { clustering } = linkAndCluster(table, table.size, febrlSettings(false), { linkage: { uSampleSize: 100_000 } })
    const entity = records.map((r) => /rec-(\d+)/.exec(r.recId)![1])
    let tp = 0
    let predicted = 0
    for (let i = 0; i < table.size; i++)
      for (let j = i + 1; j < table.size; j++)
        if (clustering.cluster[i] === clustering.cluster[j]) {
          predicted++
          if (entity[i] === entity[j]) tp++
        }
    const precision = tp / predicted
    const recall = tp / 500
    expect((2 * precision * recall) / (precision + recall)).toBeGreaterThan(0.99)
  })

  it("refuses a collapsed model with a clear message", () => {
    // Two binary fields; the blocked pairs are of two kinds that agree on one field and not the
    // other. Whichever kind EM calls "match", agreement on the other field counts against it.
    const n = 4000
    const a = new Int32Array(n)
    const b = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      a[i] = i % 2
      b[i] = Math.floor(i / 2) % 2
    }
    type T = { a: Int32Array; b: Int32Array; group: Int32Array }
    const group = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 4))
    const table: T = { a, b, group }
    const exact = (name: string, col: (t: T) => Int32Array) => ({
      name,
      levels: [{ label: "same" }, { label: "different" }],
      compare: (t: T, x: number, y: number) => (col(t)[x] === col(t)[y] ? 1 : 2)
    })
    const settings: LinkageSettings<T> = {
      comparisons: [exact("a", (t) => t.a), exact("b", (t) => t.b)],
      blockingRules: [{ kind: "key", name: "group", deactivates: [], key: (t, i) => blockKey(t.group[i]!) }],
      deterministicRules: [],
      deterministicRecall: 1
    }
    expect(() => runLinkage(table, n, settings, { emStrategy: "single" })).toThrow(ModelCollapsed)
    try {
      runLinkage(table, n, settings, { emStrategy: "single" })
    } catch (e) {
      expect((e as ModelCollapsed).message).toMatch(/Model refused/)
    }
  })
})

describe("u without the matches among the random pairs", () => {
  const comparisons = [{ name: "id", levels: [{ label: "exact" }, { label: "different" }], compare: () => 0 }]
  // 100,000 random pairs, 30 of them at "exact": with a prior of 2e-4, about 19 (2e-4 * 100,000 * m 0.95) are matches.
  const levels = new Uint8Array(100_000).fill(2)
  levels.fill(1, 0, 30)
  const sample = { levels, count: 100_000 }
  const m = [Float64Array.from([0, 0.95, 0.05])]

  it("takes the expected matches out of the agreeing level, so it counts for more", () => {
    const raw = uFromCounts(comparisons, sample)[0]!
    const corrected = uWithoutMatches(comparisons, sample, m, 2e-4, [true])[0]!
    expect(raw[1]).toBeCloseTo(30.5 / 100_001, 8)
    expect(corrected[1]).toBeCloseTo((30 - 19 + 0.5) / (100_000 - 20 + 1), 7)
    expect(corrected[1]! + corrected[2]!).toBeCloseTo(1, 10)
  })

  it("keeps half a pair when the matches explain every pair found, and leaves unestimated m alone", () => {
    // 1e-3 * 100,000 * 0.95 = 95 expected at "exact", more than the 30 found: half a pair left.
    const u = uWithoutMatches(comparisons, sample, m, 1e-3, [true])[0]!
    expect(u[1]).toBeGreaterThan(0)
    expect(u[1]).toBeCloseTo(0.5 / (0.5 + (99_970 - 5) + 0.5), 9)
    expect(uWithoutMatches(comparisons, sample, m, 1e-3, [false])[0]).toEqual(uFromCounts(comparisons, sample)[0])
  })
})

import { describe, expect, it } from "vitest"
import type { CitizenRecord } from "../../dedupe/citizen-record.ts"
import { deduplicate } from "../../dedupe/deduplicate.ts"
import type { ComparisonParameters } from "../../dedupe/fellegi-sunter.ts"
import { compileScorer, weightOf } from "../../dedupe/linkage-engine.ts"
import type { LinkageSettings } from "../../dedupe/linkage-settings.ts"
import { fitReviewCapacity, thresholdsFromTargetPrecision } from "../../dedupe/match-thresholds.ts"
import { BANDS, bandOf, FLOOR_PROBABILITY, precisionFromBands } from "../../dedupe/merged-set-precision.ts"
import { generatePopulation } from "../../dedupe/synthetic-population.ts"

/** Per-band arrays with the given entries ([weight, value] pairs). */
const perBand = (entries: readonly (readonly [number, number])[]) => {
  const out = new Float64Array(BANDS)
  for (const [w, v] of entries) out[bandOf(w)]! += v
  return out
}

describe("the merged set's precision from the calibration per band", () => {
  it("charges each band's unchecked pairs at the share of its labelled joins that were wrong", () => {
    // Band 10: 200 labelled joins, all right; band 5: 100, half wrong. 1,000 and 100 unchecked pairs of 10,000.
    const calibration = { draws: perBand([[10.5, 200], [5.5, 100]]), right: perBand([[10.5, 200], [5.5, 50]]) }
    const e = precisionFromBands(calibration, perBand([[10.2, 1000], [5.7, 100]]), 10_000)
    const expected = 1 - (1000 * (0.5 / 201) + 100 * (50.5 / 101)) / 10_000
    expect(e.precision).toBeCloseTo(expected, 10)
    expect(e.lowerBound).toBeLessThan(e.precision)
    // Pairs checked by a label on both sides (not in `unchecked`) cost nothing.
    expect(precisionFromBands(calibration, perBand([]), 10_000)).toEqual({ precision: 1, lowerBound: 1 })
  })

  it("a band without labelled joins counts as a coin toss, with the widest uncertainty", () => {
    const calibration = { draws: perBand([[10.5, 200]]), right: perBand([[10.5, 200]]) }
    const e = precisionFromBands(calibration, perBand([[4.5, 100]]), 10_000)
    expect(e.precision).toBeCloseTo(1 - 50 / 10_000, 10)
    expect(e.lowerBound).toBeLessThan(0.99)
  })

  it("more labelled joins narrow the bound around the same share", () => {
    const few = precisionFromBands({ draws: perBand([[8.5, 40]]), right: perBand([[8.5, 39]]) }, perBand([[8.5, 500]]), 10_000)
    const many = precisionFromBands({ draws: perBand([[8.5, 4000]]), right: perBand([[8.5, 3900]]) }, perBand([[8.5, 500]]), 10_000)
    expect(many.precision - many.lowerBound).toBeLessThan((few.precision - few.lowerBound) / 5)
  })
})

describe("comparisons hidden between two labelled records", () => {
  type T = { id: Int32Array; date: Int32Array }
  // Records 0 and 1 share the ID and have different birth dates; record 2 has no ID.
  const table: T = { id: Int32Array.from([7, 7, -1]), date: Int32Array.from([1, 2, 2]) }
  const settings: LinkageSettings<T> = {
    comparisons: [
      { name: "id", levels: [{ label: "same" }, { label: "different" }], compare: (t, a, b) => (t.id[a]! < 0 || t.id[b]! < 0 ? 0 : t.id[a] === t.id[b] ? 1 : 2) },
      { name: "birth_date", levels: [{ label: "same" }, { label: "different" }], compare: (t, a, b) => (t.date[a] === t.date[b] ? 1 : 2) }
    ],
    blockingRules: [],
    deterministicRules: [],
    deterministicRecall: 1,
    contradictionUnlessExact: ["id"]
  }
  const level = (label: string, m: number, u: number) => ({ label, m, u, weight: Math.log2(m / u), termFrequency: false, termFrequencyU: 0 })
  const model: { comparisons: ComparisonParameters[] } = {
    comparisons: [
      { name: "id", mEstimated: true, matchedPairs: 1e6, levels: [level("same", 0.99, 1e-6), level("different", 0.01, 0.999)] },
      { name: "birth_date", mEstimated: true, matchedPairs: 1e6, levels: [level("same", 0.999, 1e-4), level("different", 0.001, 0.99)] }
    ]
  }
  const labelled = (t: T, a: number, b: number) => t.id[a]! >= 0 && t.id[b]! >= 0

  it("read as missing: the shared ID neither adds its weight nor spares the contradicting birth date", () => {
    const real = compileScorer(settings, model, 3)
    const shadow = compileScorer(settings, model, 3, undefined, { comparisons: ["id"], when: labelled })
    expect(real.contradicts(table, 0, 1)).toBe(false)
    expect(shadow.contradicts(table, 0, 1)).toBe(true)
    expect(real.bayesFactorLog2(table, 0, 1) - shadow.bayesFactorLog2(table, 0, 1)).toBeCloseTo(Math.log2(0.99 / 1e-6), 6)
    expect(shadow.level(table, 0, 1, 0)).toBe(0)
    expect(real.level(table, 0, 1, 0)).toBe(1)
    // A pair with a record outside the sample is scored as it is.
    expect(shadow.bayesFactorLog2(table, 1, 2)).toBe(real.bayesFactorLog2(table, 1, 2))
  })
})

describe("reviewer capacity after clustering", () => {
  const thresholds = thresholdsFromTargetPrecision([], 0.995)
  const pair = (a: number, b: number, weight: number, reason: string) => ({ a, b, weight, reason })

  it("keeps the pairs the guards refused and the strongest of the band while the records fit", () => {
    // 1,000 records: 20 fit. The refused pairs hold 10 records; the band's pairs 2 new each.
    const refused = [0, 2, 4, 6, 8].map((a) => pair(a, a + 1, 9, "rival_candidate"))
    const band = Array.from({ length: 10 }, (_, k) => pair(100 + 2 * k, 101 + 2 * k, 6 - k * 0.5, "review_band"))
    const out = fitReviewCapacity([...refused, ...band], thresholds, { records: 1000, maxReviewShare: 0.02 })
    const records = new Set(out.pairs.flatMap((r) => [r.a, r.b]))
    expect(records.size).toBe(20)
    expect(out.pairs.filter((r) => r.reason === "rival_candidate")).toHaveLength(5)
    expect(out.pairs.filter((r) => r.reason === "review_band").map((r) => r.weight)).toEqual([6, 5.5, 5, 4.5, 4])
    expect(out.thresholds.reviewWeight).toBeGreaterThan(3.5)
    expect(out.thresholds.reviewWeight).toBeLessThan(4)
    expect(out.thresholds.reviewCapped).toBe(true)
  })

  it("changes nothing when the records in review fit, or without a cap", () => {
    const few = [pair(0, 1, 9, "chain_conflict"), pair(2, 3, 3, "review_band")]
    expect(fitReviewCapacity(few, thresholds, { records: 1000, maxReviewShare: 0.02 })).toEqual({ pairs: few, thresholds })
    const many = Array.from({ length: 50 }, (_, k) => pair(2 * k, 2 * k + 1, 3, "review_band"))
    expect(fitReviewCapacity(many, thresholds, { records: 1000, maxReviewShare: 1 }).pairs).toHaveLength(50)
  })
})

describe("the set-level auto-merge threshold on a generated population (CLI columns)", () => {
  const pop = generatePopulation({ persons: 10_000, seed: 42 })
  const cli = pop.records.map(({ communeCode: _c, phone: _p, updatedAt: _u, ...r }): CitizenRecord => r)
  const truth = (result: ReturnType<typeof deduplicate>, records: readonly CitizenRecord[]) => {
    const index = new Map(records.map((r, i) => [r.recordId, i]))
    const byMaster = new Map<string, number[]>()
    for (const a of result.assignments) (byMaster.get(a.masterId) ?? byMaster.set(a.masterId, []).get(a.masterId)!).push(index.get(a.recordId)!)
    let tp = 0
    let fp = 0
    for (const l of byMaster.values())
      for (let x = 0; x < l.length; x++) for (let y = x + 1; y < l.length; y++) pop.personIds[l[x]!] === pop.personIds[l[y]!] ? tp++ : fp++
    return { precision: tp / (tp + fp), truePairs: tp }
  }

  it("lowers the threshold where the label-free estimate allows, and the estimate is close to the truth", () => {
    const result = deduplicate(cli)
    const perPair = deduplicate(cli, { setLevelThreshold: false })
    const set = result.thresholds.mergedSet!
    expect(result.thresholds.autoMergeWeight).toBeLessThan(weightOf(0.995))
    expect(result.thresholds.autoMergeWeight).toBeGreaterThanOrEqual(weightOf(FLOOR_PROBABILITY) - 1e-9)
    expect(set.lowerBound).toBeGreaterThanOrEqual(0.995)
    const { precision, truePairs } = truth(result, cli)
    expect(Math.abs(set.precision - precision)).toBeLessThan(0.003)
    expect(precision).toBeGreaterThanOrEqual(0.995)
    expect(truePairs).toBeGreaterThan(truth(perPair, cli).truePairs)
    expect(result.stats.reviewRecords / result.stats.records).toBeLessThanOrEqual(0.02)
    expect(perPair.thresholds.autoMergeProbability).toBe(0.995)
    expect(perPair.thresholds.mergedSet).toBeUndefined()
  })

  it("keeps the per-pair threshold when no record holds a CCCD (nothing to estimate from)", () => {
    const noIds = cli.slice(0, 6000).map(({ cccd: _c, ...r }): CitizenRecord => r)
    const result = deduplicate(noIds)
    expect(result.thresholds.autoMergeProbability).toBe(0.995)
    expect(result.thresholds.mergedSet!.steps.every((s) => s.sampleJoins === 0 && s.lowerBound < 0.995)).toBe(true)
  })
})

import { describe, expect, it } from "vitest"
import { CITIZEN_PRIOR_U, CITIZEN_U_PRIOR, SAME_SURNAME } from "../../dedupe/citizen-u-priors.ts"
import { citizenComparisons } from "../../dedupe/citizen-comparisons.ts"
import { uFromCounts, uWithoutMatches } from "../../dedupe/fellegi-sunter.ts"
import { termFrequencyShare, uPriorCounts } from "../../dedupe/u-priors.ts"

const comparisons = [{ name: "id", levels: [{ label: "exact" }, { label: "different" }], compare: () => 0 }]
const prior = { u: { id: [1e-6, 1 - 1e-6] }, pairs: 1000 }
/** `count` random pairs, `agreeing` of them at "exact". */
const sampleOf = (count: number, agreeing: number) => {
  const levels = new Uint8Array(count).fill(2)
  levels.fill(1, 0, agreeing)
  return { levels, count }
}

describe("u blended with a reference prior", () => {
  it("on one pair, which agrees, u is the prior's rather than one half", () => {
    // Four records, one pair with an ID on both sides, and they are the same person.
    const sample = sampleOf(1, 1)
    expect(uFromCounts(comparisons, sample)[0]![1]).toBeCloseTo(1.5 / 2, 10)
    const u = uFromCounts(comparisons, sample, prior)[0]!
    expect(u[1]).toBeCloseTo((1 + 0.5 + 1000 * 1e-6) / (1 + 1 + 1000), 10)
    expect(Math.log2(0.95 / u[1]!)).toBeGreaterThan(9)
    expect(u[1]! + u[2]!).toBeCloseTo(1, 10)
  })

  it("at scale the input decides: 400,000 pairs move by less than 0.3 %", () => {
    const sample = sampleOf(400_000, 20_000)
    const without = uFromCounts(comparisons, sample)[0]!
    const withPrior = uFromCounts(comparisons, sample, { u: { id: [0.01, 0.99] }, pairs: 1000 })[0]!
    expect(Math.abs(withPrior[1]! / without[1]! - 1)).toBeLessThan(0.003)
    // The same through the matches-removed estimate.
    const m = [Float64Array.from([0, 0.95, 0.05])]
    const a = uWithoutMatches(comparisons, sample, m, 1e-4, [true])[0]!
    const b = uWithoutMatches(comparisons, sample, m, 1e-4, [true], { u: { id: [0.01, 0.99] }, pairs: 1000 })[0]!
    expect(Math.abs(b[1]! / a[1]! - 1)).toBeLessThan(0.003)
  })

  it("ignores a prior whose level count no longer matches the comparison", () => {
    expect(uPriorCounts(comparisons, { u: { id: [0.1, 0.2, 0.7] }, pairs: 1000 })[0]).toBeUndefined()
    expect(uFromCounts(comparisons, sampleOf(10, 1), { u: { id: [0.1, 0.2, 0.7] }, pairs: 1000 })).toEqual(uFromCounts(comparisons, sampleOf(10, 1)))
  })

  it("shrinks term-frequency adjustments on small inputs only", () => {
    expect(termFrequencyShare(4, 100)).toBeLessThan(0.05)
    expect(termFrequencyShare(40_000, 100)).toBeGreaterThan(0.997)
    expect(termFrequencyShare(4, 0)).toBe(1)
  })
})

describe("citizen reference u", () => {
  it("has one distribution per comparison, over its levels", () => {
    for (const cmp of citizenComparisons) {
      const u = CITIZEN_PRIOR_U[cmp.name]
      expect(u, cmp.name).toBeDefined()
      expect(u!.length, cmp.name).toBe(cmp.levels.length)
      expect(u!.reduce((s, x) => s + x, 0), cmp.name).toBeCloseTo(1, 9)
      for (const x of u!) expect(x, cmp.name).toBeGreaterThan(0)
    }
    expect(uPriorCounts(citizenComparisons, CITIZEN_U_PRIOR).every((c) => c !== undefined)).toBe(true)
  })

  it("says what is known of Vietnamese people: Nguyễn makes surnames agree often, ID numbers almost never", () => {
    expect(SAME_SURNAME).toBeGreaterThan(0.15)
    expect(SAME_SURNAME).toBeLessThan(0.2)
    const exact = (name: string) => CITIZEN_PRIOR_U[name]![0]!
    expect(exact("cccd")).toBeLessThan(1e-6)
    expect(exact("birth_date")).toBeLessThan(1e-4)
    expect(exact("given_name")).toBeLessThan(exact("surname") / 10)
  })
})

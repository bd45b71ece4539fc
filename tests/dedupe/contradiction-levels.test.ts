import { describe, expect, it } from "vitest"
import { boundIsInformative, isContradictionLevel, mUpperBound } from "../../dedupe/contradiction-levels.ts"
import type { ComparisonParameters } from "../../dedupe/fellegi-sunter.ts"
import { compileScorer } from "../../dedupe/linkage-engine.ts"
import type { LinkageSettings } from "../../dedupe/linkage-settings.ts"

const CUT = 0.005

describe("contradiction levels are decided with the uncertainty of m", () => {
  it("the upper bound lies above the estimate, tightens with more matched pairs, and is 1 without any", () => {
    expect(mUpperBound(0.005, 0)).toBe(1)
    const few = mUpperBound(0.005, 1_000)
    const many = mUpperBound(0.005, 100_000)
    expect(few).toBeGreaterThan(many)
    expect(many).toBeGreaterThan(0.005)
    expect(many).toBeLessThan(0.0055)
    // No pair seen at the level is not proof it never happens: the bound stays above 0.
    expect(mUpperBound(0, 10_000)).toBeGreaterThan(1e-4)
  })

  it("estimates on either side of the cut within sampling noise get the same answer (no flip-flop)", () => {
    // "Different full birth dates" on three generated populations of 20,000 persons: m estimated
    // 0.0054 / 0.0057 / 0.0048 from ~10,000 matched pairs. A cut on the point estimate makes the
    // guard act on the third only; none of them shows m below the cut with confidence.
    const level = (m: number) => ({ m, weight: -7.5 })
    const decisions = [0.0054, 0.0057, 0.0048].map((m) => isContradictionLevel(level(m), 10_000, CUT))
    expect(decisions).toEqual([false, false, false])
    expect(isContradictionLevel(level(0.0045), 10_000, CUT)).toBe(false)
  })

  it("a level clearly rarer than the cut is a contradiction, and more evidence settles a close one", () => {
    expect(isContradictionLevel({ m: 0.001, weight: -3.5 }, 10_000, CUT)).toBe(true)
    expect(isContradictionLevel({ m: 0.0048, weight: -7.5 }, 2_000_000, CUT)).toBe(true)
    // Rare but not evidence against a match: never a contradiction.
    expect(isContradictionLevel({ m: 0.001, weight: -1 }, 10_000, CUT)).toBe(false)
  })

  it("where the matched pairs are too few for the bound to say anything, the estimate decides (small inputs keep their guards)", () => {
    // 539 pairs: not even m = 0 can be shown below 0.005; 2,154: m = 0.0025 can.
    expect(boundIsInformative(539, CUT)).toBe(false)
    expect(boundIsInformative(2_000, CUT)).toBe(false)
    expect(boundIsInformative(2_200, CUT)).toBe(true)
    // A 1,000-record input: different given names, m 0.0016 from 336 matched pairs (bound 0.011).
    expect(isContradictionLevel({ m: 0.0016, weight: -9.2 }, 336, CUT)).toBe(true)
    expect(isContradictionLevel({ m: 0.009, weight: -6.8 }, 336, CUT)).toBe(false)
    // m not estimated at all (the settings' default m): the default decides.
    expect(isContradictionLevel({ m: 0.001, weight: -3.5 }, 0, CUT)).toBe(true)
    expect(isContradictionLevel({ m: 0.001, weight: -1 }, 0, CUT)).toBe(false)
  })

  it("the scorer's contradiction guard uses the bound, not the point estimate", () => {
    type T = { date: Int32Array }
    const table: T = { date: Int32Array.from([1, 2]) }
    const settings: LinkageSettings<T> = {
      comparisons: [{ name: "birth_date", levels: [{ label: "same" }, { label: "different" }], compare: (t, a, b) => (t.date[a] === t.date[b] ? 1 : 2) }],
      blockingRules: [],
      deterministicRules: [],
      deterministicRecall: 1
    }
    const model = (mDifferent: number, matchedPairs: number): { comparisons: ComparisonParameters[] } => ({
      comparisons: [
        {
          name: "birth_date",
          mEstimated: true,
          matchedPairs,
          levels: [
            { label: "same", m: 1 - mDifferent, u: 1e-4, weight: Math.log2((1 - mDifferent) / 1e-4), termFrequency: false, termFrequencyU: 0 },
            { label: "different", m: mDifferent, u: 0.99, weight: Math.log2(mDifferent / 0.99), termFrequency: false, termFrequencyU: 0 }
          ]
        }
      ]
    })
    const contradicts = (m: number, pairs: number) => compileScorer(settings, model(m, pairs), 2, CUT).contradicts(table, 0, 1)
    expect(contradicts(0.0048, 10_000)).toBe(false)
    expect(contradicts(0.0054, 10_000)).toBe(false)
    expect(contradicts(0.001, 10_000)).toBe(true)
  })
})

import { describe, expect, it } from "vitest"
import { thresholdsFromTargetPrecision } from "../../dedupe/match-thresholds.ts"
import { clusterPersons, competingCandidates } from "../../dedupe/person-clustering.ts"

/** Scored pairs from [a, b, weight] triples. */
const pairs = (list: readonly (readonly [number, number, number])[]) => ({
  a: Int32Array.from(list.map((p) => p[0])),
  b: Int32Array.from(list.map((p) => p[1])),
  weight: Float32Array.from(list.map((p) => p[2])),
  rule: new Uint8Array(list.length),
  count: list.length
})

describe("competing candidates", () => {
  // Record 0 fits record 1 (w 12) and record 2 (w 11); records 1 and 2 are two people.
  const twoPeople = (x: number, y: number) => (x === 1 && y === 2) || (x === 2 && y === 1)
  const never = () => false

  it("sends a pair to review when the record fits another, clearly different person almost as well", () => {
    const out = competingCandidates(3, pairs([[0, 1, 12], [0, 2, 11], [1, 2, -20]]), 7.6, twoPeople, never)
    // Odds 2^12 against 1 + 2^11: probability ~0.67, below the 0.995 of the auto-merge weight.
    expect(out.get(0)).toEqual([{ other: 1, rival: 2, weight: 11 }])
    expect(out.get(1)).toEqual([{ other: 2, rival: 1, weight: 12 }])
  })

  it("leaves the pair alone when the rival is far weaker, not a different person, or the pair shares an ID", () => {
    expect(competingCandidates(3, pairs([[0, 1, 20], [0, 2, 5], [1, 2, -20]]), 7.6, twoPeople, never).has(0)).toBe(false)
    expect(competingCandidates(3, pairs([[0, 1, 12], [0, 2, 11], [1, 2, -20]]), 7.6, never, never).size).toBe(0)
    expect(competingCandidates(3, pairs([[0, 1, 12], [0, 2, 11], [1, 2, -20]]), 7.6, twoPeople, (a, b) => a + b === 1).has(0)).toBe(false)
  })
})

describe("clustering: rivals", () => {
  const thresholds = thresholdsFromTargetPrecision([], 0.995)
  it("a rival person counts once, not once per record it has", () => {
    // Record 0 fits person A (record 1, w 20) and person B (records 2, 3, 4, one person by their
    // w-30 links; w 12 each). B's records conflict with A's. One rival person at 2^12 against
    // 2^20 leaves 0-1 above the auto-merge weight (8 bits > 7.64); counted once per record
    // (3 × 2^12) it fell below (6.4 bits).
    const scored = pairs([[2, 3, 30], [2, 4, 30], [3, 4, 30], [0, 1, 20], [0, 2, 12], [0, 3, 12], [0, 4, 12]])
    const conflict = (x: number, y: number) => (x === 1 && y >= 2) || (y === 1 && x >= 2)
    const rivals = competingCandidates(5, scored, thresholds.autoMergeWeight, conflict, () => false)
    expect(rivals.get(3)?.length).toBe(3)
    const out = clusterPersons({ size: 5, pairs: scored, thresholds, crossConflict: conflict, rivals })
    expect(out.cluster[0]).toBe(out.cluster[1])
    expect(out.cluster[2]).not.toBe(out.cluster[0])
    // Only 0's links to B are refused, now that 0 is A's.
    expect(out.reviewPairs.every((r) => r.a === 0 && r.b >= 2)).toBe(true)
  })
})

describe("clustering: conflicts the clusters explain", () => {
  const thresholds = thresholdsFromTargetPrecision([], 0.995)
  const DATE = 3
  // 0 and 1 share an ID number; 1's birth year is mistyped, so 1 and 2 contradict on the date,
  // while 0 has the same full date as 2.
  const scored = pairs([[0, 1, 30], [0, 2, 20], [1, 2, 5]])
  const crossConflict = (x: number, y: number) => (x === 1 && y === 2) || (x === 2 && y === 1)
  const conflictFields = () => 1 << DATE
  const sameDate = (x: number, y: number, c: number) => c === DATE && ((x === 0 && y === 2) || (x === 2 && y === 0))

  it("a record contradicting only a typo that another record of the person does not share joins the person", () => {
    const c = clusterPersons({ size: 3, pairs: scored, thresholds, crossConflict, conflictFields, agrees: sameDate })
    expect(c.cluster[2]).toBe(c.cluster[0])
    expect(c.refusedForChain).toBe(0)
  })

  it("without a record agreeing exactly, the contradiction keeps them apart (chain conflict)", () => {
    const c = clusterPersons({ size: 3, pairs: scored, thresholds, crossConflict, conflictFields, agrees: () => false })
    expect(c.cluster[2]).not.toBe(c.cluster[0])
    expect(c.refusedForChain).toBe(1)
    expect(c.reviewPairs[0]).toMatchObject({ reason: "chain_conflict", conflict: { a: 1, b: 2 } })
  })

  it("a rival that a reviewer has merged with the record it conflicts with is no rival", () => {
    const rivalPairs = pairs([[0, 1, 12], [0, 2, 11], [1, 2, -20]])
    const rivals = competingCandidates(3, rivalPairs, thresholds.autoMergeWeight, crossConflict, () => false)
    const alone = clusterPersons({ size: 3, pairs: rivalPairs, thresholds, crossConflict, rivals })
    expect(alone.refusedForRival).toBe(2)
    expect(alone.cluster[0]).not.toBe(alone.cluster[1])
    const decided = clusterPersons({ size: 3, pairs: rivalPairs, thresholds, crossConflict, rivals, forcedMerges: [{ a: 1, b: 2 }] })
    expect(decided.refusedForRival).toBe(0)
    expect(decided.cluster[0]).toBe(decided.cluster[1])
  })
})

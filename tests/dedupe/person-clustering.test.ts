import { describe, expect, it } from "vitest"
import { competingCandidates } from "../../dedupe/person-clustering.ts"

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
    expect(out.get(0)).toEqual({ a: 1, b: 2 })
    expect(out.get(1)).toEqual({ a: 2, b: 1 })
  })

  it("leaves the pair alone when the rival is far weaker, not a different person, or the pair shares an ID", () => {
    expect(competingCandidates(3, pairs([[0, 1, 20], [0, 2, 5], [1, 2, -20]]), 7.6, twoPeople, never).has(0)).toBe(false)
    expect(competingCandidates(3, pairs([[0, 1, 12], [0, 2, 11], [1, 2, -20]]), 7.6, never, never).size).toBe(0)
    expect(competingCandidates(3, pairs([[0, 1, 12], [0, 2, 11], [1, 2, -20]]), 7.6, twoPeople, (a, b) => a + b === 1).has(0)).toBe(false)
  })
})

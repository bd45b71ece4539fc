import { describe, expect, it } from "vitest"
import { buildBlockIndex, forEachRulePair, withoutGroups } from "../../dedupe/blocking.ts"
import { CandidateBits } from "../../dedupe/candidate-pairs.ts"
import type { BlockingRule } from "../../dedupe/linkage-settings.ts"
import { seededRandom } from "../../dedupe/linkage-settings.ts"

/** Records with three small-valued fields, so the rules' blocks overlap a lot. */
const random = seededRandom(5)
const table = Array.from({ length: 3000 }, () => [Math.floor(random() * 40), Math.floor(random() * 40), Math.floor(random() * 300)])
type T = typeof table
const rules: BlockingRule<T>[] = [
  { kind: "key", name: "x", deactivates: [], key: (t, i) => t[i]![0]! },
  { kind: "key", name: "y (some records have none)", deactivates: [], key: (t, i) => (t[i]![2]! % 7 === 0 ? NaN : t[i]![1]!) },
  { kind: "key", name: "x + y", deactivates: [], key: (t, i) => t[i]![0]! * 1000 + t[i]![1]! },
  { kind: "sorted-neighbourhood", name: "by z", deactivates: [], window: 4, order: (t) => Int32Array.from(t.keys()).sort((a, b) => t[a]![2]! - t[b]![2]! || a - b) }
]

describe("candidate bits", () => {
  it("give back exactly the new pairs the rules produce, in the same order, with their rule, after the groups are gone", () => {
    // Blocks of rule x hold ~75 records: some are kept, some skipped for their size.
    const index = buildBlockIndex(table, table.length, rules, 85)
    expect(index.rules[0]!.rawPairs).toBeGreaterThan(0)
    expect(index.rules[0]!.skippedBlocks).toBeGreaterThan(0)
    const bits = new CandidateBits(index.rules.reduce((s, r) => s + r.rawPairs, 0))
    const expected: string[] = []
    for (let r = 0; r < rules.length; r++)
      forEachRulePair(index, r, (a, b, isNew) => {
        bits.push(isNew)
        if (isNew) expected.push(`${a}-${b}-${r}`)
      })
    expect(expected.length).toBeGreaterThan(1000)
    expect(bits.candidates).toBe(expected.length)
    const released = withoutGroups(index)
    expect(() => forEachRulePair(released, 1, () => {})).toThrow(/released/)
    const walked: string[] = []
    bits.forEach(released, rules.length, (a, b, r) => walked.push(`${a}-${b}-${r}`))
    expect(walked).toEqual(expected)
    // A second walk gives the same pairs again.
    let again = 0
    bits.forEach(released, rules.length, () => again++)
    expect(again).toBe(expected.length)
  })
})

describe("block index digests", () => {
  it("tell a pair new when an earlier rule's keys differ but their 16-bit digests collide", () => {
    // Rule "id": every record its own key, so record i gets group i, except the last record, which
    // shares record 0's key (group 0). Groups 0 and 65535 have the same digest.
    const n = 65537
    const ids = Array.from({ length: n }, (_, i) => (i === n - 1 ? 0 : i))
    const tagged = new Set([0, 65535, n - 1])
    const digestRules: BlockingRule<number[]>[] = [
      { kind: "key", name: "id", deactivates: [], key: (t, i) => t[i]! },
      { kind: "key", name: "tag", deactivates: [], key: (_t, i) => (tagged.has(i) ? 7 : NaN) }
    ]
    const index = buildBlockIndex(ids, n, digestRules, 5000)
    const seen: string[] = []
    forEachRulePair(index, 1, (a, b, isNew) => seen.push(`${Math.min(a, b)}-${Math.max(a, b)}:${isNew}`))
    expect(seen.sort()).toEqual(["0-65535:true", "0-65536:false", "65535-65536:true"])
  })
})

/**
 * Blocking: which pairs get compared at all. The candidate set is the union of several cheap
 * rules, each catching one kind of dirt. A pair is attributed to the first rule that produces
 * it, so later rules only add pairs the earlier ones missed (Splink's "AND NOT previous rules").
 */
import type { BlockingRule, SortedNeighbourhoodRule } from "./linkage-settings.ts"

export interface RuleCandidateCount {
  readonly rule: string
  /** Pairs the rule produces on its own. */
  readonly pairs: number
  /** Pairs it adds to those of the rules before it. */
  readonly newPairs: number
  /** Blocks skipped for being larger than the block-size limit, and the pairs they would have made. */
  readonly skippedBlocks: number
  readonly skippedPairs: number
}

interface PreparedKeyRule {
  readonly kind: "key"
  readonly name: string
  /** Records grouped by key: members of block g are order[start[g] .. start[g+1]). */
  readonly start: Int32Array
  readonly order: Int32Array
  readonly rawPairs: number
  readonly skippedBlocks: number
  readonly skippedPairs: number
}

interface PreparedSortedRule {
  readonly kind: "sorted-neighbourhood"
  readonly name: string
  readonly window: number
  readonly order: Int32Array
  readonly rawPairs: number
  readonly skippedBlocks: 0
  readonly skippedPairs: 0
}

export type PreparedRule = PreparedKeyRule | PreparedSortedRule

export interface BlockIndex {
  readonly size: number
  readonly rules: readonly PreparedRule[]
  /** Number of key rules (they come first: rules[0 .. keyRules)). */
  readonly keyRules: number
  /**
   * Per record and key rule, an 8-bit digest of the record's group number (0: no key),
   * record-major: groupDigest[i * keyRules + r]. Equal keys give equal digests (including keys
   * whose block was skipped for its size); unequal keys may share one, so equal digests are
   * confirmed by `sameKey`. 8 bits instead of the 32-bit group number quarter the array that
   * lives from blocking through the first pass (13 key rules: 13 instead of 52 B per record);
   * an unequal pair of keys shares a digest once in 255, and costs two key computations then.
   * One record's digests share a cache line, so checking whether an earlier rule already
   * paired two records costs two memory reads, not two per rule.
   */
  readonly groupDigest: Uint8Array
  /** True when both records have the key rule's key and it is the same (the keys recomputed). */
  readonly sameKey: (ruleIndex: number, a: number, b: number) => boolean
}

/** The digest of a group number: 1 .. 255 (0 is "no key"). */
const digestOf = (group: number): number => (group % 255) + 1

/** Computes every rule's keys and groups records into blocks. */
export function buildBlockIndex<T>(
  table: T,
  size: number,
  rules: readonly BlockingRule<T>[],
  maxBlockSize: number
): BlockIndex {
  let keyRules = 0
  rules.forEach((rule, r) => {
    if (rule.kind !== "key") return
    if (r !== keyRules) throw new Error(`blocking rule ${rule.name}: key rules must come before sorted-neighbourhood rules`)
    keyRules++
  })
  const K = keyRules
  const groupDigest = new Uint8Array(size * K)
  // The current rule's full group numbers (-1: no key), reused by every rule.
  const groupOf = new Int32Array(Math.max(1, size))
  // Open-addressing table key -> group (typed arrays: no per-entry objects to collect): a slot
  // holds the group, the group's key is in groupKey (a rule has at most `size` groups, and
  // fewer groups than slots: 4 bytes a slot, not 12). With the block sizes, allocated once and
  // reused by every rule.
  let capBits = 4
  while (1 << capBits < size * 2) capBits++
  const mask = (1 << capBits) - 1
  const slotGroup = new Int32Array(1 << capBits)
  const groupKey = new Float64Array(Math.max(1, size))
  // Block sizes by group, then (once the kept blocks are numbered) each group's kept block (-1: none).
  let counts = new Int32Array(Math.max(16, size >> 2))
  const prepared: PreparedRule[] = []
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r]!
    if (rule.kind === "sorted-neighbourhood") {
      prepared.push(prepareSorted(table, rule))
      continue
    }
    slotGroup.fill(-1)
    let groups = 0
    for (let i = 0; i < size; i++) {
      const k: number = rule.key(table, i)
      if (k !== k) {
        groupOf[i] = -1
        groupDigest[i * K + r] = 0
        continue
      }
      let slot: number = (Math.imul((k / 2097152) | 0, 0x9e3779b1) ^ (k % 2097152)) & mask
      let g = -1
      for (;;) {
        const held = slotGroup[slot]!
        if (held < 0) {
          g = groups++
          slotGroup[slot] = g
          groupKey[g] = k
          if (g >= counts.length) {
            const c2 = new Int32Array(counts.length * 2)
            c2.set(counts)
            counts = c2
          }
          counts[g] = 0
          break
        }
        if (groupKey[held] === k) {
          g = held
          break
        }
        slot = (slot + 1) & mask
      }
      groupOf[i] = g
      groupDigest[i * K + r] = digestOf(g)
      counts[g]!++
    }
    // Keep only blocks with two or more members and at most maxBlockSize.
    let kept = 0
    let rawPairs = 0
    let skippedBlocks = 0
    let skippedPairs = 0
    for (let g = 0; g < groups; g++) {
      const c = counts[g]!
      if (c < 2) continue
      const p = (c * (c - 1)) / 2
      if (c > maxBlockSize) {
        skippedBlocks++
        skippedPairs += p
        continue
      }
      kept++
      rawPairs += p
    }
    // Kept blocks numbered in group order; counts[g] becomes group g's block number.
    const start = new Int32Array(kept + 1)
    let next = 0
    for (let g = 0; g < groups; g++) {
      const c = counts[g]!
      if (c < 2 || c > maxBlockSize) {
        counts[g] = -1
        continue
      }
      start[next + 1] = c
      counts[g] = next++
    }
    for (let b = 0; b < kept; b++) start[b + 1]! += start[b]!
    // Members in record order: start[b] serves as block b's fill position, which ends at block
    // b + 1's start; shifted back afterwards.
    const order = new Int32Array(start[kept]!)
    for (let i = 0; i < size; i++) {
      const g = groupOf[i]!
      if (g < 0) continue
      const b = counts[g]!
      if (b < 0) continue
      order[start[b]!++] = i
    }
    for (let b = kept - 1; b > 0; b--) start[b] = start[b - 1]!
    if (kept > 0) start[0] = 0
    prepared.push({ kind: "key", name: rule.name, start, order, rawPairs, skippedBlocks, skippedPairs })
  }
  const sameKey = (q: number, a: number, b: number): boolean => {
    const rule = rules[q]!
    if (rule.kind !== "key") return false
    const ka = rule.key(table, a)
    return ka === ka && ka === rule.key(table, b)
  }
  return { size, rules: prepared, keyRules: K, groupDigest, sameKey }
}

function prepareSorted<T>(table: T, rule: SortedNeighbourhoodRule<T>): PreparedSortedRule {
  const order = rule.order(table)
  const n = order.length
  const w = Math.max(2, rule.window)
  let rawPairs = 0
  for (let p = 0; p < n; p++) rawPairs += Math.min(w - 1, n - 1 - p)
  return { kind: "sorted-neighbourhood", name: rule.name, window: w, order, rawPairs, skippedBlocks: 0, skippedPairs: 0 }
}

/** True when an earlier key rule (index < ruleIndex) already puts a and b in one block. */
function coveredBefore(index: BlockIndex, ruleIndex: number, a: number, b: number): boolean {
  const { groupDigest, keyRules: K } = index
  const oa = a * K
  const ob = b * K
  const q1 = ruleIndex < K ? ruleIndex : K
  for (let q = 0; q < q1; q++) {
    const da = groupDigest[oa + q]!
    if (da !== 0 && da === groupDigest[ob + q]! && index.sameKey(q, a, b)) return true
  }
  return false
}

/**
 * Visits every pair the rule produces, telling whether an earlier rule already produced it.
 * The order of a and b within a pair is not specified; callers treat pairs as unordered.
 * The pairs come in the order of forEachBlockPair.
 */
export function forEachRulePair(
  index: BlockIndex,
  ruleIndex: number,
  visit: (a: number, b: number, isNew: boolean) => void
): void {
  if (index.groupDigest.length !== index.size * index.keyRules)
    throw new Error("forEachRulePair: the block index's groups were released (withoutGroups)")
  forEachBlockPair(index, ruleIndex, (a, b) => visit(a, b, !coveredBefore(index, ruleIndex, a, b)))
}

/**
 * Visits every pair the rule produces (whether or not an earlier rule produced it), always in
 * the same order: block by block, then by position in the block (key rules); by position in
 * the sorted order, then within the window (sorted-neighbourhood rules).
 */
export function forEachBlockPair(index: BlockIndex, ruleIndex: number, visit: (a: number, b: number) => void): void {
  const rule = index.rules[ruleIndex]!
  if (rule.kind === "key") {
    const { start, order } = rule
    const blocks = start.length - 1
    for (let g = 0; g < blocks; g++) {
      const s = start[g]!
      const e = start[g + 1]!
      for (let x = s; x < e; x++) {
        const a = order[x]!
        for (let y = x + 1; y < e; y++) visit(a, order[y]!)
      }
    }
    return
  }
  const { order, window } = rule
  const n = order.length
  for (let p = 0; p < n; p++) {
    const a = order[p]!
    const end = Math.min(n, p + window)
    for (let q = p + 1; q < end; q++) visit(a, order[q]!)
  }
}

/**
 * The index without the records' group digests (size × key rules 8-bit values), once every
 * rule's pairs were told new or not (forEachRulePair no longer works on it; forEachBlockPair does).
 */
export const withoutGroups = (index: BlockIndex): BlockIndex => ({
  ...index,
  groupDigest: new Uint8Array(0),
  sameKey: () => {
    throw new Error("sameKey: the block index's groups were released (withoutGroups)")
  }
})

/**
 * Candidate-pair counts per rule. Sorted-neighbourhood rules come last; their pairs are checked
 * against every key rule, but two sorted-neighbourhood rules may share a few pairs.
 */
export function ruleCounts(index: BlockIndex, newPairs: readonly number[]): RuleCandidateCount[] {
  return index.rules.map((r, i) => ({
    rule: r.name,
    pairs: r.rawPairs,
    newPairs: newPairs[i] ?? 0,
    skippedBlocks: r.skippedBlocks,
    skippedPairs: r.skippedPairs
  }))
}

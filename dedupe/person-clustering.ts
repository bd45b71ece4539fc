/**
 * Turns scored pairs into persons. Auto-merge pairs are joined strongest first with a
 * union–find; a join that would put two incompatible hard identities (two different valid
 * CCCDs) into one person is refused and sent to review, so two people are never chained
 * together through a third record. Reviewer decisions come first: "merge" joins, "keep_apart"
 * forbids any join that would bring the two records together.
 */
import type { ScoredPairs } from "./linkage-engine.ts"
import type { MatchThresholds } from "./match-thresholds.ts"

export type ReviewReason = "review_band" | "identity_conflict" | "chain_conflict" | "contradiction" | "rival_candidate"

export interface IndexPair {
  readonly a: number
  readonly b: number
}

export interface ReviewCandidate {
  readonly a: number
  readonly b: number
  readonly weight: number
  readonly reason: ReviewReason
  /** For chain conflicts: the pair across the two persons that looks like two people. */
  readonly conflict?: IndexPair
}

export interface ClusteringInput {
  readonly size: number
  readonly pairs: ScoredPairs
  readonly thresholds: MatchThresholds
  /** Per record identity code (-1 none) and whether two codes may be one person. */
  readonly identity?: { readonly code: (i: number) => number; readonly compatible: (x: number, y: number) => boolean }
  readonly forcedMerges?: readonly IndexPair[]
  readonly keptApart?: readonly IndexPair[]
  /**
   * When given, two clusters only merge if no pair across them conflicts (for the citizen
   * stage: the pair is not itself an auto-merge and a field contradicts, such as two different
   * full birth dates): a record that fits two different people cannot chain them into one.
   */
  readonly crossConflict?: (a: number, b: number) => boolean
  /**
   * When given, an auto-merge pair for which it holds goes to review instead of merging: the
   * pair scores high on the fields that agree, but one field contradicts (two different full
   * birth dates, two different CMNDs). Relatives and namesakes agree on many correlated fields,
   * which inflates their score; the contradicting field is what tells them apart.
   */
  readonly pairConflict?: (a: number, b: number) => boolean
  /** Auto-merge pairs (by pair index) that go to review because of rival candidates (competingCandidates). */
  readonly rivals?: ReadonlyMap<number, Rivals>
  /**
   * When given with `agrees`: a conflict between two records (`crossConflict`) that the
   * clusters themselves explain is not one. `conflictFields` gives the comparisons the pair
   * contradicts on (bit mask); the conflict is explained when, for each of them, another
   * record of one side's cluster agrees exactly with the other side (`agrees`): one person's
   * records already disagree on that field (a year typed wrong on one record whose CCCD it
   * shares with the others), so a third record disagreeing with the typo is no other person.
   */
  readonly conflictFields?: (a: number, b: number) => number
  readonly agrees?: (a: number, b: number, comparison: number) => boolean
  /** Cross pairs checked per merge at most (default 2,500); larger merges go to review. */
  readonly maxCrossPairs?: number
  /**
   * Called for every join of two persons by an auto-merge pair (index `pair`), before the join:
   * the two persons' record counts, and whether both already hold an identity (`identity`).
   * What the merged set's precision is estimated from (merged-set-precision.ts).
   */
  readonly onJoin?: (pair: number, recordsA: number, recordsB: number, bothIdentified: boolean) => void
}

export interface Clustering {
  /** Cluster id per record: the smallest record index in its cluster. */
  readonly cluster: Int32Array
  readonly clusterSize: Int32Array
  /** Per record, the weight of its strongest auto-merge edge (-Infinity when none). */
  readonly linkWeight: Float32Array
  /** One pair per pair of clusters still in doubt, the strongest. */
  readonly reviewPairs: readonly ReviewCandidate[]
  readonly refusedForIdentity: number
  readonly refusedForChain: number
  /** Auto-merge pairs sent to review because a field of the pair itself contradicts. */
  readonly refusedForContradiction: number
  /** Auto-merge pairs sent to review because one record fits another person as well (competingCandidates). */
  readonly refusedForRival: number
  readonly refusedForDecision: number
}

export function clusterPersons(input: ClusteringInput): Clustering {
  const { size, pairs, thresholds } = input
  const parent = new Int32Array(size)
  for (let i = 0; i < size; i++) parent[i] = i
  const rank = new Uint8Array(size)
  // Members of each root as a circular list, and cluster sizes.
  const next = new Int32Array(size)
  for (let i = 0; i < size; i++) next[i] = i
  const members = new Int32Array(size).fill(1)
  const find = (x: number): number => {
    while (parent[x] !== x) {
      const p = parent[x]!
      parent[x] = parent[p]!
      x = p
    }
    return x
  }
  const ident = new Int32Array(size).fill(-1)
  if (input.identity !== undefined) for (let i = 0; i < size; i++) ident[i] = input.identity.code(i)
  // keep-apart partners per root (record indices), merged small-into-large.
  const apart = new Map<number, number[]>()
  for (const { a, b } of input.keptApart ?? []) {
    ;(apart.get(a) ?? apart.set(a, []).get(a)!).push(b)
    ;(apart.get(b) ?? apart.set(b, []).get(b)!).push(a)
  }
  const apartViolated = (x: number, y: number): boolean => {
    const lx = apart.get(x)
    const ly = apart.get(y)
    if (lx === undefined && ly === undefined) return false
    const [list, other] = (lx?.length ?? 0) <= (ly?.length ?? 0) ? [lx, y] : [ly, x]
    if (list === undefined) return false
    for (const r of list) if (find(r) === other) return true
    return false
  }
  const union = (x: number, y: number): void => {
    if (rank[x]! < rank[y]!) [x, y] = [y, x]
    parent[y] = x
    if (rank[x] === rank[y]) rank[x]!++
    const nx = next[x]!
    next[x] = next[y]!
    next[y] = nx
    members[x]! += members[y]!
    if (ident[x]! < 0) ident[x] = ident[y]!
    const ly = apart.get(y)
    if (ly !== undefined) {
      const lx = apart.get(x)
      if (lx === undefined) apart.set(x, ly)
      else for (const r of ly) lx.push(r)
      apart.delete(y)
    }
  }
  let refusedForDecision = 0
  for (const { a, b } of input.forcedMerges ?? []) {
    const x = find(a)
    const y = find(b)
    if (x === y) continue
    if (apartViolated(x, y)) {
      refusedForDecision++
      continue
    }
    union(x, y)
  }
  const linkWeight = new Float32Array(size).fill(-Infinity)
  // Auto-merge edges, strongest first.
  const autoIdx: number[] = []
  const reviewIdx: number[] = []
  for (let p = 0; p < pairs.count; p++) {
    const w = pairs.weight[p]!
    if (w >= thresholds.autoMergeWeight) autoIdx.push(p)
    else if (w >= thresholds.reviewWeight) reviewIdx.push(p)
  }
  autoIdx.sort((p, q) => pairs.weight[q]! - pairs.weight[p]!)
  const review: ReviewCandidate[] = []
  const rival = input.rivals
  let refusedForIdentity = 0
  let refusedForChain = 0
  let refusedForContradiction = 0
  let refusedForRival = 0
  const pairConflict = input.pairConflict
  const compatible = input.identity?.compatible
  const crossConflict = input.crossConflict
  const maxCross = input.maxCrossPairs ?? 2500
  const conflictFields = input.conflictFields
  const agrees = input.agrees
  const onJoin = input.onJoin
  /** True when another record of i's cluster agrees exactly with j on comparison c, or of j's with i. */
  const agreedElsewhere = (i: number, j: number, c: number): boolean => {
    for (const [own, other] of [[i, j], [j, i]] as const) {
      for (let k = next[own]!; k !== own; k = next[k]!) if (agrees!(k, other, c)) return true
    }
    return false
  }
  /** A conflict between i and j (crossConflict) that the clusters do not explain (see ClusteringInput.conflictFields). */
  const conflicting = (i: number, j: number): boolean => {
    if (!crossConflict!(i, j)) return false
    if (conflictFields === undefined || agrees === undefined) return true
    if (members[find(i)] === 1 && members[find(j)] === 1) return true
    let mask = conflictFields(i, j)
    if (mask === 0) return true
    for (let c = 0; mask !== 0; c++, mask >>>= 1) if ((mask & 1) === 1 && !agreedElsewhere(i, j, c)) return true
    return false
  }
  /** True when some pair across the two clusters (other than a–b) is more likely two people. */
  const chainConflict = (x: number, y: number, a: number, b: number): IndexPair | undefined => {
    if (crossConflict === undefined) return undefined
    if (members[x] === 1 && members[y] === 1) return undefined
    if (members[x]! * members[y]! > maxCross) return { a, b }
    let i = x
    do {
      let j = y
      do {
        if (!((i === a && j === b) || (i === b && j === a)) && conflicting(i, j)) return { a: i, b: j }
        j = next[j]!
      } while (j !== y)
      i = next[i]!
    } while (i !== x)
    return undefined
  }
  const rivalRoots: number[] = []
  const rivalWeights: number[] = []
  for (const p of autoIdx) {
    const a = pairs.a[p]!
    const b = pairs.b[p]!
    const w = pairs.weight[p]!
    const x = find(a)
    const y = find(b)
    if (x !== y) {
      if (apartViolated(x, y)) {
        refusedForDecision++
        continue
      }
      const ix = ident[x]!
      const iy = ident[y]!
      if (ix >= 0 && iy >= 0 && compatible !== undefined && !compatible(ix, iy)) {
        refusedForIdentity++
        review.push({ a, b, weight: w, reason: "identity_conflict" })
        continue
      }
      const r = rival?.get(p)
      if (r !== undefined) {
        // The rivals the clusters built so far still leave: a rival record already in the same
        // person as the record it conflicts with, or whose conflict the clusters explain, is none.
        // Rival records in one cluster are one rival person: the hypothesis "the record is that
        // person" counts once, with its strongest link, not once per record the person has.
        let strongest: IndexPair | undefined
        let strongestW = -Infinity
        rivalRoots.length = 0
        rivalWeights.length = 0
        for (const v of r) {
          const root = find(v.rival)
          if (root === find(v.other)) continue
          const k = rivalRoots.indexOf(root)
          if (k < 0) {
            rivalRoots.push(root)
            rivalWeights.push(v.weight)
          } else if (v.weight > rivalWeights[k]!) rivalWeights[k] = v.weight
          if (v.weight > strongestW) {
            strongestW = v.weight
            strongest = { a: v.other, b: v.rival }
          }
        }
        let rest = Math.pow(2, -w)
        for (const rw of rivalWeights) rest += Math.pow(2, rw - w)
        if (strongest !== undefined && -Math.log2(rest) < thresholds.autoMergeWeight) {
          refusedForRival++
          review.push({ a, b, weight: w, reason: "rival_candidate", conflict: strongest })
          continue
        }
      }
      if (pairConflict !== undefined && pairConflict(a, b)) {
        refusedForContradiction++
        review.push({ a, b, weight: w, reason: "contradiction" })
        continue
      }
      const conflict = chainConflict(x, y, a, b)
      if (conflict !== undefined) {
        refusedForChain++
        review.push({ a, b, weight: w, reason: "chain_conflict", conflict })
        continue
      }
      onJoin?.(p, members[x]!, members[y]!, ident[x]! >= 0 && ident[y]! >= 0)
      union(x, y)
    }
    if (w > linkWeight[a]!) linkWeight[a] = w
    if (w > linkWeight[b]!) linkWeight[b] = w
  }
  for (const p of reviewIdx) {
    const a = pairs.a[p]!
    const b = pairs.b[p]!
    const x = find(a)
    const y = find(b)
    if (x === y || apartViolated(x, y)) continue
    review.push({ a, b, weight: pairs.weight[p]!, reason: "review_band" })
  }
  // Canonical cluster id: smallest member index.
  const cluster = new Int32Array(size)
  const minOf = new Int32Array(size).fill(-1)
  for (let i = 0; i < size; i++) {
    const r = find(i)
    if (minOf[r] === -1) minOf[r] = i
    cluster[i] = minOf[r]!
  }
  const clusterSize = new Int32Array(size)
  for (let i = 0; i < size; i++) clusterSize[cluster[i]!]!++
  // One review pair per pair of clusters: the strongest.
  const best = new Map<string, ReviewCandidate>()
  for (const r of review) {
    const ca = cluster[r.a]!
    const cb = cluster[r.b]!
    if (ca === cb) continue
    const key = ca < cb ? `${ca}:${cb}` : `${cb}:${ca}`
    const cur = best.get(key)
    if (cur === undefined || r.weight > cur.weight) best.set(key, r)
  }
  return {
    cluster,
    clusterSize,
    linkWeight,
    reviewPairs: [...best.values()].sort((p, q) => q.weight - p.weight),
    refusedForIdentity,
    refusedForChain,
    refusedForContradiction,
    refusedForRival,
    refusedForDecision
  }
}

/**
 * Rivals weaker than the pair by more than the auto-merge weight plus this many bits are not
 * looked at: it would take hundreds of them to bring the pair below the threshold.
 */
const RIVAL_MARGIN = 8

/**
 * Competing candidates. A record that fits two people who are clearly different (a pair
 * between their records contradicts: two different full birth dates, given names a diacritic
 * apart) is one of them at most, however well it fits each: a record "Trần Hữu Hoàng, 1988"
 * with no other field fits both namesakes born in 1988 in the commune. The pairwise model
 * scores each candidate as if the other did not exist. Here the odds of an auto-merge pair a–b
 * are divided by 1 + the odds of every rival: a record paired with a (or with b) that
 * conflicts with b (with a). Pairs whose divided odds fall below the auto-merge threshold go to
 * review; the result maps such a pair's index to its rivals. Pairs `certain` holds for (the
 * same ID number) are left alone. Clustering looks at them again when it reaches the pair: a
 * rival that has joined the person it conflicts with by then is none.
 */
/** One rival of an auto-merge pair: `rival` fits one record of the pair, with `weight`, and conflicts with the other, `other`. */
export interface Rival {
  readonly other: number
  readonly rival: number
  readonly weight: number
}
/** The rivals of one auto-merge pair. */
export type Rivals = readonly Rival[]

export function competingCandidates(
  size: number,
  pairs: ScoredPairs,
  autoMergeWeight: number,
  conflict: (a: number, b: number) => boolean,
  certain: (a: number, b: number) => boolean
): Map<number, Rivals> {
  // Kept pairs per record (both directions), as offsets into one array of pair indices.
  const start = new Int32Array(size + 1)
  for (let p = 0; p < pairs.count; p++) {
    start[pairs.a[p]! + 1]!++
    start[pairs.b[p]! + 1]!++
  }
  for (let i = 0; i < size; i++) start[i + 1]! += start[i]!
  const fill = start.slice(0, size)
  const edge = new Int32Array(start[size]!)
  for (let p = 0; p < pairs.count; p++) {
    edge[fill[pairs.a[p]!]!++] = p
    edge[fill[pairs.b[p]!]!++] = p
  }
  const out = new Map<number, Rivals>()
  for (let p = 0; p < pairs.count; p++) {
    const w = pairs.weight[p]!
    if (w < autoMergeWeight) continue
    const a = pairs.a[p]!
    const b = pairs.b[p]!
    if (certain(a, b)) continue
    // Odds of the pair against "neither" plus every rival, relative to 2^w (no overflow).
    let rest = Math.pow(2, -w)
    let found: Rival[] | undefined
    for (const [r, other] of [[a, b], [b, a]] as const) {
      for (let k = start[r]!; k < start[r + 1]!; k++) {
        const q = edge[k]!
        if (q === p) continue
        const wq = pairs.weight[q]!
        if (wq < w - autoMergeWeight - RIVAL_MARGIN) continue
        const c = pairs.a[q] === r ? pairs.b[q]! : pairs.a[q]!
        if (c === other || !conflict(other, c)) continue
        rest += Math.pow(2, wq - w)
        ;(found ??= []).push({ other, rival: c, weight: wq })
      }
    }
    if (found !== undefined && -Math.log2(rest) < autoMergeWeight) out.set(p, found)
  }
  return out
}

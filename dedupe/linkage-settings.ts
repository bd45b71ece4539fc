/**
 * The settings object that tells the linkage engine how to compare records, which pairs to
 * consider and what it may assume — the same role as Splink's settings dictionary. The engine is
 * generic over the prepared table `T` (columnar arrays built once per run); Vietnamese citizens
 * and the FEBRL benchmark records are two such tables with their own settings.
 */
import type { UPrior } from "./u-priors.ts"

/** One level of a comparison, strongest agreement first. Level 0 ("null": a value is missing) is implicit. */
export interface ComparisonLevel {
  readonly label: string
  /** Term-frequency adjusted: agreement on a rare value counts for more than on a common one. */
  readonly termFrequency?: boolean
  /**
   * For a term-frequency level below the first: the levels (1-based, this one included) on
   * which two records hold the same value (exact, and "same letters, one typed without
   * diacritics"). Their summed u is the chance that two random records share a value, which
   * the value's frequency is compared with; u of this level alone would count the level's own
   * rarity twice. Default: this level alone.
   */
  readonly termFrequencyLevels?: readonly number[]
}

export interface Comparison<T> {
  /** Short name, shown in explanations and model dumps ("given_name", "birth_date"). */
  readonly name: string
  /** Levels 1..L (index 0 of this array is level 1). The last one is the "else" level. */
  readonly levels: readonly ComparisonLevel[]
  /**
   * False for a comparison whose level 1 is not agreement (a pattern that speaks AGAINST a
   * match), so the collapse check, which expects agreement to favour a match, skips it.
   */
  readonly agreementFirst?: boolean
  /** The level of the pair: 0 when either side is missing, otherwise 1..L. Must not allocate. */
  compare(table: T, a: number, b: number): number
  /**
   * For term-frequency levels: the relative frequency of the agreeing value (the larger of the
   * two records' values' frequencies). Only called when the level is term-frequency adjusted.
   */
  termFrequency?(table: T, a: number, b: number): number
}

/** Pairs whose keys are equal. `key` returns NaN when the record has no key (it is then in no block). */
export interface KeyBlockingRule<T> {
  readonly kind: "key"
  readonly name: string
  /** Comparisons whose m cannot be learnt from this rule's pairs (their columns are in the key). */
  readonly deactivates: readonly string[]
  /**
   * False for rules whose blocks are full of look-alike non-matches by construction (relatives
   * sharing parents, namesakes sharing name and year): a two-class EM there learns "family" or
   * "namesake" as the match class. Their sessions are only used for comparisons no training
   * rule could estimate. Default true.
   */
  readonly train?: boolean
  key(table: T, i: number): number
}

/** Each record paired with the next `window - 1` records in a sort order (sorted neighbourhood). */
export interface SortedNeighbourhoodRule<T> {
  readonly kind: "sorted-neighbourhood"
  readonly name: string
  readonly deactivates: readonly string[]
  readonly train?: boolean
  readonly window: number
  /** Record indices in sort order; records without a sort key are left out. */
  order(table: T): Int32Array
}

export type BlockingRule<T> = KeyBlockingRule<T> | SortedNeighbourhoodRule<T>

/** A rule that (almost) only true matches satisfy; used to estimate the prior match probability. */
export interface DeterministicRule<T> {
  readonly name: string
  holds(table: T, a: number, b: number): boolean
}

/**
 * A hard identity (a valid national ID): two records whose identities are both present and
 * incompatible are different people, so clustering never joins them through third records.
 */
/**
 * Records that carry a label of their own: two of them are one entity when their labels agree
 * (the same CCCD, or one typo apart). Pairs of two such records are scored once more with the
 * comparisons that read the label (`hidden`) switched off, so that what the other fields say
 * can be checked against it.
 */
export interface PrecisionSample<T> {
  /** Comparisons that read the label (or another ID number) and are hidden for sample pairs. */
  readonly hidden: readonly string[]
  /** True when record i carries the label. */
  holds(table: T, i: number): boolean
  /** True when the labels of two records that both carry one agree. */
  same(table: T, a: number, b: number): boolean
}

export interface IdentityConstraint<T> {
  readonly name: string
  /** A code for the record's identity, or -1 when it has none usable. */
  code(table: T, i: number): number
  /** True when two identity codes may belong to one person (equal, or a typo apart). */
  compatible(table: T, codeA: number, codeB: number): boolean
}

/**
 * A pattern that means "two different people" whatever the other fields say, because the
 * fields that agree are shared by relatives (twins agree on parents, birth date, address and
 * surname and differ only in the given name). Such pairs are scored as distinct.
 */
export interface ExclusionRule {
  readonly name: string
  /** The rule holds when this comparison is at this level. */
  readonly comparison: string
  readonly level: number
  /** The rule does not hold when one of these comparisons is at its strongest level (the same ID number). */
  readonly unlessExact?: readonly string[]
}

/** Match weight given to excluded pairs (probability ~1e-18). */
export const EXCLUDED_WEIGHT = -60

export interface LinkageSettings<T> {
  readonly comparisons: readonly Comparison<T>[]
  /** Sorted-neighbourhood rules must come after all key rules. */
  readonly blockingRules: readonly BlockingRule<T>[]
  readonly deterministicRules: readonly DeterministicRule<T>[]
  /** Share of all true matching pairs the deterministic rules are assumed to find (Splink's `recall`). */
  readonly deterministicRecall: number
  /**
   * Measure the deterministic rules' recall instead of assuming it: after scoring, it is the
   * share of the expected matching pairs (the sum of the candidate pairs' match probabilities)
   * that the rules found, and the prior follows (a few rounds, at most 4 bits from the assumed
   * one). Default false.
   */
  readonly measureDeterministicRecall?: boolean
  /**
   * Take the expected matches out of the random pairs u is counted on (fellegi-sunter.ts,
   * uWithoutMatches), with the prior from the deterministic rules as their share. Default false.
   */
  readonly uWithoutMatches?: boolean
  readonly identity?: IdentityConstraint<T>
  /**
   * A label some records carry on themselves (a valid CCCD), from which the precision of the
   * merged set is estimated without ground truth (merged-set-precision.ts). Without it the
   * auto-merge threshold stays per pair at the target precision.
   */
  readonly precisionSample?: PrecisionSample<T>
  readonly exclusions?: readonly ExclusionRule[]
  /**
   * Comparisons whose strongest level (the same ID number) outweighs a contradicting field
   * (PairScorer.contradicts): a record pair with the same CCCD and two different birth days
   * is one person with a typo.
   */
  readonly contradictionUnlessExact?: readonly string[]
  /**
   * An auto-merge pair with a contradicting field goes to review instead of merging. For
   * populations of households (siblings, twins, namesakes agree on many correlated fields, so
   * their score is inflated and the contradicting field is what tells them apart). Default false.
   */
  readonly reviewContradictingPairs?: boolean
  /**
   * m per comparison (levels 1..L) used when no training session could estimate it (small
   * inputs); without it the generic starting values of EM are used.
   */
  readonly priorM?: Readonly<Record<string, readonly number[]>>
  /**
   * Reference u per comparison blended with the input's random pairs (u-priors.ts), so that u
   * on a small input is not whatever its few pairs happen to show; without it u is the input's
   * alone.
   */
  readonly priorU?: UPrior
  /**
   * Optional fast path: writes every comparison's level for the pair into out[offset + c], in
   * the order of `comparisons`. Must agree with the comparisons' own `compare`.
   */
  readonly levels?: (table: T, a: number, b: number, out: Uint8Array, offset: number) => void
}

/** Engine knobs; all have defaults. */
export interface LinkageOptions {
  /** Random pairs drawn to estimate u (default 400,000; all pairs when fewer exist). */
  readonly uSampleSize?: number
  /** Pairs per blocking rule used for EM (default 100,000). */
  readonly emSampleSize?: number
  readonly emMaxIterations?: number
  /** Blocks larger than this are skipped and reported (default 5,000 records). */
  readonly maxBlockSize?: number
  /** "per-rule" (default, Splink's method) or "single" (one EM over all blocked pairs; for comparison only). */
  readonly emStrategy?: "per-rule" | "single"
  /** Pairs below this match probability are dropped after scoring (default 0.001). */
  readonly keepProbability?: number
  readonly seed?: number
  /**
   * Called between the phases (after blocking, enumeration, the u and the m estimates, and
   * before clustering), once the phase's temporary arrays are garbage. They are typed arrays,
   * outside V8's heap: V8 would collect them only well into the next phases, which allocate
   * their own on top. A caller that can force a full garbage collection (the pipeline's dedupe
   * stage) passes it here; the result does not depend on it.
   */
  readonly releaseGarbage?: () => void
}

/** 32-bit integer mix (murmur3 finaliser). */
const mix32 = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}

/**
 * A blocking key from up to four non-negative integer codes: NaN when any code is negative
 * (missing). Two independent 32-bit hashes are packed into 53 bits, so unequal code tuples
 * collide with probability ~2^-53.
 */
export function blockKey(a: number, b = 0, c = 0, d = 0): number {
  if (a < 0 || b < 0 || c < 0 || d < 0) return NaN
  let h1 = mix32(a + 0x9e3779b9)
  h1 = mix32(h1 ^ (b + 0x7f4a7c15))
  h1 = mix32(h1 ^ (c + 0x1b873593))
  h1 = mix32(h1 ^ (d + 0x5bd1e995))
  let h2 = mix32(Math.imul(a, 0x27d4eb2d) ^ 0x165667b1)
  h2 = mix32(h2 ^ Math.imul(b + 1, 0x2c1b3c6d))
  h2 = mix32(h2 ^ Math.imul(c + 2, 0x297a2d39))
  h2 = mix32(h2 ^ Math.imul(d + 3, 0x61c88647))
  return h1 * 2097152 + (h2 & 0x1fffff)
}

/** Maps distinct strings to dense integer codes. */
export class Interner {
  readonly values: string[] = []
  private readonly map = new Map<string, number>()
  /** The code of `s`, or -1 for undefined / empty. */
  code(s: string | undefined): number {
    if (s === undefined || s.length === 0) return -1
    let c = this.map.get(s)
    if (c === undefined) {
      c = this.values.length
      this.values.push(s)
      this.map.set(s, c)
    }
    return c
  }
  get size(): number {
    return this.values.length
  }
}

/** Small fast seeded PRNG (mulberry32), so runs are reproducible. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

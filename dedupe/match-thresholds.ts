/**
 * Where the three bands (auto-merge, review, distinct) start, derived from a target precision
 * instead of hand-picked weights.
 *
 * With a target precision τ (default 0.995): per pair, a pair is merged automatically when the
 * model gives it a match probability of at least τ. The model is over-confident per pair, while
 * the merged set (after the clustering's guards) is more precise than that threshold; where
 * the records with a valid CCCD show it, merged-set-precision.ts lowers the auto-merge weight
 * (`autoMergeWeight` below) as long as the set's estimated precision stays at τ. A pair the
 * model thinks more likely a match than not (probability >= 0.5) but below the auto-merge
 * threshold goes to a reviewer, within reviewer capacity; below that it is distinct.
 * `estimatedPrecision` is the model's own mean probability of the auto-merge pairs (an
 * over-statement); the label-free estimate is in `mergedSet`.
 */
import { probabilityOf, weightOf } from "./linkage-engine.ts"
import type { MergedSetEstimate } from "./merged-set-precision.ts"

export interface MatchThresholds {
  readonly targetPrecision: number
  /** Pairs at or above this probability merge without review. */
  readonly autoMergeProbability: number
  /** Pairs at or above this probability (and below the auto-merge one) go to review. */
  readonly reviewProbability: number
  readonly autoMergeWeight: number
  readonly reviewWeight: number
  /** Mean model probability over the pairs above the auto-merge threshold. */
  readonly estimatedPrecision: number
  readonly autoMergePairs: number
  readonly reviewBandPairs: number
  /** True when reviewer capacity raised the lower edge of the review band. */
  readonly reviewCapped: boolean
  /** How the auto-merge threshold was set from the merged set's estimated precision, when it was looked at (merged-set-precision.ts). */
  readonly mergedSet?: MergedSetEstimate
}

/**
 * Reviewer capacity: when the review band [review, auto) would put more than `maxReviewShare`
 * of the records in front of a reviewer, the lower edge rises (the least likely pairs become
 * "distinct") until it fits. Records are counted once however many pairs they are in.
 */
export interface ReviewCapacity {
  readonly a: ArrayLike<number>
  readonly b: ArrayLike<number>
  readonly records: number
  readonly maxReviewShare: number
}

/**
 * Records a reviewer can always be shown, however small the input: 2 % of a file of 40 records
 * is no record at all, and a pair the model gives 0.99 went "unique" without a word.
 */
const MIN_REVIEW_RECORDS = 10

/** Records a reviewer can be shown: `maxReviewShare` of them, at least MIN_REVIEW_RECORDS. */
export const reviewBudget = (capacity: Pick<ReviewCapacity, "records" | "maxReviewShare">): number =>
  Math.max(Math.floor(capacity.maxReviewShare * capacity.records), MIN_REVIEW_RECORDS)

/**
 * Reviewer capacity after clustering. The band's lower edge was raised before clustering to fit
 * the band's own records; the guards then send auto-merge pairs to review as well (a rival, a
 * contradiction, a chain or identity conflict), and with a lower auto-merge threshold the band
 * is narrower while the guards refuse more. The refused pairs are always kept (the model
 * wanted to merge them); the band's pairs are kept strongest first while the records in review
 * fit the budget, and the edge rises above the first that does not (the weaker ones become
 * "distinct", as with the cap before clustering).
 */
export function fitReviewCapacity<R extends { readonly a: number; readonly b: number; readonly weight: number; readonly reason: string }>(
  pairs: readonly R[],
  thresholds: MatchThresholds,
  capacity: Pick<ReviewCapacity, "records" | "maxReviewShare">
): { pairs: readonly R[]; thresholds: MatchThresholds } {
  if (capacity.maxReviewShare >= 1) return { pairs, thresholds }
  const seen = new Set<number>()
  for (const r of pairs) if (r.reason !== "review_band") seen.add(r.a).add(r.b)
  const band = pairs.filter((r) => r.reason === "review_band").sort((x, y) => y.weight - x.weight)
  const edge = capacityEdge(band.length, (k) => band[k]!.a, (k) => band[k]!.b, (k) => band[k]!.weight, seen, reviewBudget(capacity))
  if (edge === undefined || edge <= thresholds.reviewWeight) return { pairs, thresholds }
  return {
    pairs: pairs.filter((r) => r.reason !== "review_band" || r.weight >= edge),
    thresholds: { ...thresholds, reviewWeight: edge, reviewProbability: probabilityOf(edge), reviewCapped: true }
  }
}

/**
 * Where the review band must start for its records to fit `budget`: just above the first of the
 * band's `n` pairs, taken strongest first, that brings in a record beyond it (`seen`: records
 * already in review, added to). Undefined when every pair fits.
 */
const capacityEdge = (
  n: number,
  a: (k: number) => number,
  b: (k: number) => number,
  weight: (k: number) => number,
  seen: Set<number>,
  budget: number
): number | undefined => {
  for (let k = 0; k < n; k++) {
    const before = seen.size
    seen.add(a(k)).add(b(k))
    if (seen.size > budget && seen.size > before) return weight(k) + 1e-9
  }
  return undefined
}

export function thresholdsFromTargetPrecision(
  weights: ArrayLike<number>,
  targetPrecision: number,
  reviewProbability?: number,
  capacity?: ReviewCapacity,
  /** The auto-merge threshold as a weight, when set otherwise than per pair (merged-set-precision.ts). */
  autoMergeWeight?: number
): MatchThresholds {
  if (!(targetPrecision > 0.5 && targetPrecision < 1)) throw new Error(`targetPrecision must be in (0.5, 1), got ${targetPrecision}`)
  const autoW = autoMergeWeight ?? weightOf(targetPrecision)
  const auto = autoMergeWeight === undefined ? targetPrecision : probabilityOf(autoW)
  let review = reviewProbability ?? 0.5
  if (!(review > 0 && review < auto)) throw new Error(`reviewProbability must be in (0, ${auto}), got ${review}`)
  let reviewW = weightOf(review)
  if (capacity !== undefined && capacity.maxReviewShare < 1) {
    const band: number[] = []
    for (let k = 0; k < weights.length; k++) if (weights[k]! >= reviewW && weights[k]! < autoW) band.push(k)
    band.sort((x, y) => weights[y]! - weights[x]!)
    const edge = capacityEdge(band.length, (k) => capacity.a[band[k]!]!, (k) => capacity.b[band[k]!]!, (k) => weights[band[k]!]!, new Set(), reviewBudget(capacity))
    if (edge !== undefined) {
      reviewW = Math.max(reviewW, edge)
      review = 1 - 1 / (1 + Math.pow(2, reviewW))
    }
  }
  let sumP = 0
  let nAuto = 0
  let nReview = 0
  for (let k = 0; k < weights.length; k++) {
    const w = weights[k]!
    if (w >= autoW) {
      nAuto++
      sumP += 1 - 1 / (1 + Math.pow(2, w))
    } else if (w >= reviewW) nReview++
  }
  return {
    targetPrecision,
    autoMergeProbability: auto,
    reviewProbability: review,
    autoMergeWeight: autoW,
    reviewWeight: reviewW,
    estimatedPrecision: nAuto > 0 ? sumP / nAuto : 1,
    autoMergePairs: nAuto,
    reviewBandPairs: nReview,
    reviewCapped: reviewW > weightOf(reviewProbability ?? 0.5)
  }
}

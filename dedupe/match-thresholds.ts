/**
 * Where the three bands (auto-merge, review, distinct) start, derived from a target precision
 * instead of hand-picked weights.
 *
 * With a target precision τ (default 0.995): a pair is merged automatically when the model gives
 * it a match probability of at least τ, so every automatic merge is individually at least τ
 * likely to be right and the expected precision of the merged set is above τ. A pair the model
 * thinks more likely a match than not (probability >= 0.5) but below τ goes to a reviewer;
 * below 0.5 it is distinct. The estimated precision of the merged set (the mean probability of
 * its pairs) is reported alongside; on data with many look-alike relatives the model is
 * over-confident, which is why the clustering adds its own guards.
 */
import { weightOf } from "./linkage-engine.ts"

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
}

export function thresholdsFromTargetPrecision(
  weights: ArrayLike<number>,
  targetPrecision: number,
  reviewProbability?: number
): MatchThresholds {
  if (!(targetPrecision > 0.5 && targetPrecision < 1)) throw new Error(`targetPrecision must be in (0.5, 1), got ${targetPrecision}`)
  const auto = targetPrecision
  const review = reviewProbability ?? 0.5
  if (!(review > 0 && review < auto)) throw new Error(`reviewProbability must be in (0, ${auto}), got ${review}`)
  const autoW = weightOf(auto)
  const reviewW = weightOf(review)
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
    reviewBandPairs: nReview
  }
}

/**
 * Which comparison levels count as contradictions: levels so rare between two records of one
 * person that a pair reaching one is not merged automatically, however well the rest agrees
 * (PairScorer.contradicts; the clustering's chain and rival guards build on it).
 *
 * The claim behind the guard is "one person's records show this level less often than the
 * error rate we accept" (m < 1 − target precision). m is an EM estimate from a finite number of
 * matched pairs, so the claim is only made when the data support it: the level is a
 * contradiction when the upper end of a one-sided 95 % confidence bound on its m is below the
 * cut, not when the point estimate is. A level whose m sits within sampling noise of the cut
 * (different full birth dates, m ≈ 0.005 estimated from ~80 of ~15,000 matched pairs) is then
 * not a contradiction on one data set and a contradiction on the next; the guard overrides the
 * model's score, and an override needs evidence, not a coin toss. With more matched pairs the
 * bound tightens and a level whose m is really below the cut becomes a contradiction.
 */

/** One-sided 95 %: the conventional confidence for "the data show m is below the cut". */
export const CONTRADICTION_CONFIDENCE_Z = 1.6449

/** A contradicting level must also be this much (log2) more common between different people. */
export const CONTRADICTION_MAX_WEIGHT = -2

/**
 * Upper confidence bound on a proportion m estimated from `pairs` matched pairs (Wilson score
 * interval; sound for counts near zero, where the normal interval is not). With no pairs behind
 * it (m not estimated) the bound is 1: nothing is known.
 */
export function mUpperBound(m: number, pairs: number, z = CONTRADICTION_CONFIDENCE_Z): number {
  if (!(pairs > 0)) return 1
  const z2n = (z * z) / pairs
  const centre = m + z2n / 2
  const spread = z * Math.sqrt((m * (1 - m)) / pairs + z2n / (4 * pairs))
  return Math.min(1, (centre + spread) / (1 + z2n))
}

/**
 * True when the matched pairs are enough for the bound to tell anything: a level whose m is half
 * the cut could be shown below it. With fewer (2,154 pairs at a cut of 0.005; below 539 not
 * even m = 0 could be), the test can never say "below the cut", and deciding by it would
 * switch every guard off on every small input: on 1,000-record samples that merged 22 pairs of
 * different people where the point estimate merged 5.
 */
export function boundIsInformative(matchedPairs: number, cut: number): boolean {
  return mUpperBound(cut / 2, matchedPairs) < cut
}

/**
 * True when a level is a contradiction: weight below CONTRADICTION_MAX_WEIGHT and m below `cut`
 * with 95 % confidence given the matched pairs behind the estimate; where those pairs are too
 * few for the bound to be informative, the estimate itself decides (for a small input that is
 * mostly the settings' default m: the guards of the trained models).
 */
export function isContradictionLevel(level: { readonly m: number; readonly weight: number }, matchedPairs: number, cut: number): boolean {
  if (!(level.weight < CONTRADICTION_MAX_WEIGHT)) return false
  return boundIsInformative(matchedPairs, cut) ? mUpperBound(level.m, matchedPairs) < cut : level.m < cut
}

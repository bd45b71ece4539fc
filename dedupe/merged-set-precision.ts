/**
 * The auto-merge threshold from the precision of the merged set, estimated without labels.
 *
 * Per pair, the model is over-confident (pairs it gives 0.995–0.999 are 0.86–0.95 one person),
 * yet the merged set is more precise than its per-pair threshold: most merged pairs are
 * near-certain, and the guards (rival, contradiction, chain, identity) refuse most false pairs
 * near the threshold. Neither number can be read off the model. Both can be measured on the
 * input itself when some records carry a label (`LinkageSettings.precisionSample`: a valid
 * CCCD):
 *
 * 1. Shadow run. Every candidate pair of two labelled records is scored again with the
 *    comparisons that read the label hidden (ID numbers, the year a CCCD encodes), and the
 *    guards and clustering run on those weights exactly as they run on the real ones, with the
 *    same thresholds, except the identity constraint (it reads the label). Each join of two
 *    persons made by a pair of two labelled records is a draw: right when their labels agree.
 *    Per band of weight (1 bit), the share of right joins is the calibration: how often a join
 *    the guards let through at that weight, made on the other fields alone, is one person.
 * 2. Real run, at the same thresholds. Each join of persons X and Y makes |X|·|Y| pairs. When
 *    both already hold a label the identity constraint has checked it (right); otherwise the
 *    join is right with its band's calibrated share. The estimated precision is one minus the
 *    expected false pairs over all pairs inside persons, and its lower bound subtracts 1.645
 *    standard errors (one-sided 95 %) of the expected false pairs from the bands' binomial
 *    uncertainty (a Beta(½, ½) prior per band: a band with no draws counts as a coin toss).
 *
 * The threshold is the lowest on a grid from the per-pair one (probability = target) down in
 * STEP_BITS steps to FLOOR_PROBABILITY whose lower bound is at or above the target. When none
 * is (too few labelled records for the bound to say anything, as in small inputs or inputs
 * without CCCDs), the per-pair threshold is kept: the set-level rule only ever lowers the
 * threshold on evidence.
 *
 * The assumption: a join the guards let through at a given weight is as often right for
 * records without a CCCD as for records with one scored without it. See dedupe/README.md.
 */
import type { LinkageRun, PairScorer } from "./linkage-engine.ts"
import { compileScorer, weightOf } from "./linkage-engine.ts"
import type { LinkageSettings, PrecisionSample } from "./linkage-settings.ts"
import type { MatchThresholds, ReviewCapacity } from "./match-thresholds.ts"
import type { Clustering } from "./person-clustering.ts"
import type { ClusteringView } from "./record-linkage.ts"

/** One step of the search: the threshold tried and what the estimate said. */
export interface SetThresholdStep {
  readonly autoMergeWeight: number
  readonly precision: number
  readonly lowerBound: number
  /** Joins made by a pair of two labelled records in the shadow run. */
  readonly sampleJoins: number
}

export interface MergedSetEstimate {
  readonly perPairWeight: number
  /** The auto-merge weight used. */
  readonly autoMergeWeight: number
  /** Estimated precision of the pairs inside persons at that threshold, and its lower bound (NaN when the per-pair threshold was kept without being estimated). */
  readonly precision: number
  readonly lowerBound: number
  /** Every threshold tried, in the order tried. */
  readonly steps: readonly SetThresholdStep[]
}

/** Steps of the threshold search, in bits of match weight. */
export const STEP_BITS = 0.5
/**
 * The threshold never goes below a posterior of 0.95 (odds 19:1): see the README.
 */
export const FLOOR_PROBABILITY = 0.95
/** One-sided 95 %. */
const Z = 1.645
/** Calibration bands: floor(weight) clamped to [BAND_LOW, BAND_HIGH]. */
const BAND_LOW = -8
const BAND_HIGH = 22
export const BANDS = BAND_HIGH - BAND_LOW + 1
/** The calibration band of a match weight (1 bit wide; the lowest and the highest take everything beyond). */
export const bandOf = (w: number): number => Math.max(BAND_LOW, Math.min(BAND_HIGH, Math.floor(w))) - BAND_LOW

export interface SetThresholdContext<T> {
  readonly table: T
  readonly size: number
  readonly settings: LinkageSettings<T>
  readonly run: LinkageRun
  readonly targetPrecision: number
  readonly perPair: MatchThresholds
  readonly thresholdsAt: (autoMergeWeight?: number) => MatchThresholds
  /** The review band's lower edge as configured (before reviewer capacity raises it). */
  readonly reviewProbability: number
  readonly capacity: ReviewCapacity
  /** Collects garbage between the clusterings (the pipeline's full GC; nothing for the CLI). */
  readonly releaseGarbage?: () => void
  readonly asRun: ClusteringView<T>
  readonly cluster: (thresholds: MatchThresholds, view: ClusteringView<T>) => Clustering
}

/** The view of the pairs with the label's comparisons hidden between two labelled records. */
export function shadowView<T>(ctx: SetThresholdContext<T>, sample: PrecisionSample<T>): ClusteringView<T> {
  const { table, size, settings, run } = ctx
  const labelled = (t: T, a: number, b: number) => sample.holds(t, a) && sample.holds(t, b)
  const scorer: PairScorer<T> = compileScorer(settings, run.model, size, 1 - ctx.targetPrecision, { comparisons: sample.hidden, when: labelled })
  const weights = new Float32Array(run.pairs.weight)
  for (let p = 0; p < run.pairs.count; p++) {
    const a = run.pairs.a[p]!
    const b = run.pairs.b[p]!
    if (labelled(table, a, b)) weights[p] = run.priorLog2Odds + scorer.bayesFactorLog2(table, a, b)
  }
  return { weights, scorer, identity: false }
}

/** Per band: joins by a labelled pair in the shadow run, and how many of them the labels call right. */
export interface Calibration {
  readonly draws: Float64Array
  readonly right: Float64Array
  readonly joins: number
}

export function calibrationAt<T>(ctx: SetThresholdContext<T>, sample: PrecisionSample<T>, shadow: ClusteringView<T>, thresholds: MatchThresholds): Calibration {
  const { table, run } = ctx
  const draws = new Float64Array(BANDS)
  const right = new Float64Array(BANDS)
  let joins = 0
  ctx.cluster(thresholds, {
    ...shadow,
    onJoin: (p) => {
      const a = run.pairs.a[p]!
      const b = run.pairs.b[p]!
      if (!sample.holds(table, a) || !sample.holds(table, b)) return
      const k = bandOf(shadow.weights[p]!)
      draws[k]!++
      if (sample.same(table, a, b)) right[k]!++
      joins++
    }
  })
  return { draws, right, joins }
}

/** The real run at the thresholds, and the estimated precision of its merged set. */
export function estimateAt<T>(
  ctx: SetThresholdContext<T>,
  calibration: Calibration,
  thresholds: MatchThresholds
): { clustering: Clustering; precision: number; lowerBound: number } {
  const weights = ctx.run.pairs.weight
  // Pairs made by joins that no label checked, per band.
  const unchecked = new Float64Array(BANDS)
  const clustering = ctx.cluster(thresholds, {
    ...ctx.asRun,
    onJoin: (p, x, y, bothIdentified) => {
      if (!bothIdentified) unchecked[bandOf(weights[p]!)]! += x * y
    }
  })
  let inside = 0
  for (let i = 0; i < ctx.size; i++) {
    const n = clustering.clusterSize[i]!
    inside += (n * (n - 1)) / 2
  }
  return { clustering, ...precisionFromBands(calibration, unchecked, inside) }
}

/**
 * The merged set's precision from the pairs each band's unchecked joins made (`unchecked`, per
 * band) and the calibration, over `inside` pairs inside persons; and its one-sided 95 % lower
 * bound from the binomial uncertainty of each band's share of right joins (Beta(½, ½) prior).
 */
export function precisionFromBands(calibration: Pick<Calibration, "draws" | "right">, unchecked: ArrayLike<number>, inside: number): { precision: number; lowerBound: number } {
  if (inside === 0) return { precision: 1, lowerBound: 1 }
  let falsePairs = 0
  let variance = 0
  for (let k = 0; k < BANDS; k++) {
    const pairs = unchecked[k] ?? 0
    if (pairs === 0) continue
    const alpha = calibration.right[k]! + 0.5
    const beta = calibration.draws[k]! - calibration.right[k]! + 0.5
    const n = alpha + beta
    falsePairs += (pairs * beta) / n
    variance += pairs * pairs * ((alpha * beta) / (n * n * (n + 1)))
  }
  return { precision: 1 - falsePairs / inside, lowerBound: 1 - (falsePairs + Z * Math.sqrt(variance)) / inside }
}

/**
 * The lowest threshold on a grid of STEP_BITS steps from the per-pair one down to the floor at
 * which the lower bound of the merged set's estimated precision is at the target. The floor is
 * tried first (on a large input it usually passes: one shadow and one real clustering); when it
 * does not, the grid is bisected, which takes the estimate to fall as the threshold falls (it
 * does, within its noise: bench/dedupe-set-threshold.ts). When no grid point passes, the
 * per-pair threshold is kept.
 */
export function chooseSetLevelThreshold<T>(ctx: SetThresholdContext<T>): {
  thresholds: MatchThresholds
  clustering: Clustering
} {
  const sample = ctx.settings.precisionSample!
  const shadow = shadowView(ctx, sample)
  const perPairWeight = ctx.perPair.autoMergeWeight
  // Never at or below the review band's configured lower edge either.
  const floor = Math.max(weightOf(FLOOR_PROBABILITY), weightOf(ctx.reviewProbability) + 1e-6)
  const steps: SetThresholdStep[] = []
  const grid: number[] = [perPairWeight]
  for (let w = perPairWeight - STEP_BITS; w > floor + 1e-9; w -= STEP_BITS) grid.push(w)
  if (floor < perPairWeight) grid.push(floor)
  type Tried = { thresholds: MatchThresholds; clustering: Clustering; precision: number; lowerBound: number }
  /** The lowest grid point that passed so far, with its clustering (the only one kept: each holds a few arrays per record). */
  let passing: Tried | undefined
  const passes = (k: number): boolean => {
    const w = grid[k]!
    const thresholds = k === 0 ? ctx.perPair : ctx.thresholdsAt(w)
    const calibration = calibrationAt(ctx, sample, shadow, thresholds)
    ctx.releaseGarbage?.()
    const e = estimateAt(ctx, calibration, thresholds)
    steps.push({ autoMergeWeight: w, precision: e.precision, lowerBound: e.lowerBound, sampleJoins: calibration.joins })
    const passed = e.lowerBound >= ctx.targetPrecision
    if (passed) passing = { thresholds, ...e }
    ctx.releaseGarbage?.()
    return passed
  }
  // lo: the lowest grid point known to pass (or 0, the fallback); hi: the highest known to fail.
  let lo = 0
  let hi = grid.length - 1
  if (hi > 0 && passes(hi)) lo = hi
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1
    if (passes(mid)) lo = mid
    else hi = mid
  }
  const chosen: Tried = lo > 0 ? passing! : { thresholds: ctx.perPair, clustering: ctx.cluster(ctx.perPair, ctx.asRun), precision: NaN, lowerBound: NaN }
  const estimate: MergedSetEstimate = {
    perPairWeight,
    autoMergeWeight: chosen.thresholds.autoMergeWeight,
    precision: chosen.precision,
    lowerBound: chosen.lowerBound,
    steps
  }
  return { thresholds: { ...chosen.thresholds, mergedSet: estimate }, clustering: chosen.clustering }
}

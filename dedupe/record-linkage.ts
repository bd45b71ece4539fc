/**
 * Linkage + thresholds + clustering for any table and settings: the part of deduplication that
 * does not know what a citizen is. The citizen stage and the FEBRL benchmark both call this.
 */
import { compileScorer, runLinkage, type LinkageRun, type PairScorer, type ScoredPairs } from "./linkage-engine.ts"
import type { LinkageOptions, LinkageSettings } from "./linkage-settings.ts"
import { fitReviewCapacity, thresholdsFromTargetPrecision, type MatchThresholds } from "./match-thresholds.ts"
import { chooseSetLevelThreshold, type SetThresholdContext } from "./merged-set-precision.ts"
import { clusterPersons, competingCandidates, type Clustering, type ClusteringInput, type IndexPair } from "./person-clustering.ts"

export interface LinkAndClusterOptions {
  /** Target precision of automatic merges (default 0.995). */
  readonly targetPrecision?: number
  /** Lower edge of the review band as a match probability (default 0.5). */
  readonly reviewProbability?: number
  /** Reviewer capacity: at most this share of records in review (default 0.02; 1 = no cap). */
  readonly maxReviewShare?: number
  /**
   * Lower the auto-merge threshold below the per-pair one where the estimated precision of the
   * merged set still meets the target (merged-set-precision.ts; only with settings that have a
   * `precisionSample`). Default true.
   */
  readonly setLevelThreshold?: boolean
  readonly linkage?: LinkageOptions
  readonly forcedMerges?: readonly IndexPair[]
  readonly keptApart?: readonly IndexPair[]
}

export interface LinkAndClusterResult {
  readonly run: LinkageRun
  readonly thresholds: MatchThresholds
  readonly clustering: Clustering
  readonly timingsMs: Readonly<Record<string, number>>
}

/**
 * How one clustering sees the pairs: their weights, the scorer the guards ask, whether the
 * identity constraint holds, and who hears of each join. The run itself uses the pairs as
 * scored; the merged set's precision is estimated on a view with the ID numbers hidden.
 */
export interface ClusteringView<T> {
  readonly weights: Float32Array
  readonly scorer: PairScorer<T>
  readonly identity: boolean
  readonly onJoin?: ClusteringInput["onJoin"]
}

export function linkAndCluster<T>(
  table: T,
  size: number,
  settings: LinkageSettings<T>,
  options: LinkAndClusterOptions = {}
): LinkAndClusterResult {
  const run = runLinkage(table, size, settings, options.linkage)
  // The block index and the u sample went with runLinkage's frame.
  options.linkage?.releaseGarbage?.()
  const t0 = performance.now()
  const ctx = setThresholdContext(table, size, settings, run, options)
  const chosen =
    settings.precisionSample === undefined || options.setLevelThreshold === false
      ? { thresholds: ctx.perPair, clustering: ctx.cluster(ctx.perPair, ctx.asRun) }
      : chooseSetLevelThreshold(ctx)
  const fitted = fitReviewCapacity(chosen.clustering.reviewPairs, chosen.thresholds, ctx.capacity)
  return {
    run,
    thresholds: fitted.thresholds,
    clustering: { ...chosen.clustering, reviewPairs: fitted.pairs },
    timingsMs: { ...run.timingsMs, cluster: Math.round(performance.now() - t0) }
  }
}

/** Thresholds at any auto-merge weight and clustering on any view, for a finished linkage run. */
export function setThresholdContext<T>(
  table: T,
  size: number,
  settings: LinkageSettings<T>,
  run: LinkageRun,
  options: LinkAndClusterOptions = {}
): SetThresholdContext<T> {
  const targetPrecision = options.targetPrecision ?? 0.995
  const capacity = { a: run.pairs.a, b: run.pairs.b, records: size, maxReviewShare: options.maxReviewShare ?? 0.02 }
  const thresholdsAt = (autoMergeWeight?: number) =>
    thresholdsFromTargetPrecision(run.pairs.weight, targetPrecision, options.reviewProbability, capacity, autoMergeWeight)
  // A contradiction is a level rarer among one person's records than the error rate we accept.
  const scorer = compileScorer(settings, run.model, size, 1 - targetPrecision)
  return {
    table,
    size,
    settings,
    run,
    targetPrecision,
    perPair: thresholdsAt(),
    thresholdsAt,
    reviewProbability: options.reviewProbability ?? 0.5,
    capacity,
    ...(options.linkage?.releaseGarbage !== undefined ? { releaseGarbage: options.linkage.releaseGarbage } : {}),
    asRun: { weights: run.pairs.weight, scorer, identity: true },
    cluster: (thresholds, view) => guardedClustering(table, size, settings, run, thresholds, view, options)
  }
}

/** Rivals, the guards and the union–find at given thresholds, on one view of the pairs. */
export function guardedClustering<T>(
  table: T,
  size: number,
  settings: LinkageSettings<T>,
  run: LinkageRun,
  thresholds: MatchThresholds,
  view: ClusteringView<T>,
  options: LinkAndClusterOptions = {}
): Clustering {
  const { scorer } = view
  const pairs: ScoredPairs = view.weights === run.pairs.weight ? run.pairs : { ...run.pairs, weight: view.weights }
  const identity = view.identity ? settings.identity : undefined
  // Two records of two different people: not an auto-merge pair, and a field contradicts.
  const crossConflict = (a: number, b: number): boolean =>
    run.priorLog2Odds + scorer.bayesFactorLog2(table, a, b) < thresholds.autoMergeWeight && scorer.contradicts(table, a, b)
  const rivals = competingCandidates(size, pairs, thresholds.autoMergeWeight, crossConflict, (a, b) => scorer.sharesIdentifier(table, a, b))
  return clusterPersons({
    size,
    rivals,
    ...(settings.reviewContradictingPairs === true ? { pairConflict: (a: number, b: number) => scorer.contradicts(table, a, b) } : {}),
    crossConflict,
    conflictFields: (a: number, b: number) => scorer.contradictingComparisons(table, a, b),
    agrees: (a: number, b: number, c: number) => scorer.level(table, a, b, c) === 1,
    pairs,
    thresholds,
    ...(identity !== undefined
      ? { identity: { code: (i: number) => identity.code(table, i), compatible: (x: number, y: number) => identity.compatible(table, x, y) } }
      : {}),
    ...(options.forcedMerges !== undefined ? { forcedMerges: options.forcedMerges } : {}),
    ...(options.keptApart !== undefined ? { keptApart: options.keptApart } : {}),
    ...(view.onJoin !== undefined ? { onJoin: view.onJoin } : {})
  })
}

/**
 * Linkage + thresholds + clustering for any table and settings: the part of deduplication that
 * does not know what a citizen is. The citizen stage and the FEBRL benchmark both call this.
 */
import { compileScorer, runLinkage, type LinkageRun } from "./linkage-engine.ts"
import type { LinkageOptions, LinkageSettings } from "./linkage-settings.ts"
import { thresholdsFromTargetPrecision, type MatchThresholds } from "./match-thresholds.ts"
import { clusterPersons, competingCandidates, type Clustering, type IndexPair } from "./person-clustering.ts"

export interface LinkAndClusterOptions {
  /** Target precision of automatic merges (default 0.995). */
  readonly targetPrecision?: number
  /** Lower edge of the review band as a match probability (default 0.5). */
  readonly reviewProbability?: number
  /** Reviewer capacity: at most this share of records in the review band (default 0.02; 1 = no cap). */
  readonly maxReviewShare?: number
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
  const thresholds = thresholdsFromTargetPrecision(run.pairs.weight, options.targetPrecision ?? 0.995, options.reviewProbability, {
    a: run.pairs.a,
    b: run.pairs.b,
    records: size,
    maxReviewShare: options.maxReviewShare ?? 0.02
  })
  const identity = settings.identity
  // A contradiction is a level rarer among one person's records than the error rate we accept.
  const scorer = compileScorer(settings, run.model, size, 1 - thresholds.targetPrecision)
  // Two records of two different people: not an auto-merge pair, and a field contradicts.
  const crossConflict = (a: number, b: number): boolean =>
    run.priorLog2Odds + scorer.bayesFactorLog2(table, a, b) < thresholds.autoMergeWeight && scorer.contradicts(table, a, b)
  const rivals = competingCandidates(size, run.pairs, thresholds.autoMergeWeight, crossConflict, (a, b) => scorer.sharesIdentifier(table, a, b))
  const clustering = clusterPersons({
    size,
    rivals,
    ...(settings.reviewContradictingPairs === true ? { pairConflict: (a: number, b: number) => scorer.contradicts(table, a, b) } : {}),
    crossConflict,
    conflictFields: (a: number, b: number) => scorer.contradictingComparisons(table, a, b),
    agrees: (a: number, b: number, c: number) => scorer.level(table, a, b, c) === 1,
    pairs: run.pairs,
    thresholds,
    ...(identity !== undefined
      ? { identity: { code: (i: number) => identity.code(table, i), compatible: (x: number, y: number) => identity.compatible(table, x, y) } }
      : {}),
    ...(options.forcedMerges !== undefined ? { forcedMerges: options.forcedMerges } : {}),
    ...(options.keptApart !== undefined ? { keptApart: options.keptApart } : {})
  })
  return { run, thresholds, clustering, timingsMs: { ...run.timingsMs, cluster: Math.round(performance.now() - t0) } }
}

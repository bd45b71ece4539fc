/**
 * Citizen deduplication (khử trùng lặp công dân): one master record per person and a crosswalk
 * from every source record to it. Entry point for the pipeline stage and the CLI.
 */
import * as Effect from "effect/Effect"
import type { CitizenRecord, ReviewDecision } from "./citizen-record.ts"
import { forgetFoldedSimilarities } from "./citizen-comparisons.ts"
import { citizenSettings, type CitizenSettingsOptions } from "./citizen-settings.ts"
import { buildCitizenTable, type CitizenTable, type RecordIndex } from "./citizen-table.ts"
import type { RuleCandidateCount } from "./blocking.ts"
import { ModelCollapsed, type FellegiSunterModel } from "./fellegi-sunter.ts"
import { goldenRecord, masterIdOfSmallest, singleRecordMaster, type MasterRecord } from "./golden-record.ts"
import { probabilityOf } from "./linkage-engine.ts"
import type { LinkageOptions } from "./linkage-settings.ts"
import { explainPair, type FieldContribution } from "./match-explanation.ts"
import type { MatchThresholds } from "./match-thresholds.ts"
import type { ReviewReason } from "./person-clustering.ts"
import { ASSIGNMENT_STATUS, groupByPerson, STATUS_MERGED, STATUS_REVIEW, STATUS_UNIQUE, type AssignmentStatus, type PersonAssignments } from "./person-assignments.ts"
import { linkAndCluster } from "./record-linkage.ts"
import { latestDecisions } from "./review-decisions.ts"

export type { AssignmentStatus, PersonAssignments }

/** One line of the crosswalk: source record -> master. */
export interface Assignment {
  readonly recordId: string
  readonly masterId: string
  readonly status: AssignmentStatus
  /** Match probability: of the strongest link into its person (merged), of its review pair (review), of its best candidate (unique; 0 when none). */
  readonly score: number
}

export interface ReviewPair {
  readonly recordIdA: string
  readonly recordIdB: string
  readonly masterIdA: string
  readonly masterIdB: string
  /** Match probability. */
  readonly score: number
  readonly matchWeight: number
  readonly reason: ReviewReason
  /** For chain conflicts: the two records (one in each person) that look like two people. */
  readonly conflict?: { readonly recordIdA: string; readonly recordIdB: string }
  /** Per-field weight breakdown explaining the score. */
  readonly fields: readonly FieldContribution[]
}

export interface RecordPairExplanation {
  readonly recordIdA: string
  readonly recordIdB: string
  readonly probability: number
  readonly matchWeight: number
  readonly priorWeight: number
  readonly band: "auto_merge" | "review" | "distinct"
  readonly sameMaster: boolean
  readonly fields: readonly FieldContribution[]
}

export interface DedupeOptions {
  readonly decisions?: readonly ReviewDecision[]
  /** Target precision of automatic merges (default 0.995). */
  readonly targetPrecision?: number
  /** Lower edge of the review band as a probability (default 0.5). */
  readonly reviewProbability?: number
  /** Reviewer capacity: at most this share of records in review (default 0.02; 1 = no cap). */
  readonly maxReviewShare?: number
  /**
   * Lower the auto-merge threshold where the merged set's precision, estimated from the records
   * with a valid CCCD, still meets the target (merged-set-precision.ts). Default true; false
   * keeps the per-pair threshold (probability >= target precision).
   */
  readonly setLevelThreshold?: boolean
  readonly settings?: CitizenSettingsOptions
  readonly linkage?: LinkageOptions
  /** Record ids whose candidate pairs should be explained in `explanations`. */
  readonly explain?: readonly string[]
}

export interface DedupeStats {
  readonly records: number
  readonly persons: number
  readonly mergedRecords: number
  readonly reviewRecords: number
  readonly reviewPairs: number
  readonly autoMergeRefusedForIdentity: number
  /** Auto-merge pairs refused because another pair across the two persons looks like two people. */
  readonly autoMergeRefusedForChain: number
  /** Auto-merge pairs refused because a field of the pair contradicts (two birth days of one year, say). */
  readonly autoMergeRefusedForContradiction: number
  /** Auto-merge pairs refused because one record fits another, clearly different person as well. */
  readonly autoMergeRefusedForRival: number
  readonly decisionsApplied: number
  readonly decisionsUnknownRecords: number
  /** Cleaning notes by kind ("cccd_leading_zero_restored": 1234, …). */
  readonly cleaningNotes: Readonly<Record<string, number>>
}

export interface DedupeResult {
  readonly assignments: readonly Assignment[]
  /** The golden records, one per person; built on first access (the crosswalk does not need them). */
  readonly masters: readonly MasterRecord[]
  readonly reviewPairs: readonly ReviewPair[]
  readonly ruleCounts: readonly RuleCandidateCount[]
  readonly candidatePairs: number
  readonly model: FellegiSunterModel
  readonly thresholds: MatchThresholds
  readonly explanations: readonly RecordPairExplanation[]
  readonly stats: DedupeStats
  readonly timingsMs: Readonly<Record<string, number>>
}

/**
 * The result without an object per record or per person: the crosswalk as columns
 * (`PersonAssignments`); golden records one person at a time with `personMasterRecord`.
 */
export interface DedupeColumns extends Omit<DedupeResult, "assignments" | "masters"> {
  readonly crosswalk: PersonAssignments
}

export { ModelCollapsed }

/**
 * Deduplicates citizen records. Throws ModelCollapsed when training cannot produce a sound
 * model (the run is refused rather than merging on a wrong model) and Error for duplicate
 * record ids.
 */
export function deduplicate(records: Iterable<CitizenRecord>, options: DedupeOptions = {}): DedupeResult {
  const t0 = performance.now()
  const table = buildCitizenTable(records)
  return deduplicateTable(table, options, performance.now() - t0)
}

/**
 * The same as deduplicate on a table already built (citizenTableBuilder, fed row by row from a
 * file); `prepareMs` is reported as the "prepare" timing.
 */
export function deduplicateTable(table: CitizenTable, options: DedupeOptions = {}, prepareMs = 0): DedupeResult {
  return withRecordObjects(table, deduplicateTableColumns(table, options, prepareMs))
}

/**
 * The same as deduplicateTable with the crosswalk as columns: what a caller that keeps only a
 * few numbers per record (the pipeline's dedupe stage) needs, at a fraction of the memory.
 */
export function deduplicateTableColumns(table: CitizenTable, options: DedupeOptions = {}, prepareMs = 0): DedupeColumns {
  const t0 = performance.now() - prepareMs
  const tPrepare = Math.round(prepareMs)
  const settings = citizenSettings(options.settings)
  const indexOf = table.indexOf
  const forcedMerges: { a: number; b: number }[] = []
  const keptApart: { a: number; b: number }[] = []
  let unknown = 0
  for (const d of latestDecisions(options.decisions ?? []).values()) {
    const a = indexOf.get(d.recordIdA)
    const b = indexOf.get(d.recordIdB)
    if (a === undefined || b === undefined) {
      unknown++
      continue
    }
    ;(d.decision === "merge" ? forcedMerges : keptApart).push({ a, b })
  }
  const linked = linkAndCluster(table, table.size, settings, {
    ...(options.targetPrecision !== undefined ? { targetPrecision: options.targetPrecision } : {}),
    ...(options.reviewProbability !== undefined ? { reviewProbability: options.reviewProbability } : {}),
    ...(options.maxReviewShare !== undefined ? { maxReviewShare: options.maxReviewShare } : {}),
    ...(options.setLevelThreshold !== undefined ? { setLevelThreshold: options.setLevelThreshold } : {}),
    ...(options.linkage !== undefined ? { linkage: options.linkage } : {}),
    forcedMerges,
    keptApart
  })
  const t1 = performance.now()
  const { run, clustering, thresholds } = linked
  const n = table.size

  // Persons (numbered by first record), their members, and the record each master id derives
  // from (its smallest record id); the golden records are built by the caller when needed.
  const { cluster, clusterSize } = clustering
  const persons = groupByPerson(cluster, (x, y) => table.recordIds.less(x, y))
  const masterIdOf = (record: number): string => masterIdOfSmallest(table.recordIds.id(persons.smallestRecord[persons.person[record]!]!))
  const tMasterIds = Math.round(performance.now() - t1)

  const reviewWeight = new Float32Array(n).fill(-Infinity)
  const reviewPairs: ReviewPair[] = clustering.reviewPairs.map((r) => {
    if (r.weight > reviewWeight[r.a]!) reviewWeight[r.a] = r.weight
    if (r.weight > reviewWeight[r.b]!) reviewWeight[r.b] = r.weight
    const e = explainPair(table, n, settings, run.model, run.priorLog2Odds, r.a, r.b)
    return {
      recordIdA: table.recordIds.id(r.a),
      recordIdB: table.recordIds.id(r.b),
      masterIdA: masterIdOf(r.a),
      masterIdB: masterIdOf(r.b),
      score: probabilityOf(r.weight),
      matchWeight: r.weight,
      reason: r.reason,
      ...(r.conflict !== undefined ? { conflict: { recordIdA: table.recordIds.id(r.conflict.a), recordIdB: table.recordIds.id(r.conflict.b) } } : {}),
      fields: e.fields
    }
  })
  const status = new Uint8Array(n)
  const scores = new Float64Array(n)
  let merged = 0
  let review = 0
  for (let i = 0; i < n; i++) {
    let score: number
    if (reviewWeight[i]! > -Infinity) {
      status[i] = STATUS_REVIEW
      score = probabilityOf(reviewWeight[i]!)
      review++
    } else if (clusterSize[cluster[i]!]! > 1) {
      status[i] = STATUS_MERGED
      score = clustering.linkWeight[i]! > -Infinity ? probabilityOf(clustering.linkWeight[i]!) : 1
      merged++
    } else {
      status[i] = STATUS_UNIQUE
      score = run.bestWeight[i]! > -Infinity ? probabilityOf(run.bestWeight[i]!) : 0
    }
    scores[i] = Math.round(score * 1e6) / 1e6
  }
  const explanations = explainRecords(table, options.explain ?? [], indexOf, (a, b) => {
    const e = explainPair(table, n, settings, run.model, run.priorLog2Odds, a, b)
    const band: RecordPairExplanation["band"] =
      e.matchWeight >= thresholds.autoMergeWeight ? "auto_merge" : e.matchWeight >= thresholds.reviewWeight ? "review" : "distinct"
    return {
      recordIdA: table.recordIds.id(a),
      recordIdB: table.recordIds.id(b),
      probability: e.probability,
      matchWeight: e.matchWeight,
      priorWeight: e.priorWeight,
      band,
      sameMaster: cluster[a] === cluster[b],
      fields: e.fields
    }
  }, run.pairs)
  const cleaningNotes: Record<string, number> = {}
  for (const list of table.notes.values()) for (const note of list) cleaningNotes[note] = (cleaningNotes[note] ?? 0) + 1
  // No more comparisons: the similarity cache must not keep the table alive after the caller lets it go.
  forgetFoldedSimilarities()
  return {
    crosswalk: { ...persons, status, score: scores },
    reviewPairs,
    ruleCounts: run.ruleCounts,
    candidatePairs: run.candidatePairs,
    model: run.model,
    thresholds,
    explanations,
    stats: {
      records: n,
      persons: persons.persons,
      mergedRecords: merged,
      reviewRecords: review,
      reviewPairs: reviewPairs.length,
      autoMergeRefusedForIdentity: clustering.refusedForIdentity,
      autoMergeRefusedForChain: clustering.refusedForChain,
      autoMergeRefusedForContradiction: clustering.refusedForContradiction,
      autoMergeRefusedForRival: clustering.refusedForRival,
      decisionsApplied: forcedMerges.length + keptApart.length,
      decisionsUnknownRecords: unknown,
      cleaningNotes
    },
    timingsMs: { prepare: tPrepare, ...linked.timingsMs, master_ids: tMasterIds, total: Math.round(performance.now() - t0) }
  }
}

/** The columns as objects: an Assignment per record, the golden records on first access of `masters`. */
function withRecordObjects(table: CitizenTable, columns: DedupeColumns): DedupeResult {
  const t0 = performance.now()
  const { crosswalk, ...rest } = columns
  const masterIds = new Array<string>(crosswalk.persons)
  for (let p = 0; p < crosswalk.persons; p++) masterIds[p] = masterIdOfSmallest(table.recordIds.id(crosswalk.smallestRecord[p]!))
  const assignments: Assignment[] = new Array(crosswalk.size)
  for (let i = 0; i < crosswalk.size; i++)
    assignments[i] = {
      recordId: table.recordIds.id(i),
      masterId: masterIds[crosswalk.person[i]!]!,
      status: ASSIGNMENT_STATUS[crosswalk.status[i]!]!,
      score: crosswalk.score[i]!
    }
  const objectsMs = performance.now() - t0
  const timings = rest.timingsMs
  const result: Omit<DedupeResult, "masters"> = {
    assignments,
    ...rest,
    timingsMs: { ...timings, master_ids: (timings["master_ids"] ?? 0) + Math.round(objectsMs), total: (timings["total"] ?? 0) + Math.round(objectsMs) }
  }
  // A getter defined here would keep this function's whole scope (the table) alive with the result.
  return Object.defineProperty(result, "masters", { get: lazyGoldenRecords(table, crosswalk), enumerable: true }) as DedupeResult
}

/** The golden record of person p of the crosswalk. */
export function personMasterRecord(table: CitizenTable, crosswalk: PersonAssignments, p: number): MasterRecord {
  const s = crosswalk.memberStart[p]!
  const e = crosswalk.memberStart[p + 1]!
  return e - s === 1 ? singleRecordMaster(table, crosswalk.members[s]!) : goldenRecord(table, Array.from(crosswalk.members.subarray(s, e)))
}

/** The golden records of the persons, built on the first call; the table is let go once they are built. */
function lazyGoldenRecords(table: CitizenTable, crosswalk: PersonAssignments): () => MasterRecord[] {
  let input: { table: CitizenTable; crosswalk: PersonAssignments } | undefined = { table, crosswalk }
  let masters: MasterRecord[] | undefined
  return () => {
    if (masters !== undefined || input === undefined) return masters ?? []
    const { table: t, crosswalk: c } = input
    const built: MasterRecord[] = new Array(c.persons)
    for (let p = 0; p < c.persons; p++) built[p] = personMasterRecord(t, c, p)
    input = undefined
    return (masters = built)
  }
}

/** Every kept candidate pair involving one of the records, strongest first. */
function explainRecords(
  table: CitizenTable,
  recordIds: readonly string[],
  indexOf: RecordIndex,
  explain: (a: number, b: number) => RecordPairExplanation,
  pairs: { a: Int32Array; b: Int32Array; count: number }
): RecordPairExplanation[] {
  if (recordIds.length === 0) return []
  const wanted = new Set<number>()
  for (const id of recordIds) {
    const i = indexOf.get(id)
    if (i !== undefined) wanted.add(i)
  }
  const out: RecordPairExplanation[] = []
  for (let p = 0; p < pairs.count; p++) {
    const a = pairs.a[p]!
    const b = pairs.b[p]!
    if (wanted.has(a) || wanted.has(b)) out.push(explain(a, b))
  }
  void table
  return out.sort((x, y) => y.matchWeight - x.matchWeight)
}

/** The same as deduplicate, as an Effect that fails with ModelCollapsed instead of throwing (other errors are defects). */
export const deduplicateEffect = (
  records: Iterable<CitizenRecord>,
  options: DedupeOptions = {}
): Effect.Effect<DedupeResult, ModelCollapsed> =>
  Effect.suspend(() => {
    try {
      return Effect.succeed(deduplicate(records, options))
    } catch (e) {
      return e instanceof ModelCollapsed ? Effect.fail(e) : Effect.die(e)
    }
  })

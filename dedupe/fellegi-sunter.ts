/**
 * The Fellegi–Sunter model and its unsupervised training, following Splink:
 * - u (how often a level occurs between two random records) from randomly drawn pairs;
 * - m (how often it occurs between two records of the same person) by expectation–maximisation,
 *   run separately on the pairs of each blocking rule with the comparisons that rule blocks on
 *   switched off, then averaged over the rules;
 * - the prior from deterministic rules.
 *
 * A single EM over all blocked pairs can converge to a model whose "match" class is something
 * else (pairs from the same suburb, say). Such a model gives agreement on some field a negative
 * weight; it is detected and refused instead of being used.
 */
import * as Data from "effect/Data"
import type { Comparison } from "./linkage-settings.ts"
import { uPriorCounts, type UPrior } from "./u-priors.ts"

export interface LevelParameters {
  readonly label: string
  readonly m: number
  readonly u: number
  /** log2(m / u): the evidence this level adds to the match weight. */
  readonly weight: number
  readonly termFrequency: boolean
  /** u the term-frequency adjustment compares the value's frequency with (ComparisonLevel.termFrequencyLevels). */
  readonly termFrequencyU: number
}

export interface ComparisonParameters {
  readonly name: string
  /** Levels 1..L (index 0 here is level 1). */
  readonly levels: readonly LevelParameters[]
  /** False when no training session could estimate m (the defaults were kept). */
  readonly mEstimated: boolean
  /**
   * How many matched pairs the m estimate rests on (effective count over the sessions it was
   * averaged from; 0 when m was not estimated): what the confidence of "m is below the
   * contradiction cut" is judged by (contradiction-levels.ts).
   */
  readonly matchedPairs: number
}

export interface TrainingSession {
  readonly rule: string
  readonly pairs: number
  /** Comparisons whose m this session estimated. */
  readonly active: readonly string[]
  /** Share of matches EM found among the rule's pairs. */
  readonly lambda: number
  readonly iterations: number
  readonly converged: boolean
  /** Set when the session's result was thrown away, with the reason. */
  readonly discarded?: string
  /** m estimated by this session per active comparison (levels 1..L). */
  readonly m?: Readonly<Record<string, readonly number[]>>
}

export interface FellegiSunterModel {
  /** Probability that two records drawn at random are the same person. */
  readonly prior: number
  readonly comparisons: readonly ComparisonParameters[]
  readonly sessions: readonly TrainingSession[]
  readonly uPairs: number
  /** Things the operator should know (defaults kept for lack of data). */
  readonly warnings: readonly string[]
  /** The deterministic rules' recall when measured (LinkageSettings.measureDeterministicRecall). */
  readonly deterministicRecall?: number
}

/** EM produced a model that cannot be a record-linkage model; it is refused rather than used. */
export class ModelCollapsed extends Data.TaggedError("ModelCollapsed")<{
  readonly message: string
  readonly comparisons: readonly string[]
  readonly sessions: readonly TrainingSession[]
}> {}

/** Level vectors of sampled pairs: pair p, comparison c at levels[p * C + c]. */
export interface LevelSample {
  readonly levels: Uint8Array
  readonly count: number
}

export const M_FLOOR = 1e-5

/** How many sampled pairs fall on each level (index = level) of comparison c of C, and in all. */
function levelCounts(sample: LevelSample, C: number, c: number, L: number): { counts: Float64Array; total: number } {
  const counts = new Float64Array(L + 1)
  for (let p = 0; p < sample.count; p++) counts[sample.levels[p * C + c]!]!++
  let total = 0
  for (let l = 1; l <= L; l++) total += counts[l]!
  return { counts, total }
}

/**
 * u per comparison and level (index = level, 0 unused) from level counts of random pairs, with
 * the reference u of `prior` (u-priors.ts) blended in where there is one.
 */
export function uFromCounts<T>(comparisons: readonly Comparison<T>[], sample: LevelSample, prior?: UPrior): Float64Array[] {
  const C = comparisons.length
  const priorCounts = uPriorCounts(comparisons, prior)
  return comparisons.map((cmp, c) => {
    const L = cmp.levels.length
    const { counts, total } = levelCounts(sample, C, c, L)
    const u = new Float64Array(L + 1)
    const pc = priorCounts[c]
    const priorTotal = pc === undefined ? 0 : prior!.pairs
    // Half a pair of pseudo-count keeps levels never seen at random (an exact ID) finite.
    for (let l = 1; l <= L; l++) u[l] = (counts[l]! + 0.5 + (pc?.[l] ?? 0)) / (total + 0.5 * L + priorTotal)
    return u
  })
}

/**
 * u with the matches taken out of the random pairs. Random pairs are non-matches only nearly:
 * a share `matchShare` (the prior) of them are matches, which fall on the agreeing levels with
 * probabilities m. For a level almost no two different people reach (the same ID number, the
 * same full birth date) those few matches are a large part of what the sample finds there, and
 * u taken as is makes the level count for too little. Here the expected matches' counts
 * (matchShare * pairs * m) are subtracted before u is normalised; a level left with no pairs
 * keeps the half pair of pseudo-count and the prior's share (u-priors.ts).
 */
export function uWithoutMatches<T>(
  comparisons: readonly Comparison<T>[],
  sample: LevelSample,
  m: readonly Float64Array[],
  matchShare: number,
  estimated: readonly boolean[],
  prior?: UPrior
): Float64Array[] {
  const C = comparisons.length
  const raw = uFromCounts(comparisons, sample, prior)
  const priorCounts = uPriorCounts(comparisons, prior)
  return comparisons.map((cmp, c) => {
    if (!estimated[c] || !(matchShare > 0)) return raw[c]!
    const L = cmp.levels.length
    const { counts, total } = levelCounts(sample, C, c, L)
    const u = new Float64Array(L + 1)
    const pc = priorCounts[c]
    let sum = 0
    for (let l = 1; l <= L; l++) {
      u[l] = Math.max(counts[l]! - matchShare * total * m[c]![l]!, 0) + 0.5 + (pc?.[l] ?? 0)
      sum += u[l]!
    }
    for (let l = 1; l <= L; l++) u[l]! /= sum
    return u
  })
}

/** Starting m: most mass on the strongest level, a little on the else level. */
export function initialM<T>(comparisons: readonly Comparison<T>[]): Float64Array[] {
  return comparisons.map((cmp) => {
    const L = cmp.levels.length
    const m = new Float64Array(L + 1)
    if (L === 1) {
      m[1] = 1
      return m
    }
    let rest = 0.2
    m[1] = 0.75
    for (let l = 2; l < L; l++) {
      rest /= 2
      m[l] = rest
    }
    m[L] = 0.05
    let s = 0
    for (let l = 1; l <= L; l++) s += m[l]!
    for (let l = 1; l <= L; l++) m[l]! /= s
    return m
  })
}

interface Patterns {
  readonly levels: Uint8Array
  readonly weights: Float64Array
  readonly count: number
}

/** Groups identical level vectors (restricted to active comparisons) so EM iterates over a few thousand patterns. */
function aggregatePatterns(sample: LevelSample, C: number, active: readonly boolean[]): Patterns {
  const map = new Map<string, number>()
  const reps: number[] = []
  const w: number[] = []
  const buf = new Array<number>(C)
  for (let p = 0; p < sample.count; p++) {
    for (let c = 0; c < C; c++) buf[c] = active[c] ? sample.levels[p * C + c]! : 0
    const key = String.fromCharCode(...buf)
    const g = map.get(key)
    if (g === undefined) {
      map.set(key, reps.length)
      reps.push(p)
      w.push(1)
    } else w[g]!++
  }
  const count = reps.length
  const levels = new Uint8Array(count * C)
  for (let g = 0; g < count; g++) {
    const p = reps[g]!
    for (let c = 0; c < C; c++) levels[g * C + c] = active[c] ? sample.levels[p * C + c]! : 0
  }
  return { levels, weights: Float64Array.from(w), count }
}

export interface EmResult {
  readonly m: Float64Array[]
  /** Per comparison: the expected number of matched pairs with a value on it (what m was estimated from). */
  readonly matched: Float64Array
  readonly lambda: number
  readonly iterations: number
  readonly converged: boolean
}

/** EM with u fixed: estimates m for the active comparisons and the match share lambda. */
export function expectationMaximisation<T>(
  comparisons: readonly Comparison<T>[],
  sample: LevelSample,
  active: readonly boolean[],
  u: readonly Float64Array[],
  mStart: readonly Float64Array[],
  maxIterations: number
): EmResult {
  const C = comparisons.length
  const pat = aggregatePatterns(sample, C, active)
  const m = mStart.map((x) => Float64Array.from(x))
  let lambda = 0.3
  const num = m.map((x) => new Float64Array(x.length))
  let iterations = 0
  let converged = false
  const total = sample.count
  const matched = new Float64Array(C)
  while (iterations < maxIterations) {
    iterations++
    const logRatio = m.map((mc, c) => {
      const r = new Float64Array(mc.length)
      for (let l = 1; l < mc.length; l++) r[l] = Math.log(Math.max(mc[l]!, M_FLOOR) / u[c]![l]!)
      return r
    })
    for (const x of num) x.fill(0)
    let lamNum = 0
    const priorLogit = Math.log(lambda / (1 - lambda))
    for (let g = 0; g < pat.count; g++) {
      let logit = priorLogit
      for (let c = 0; c < C; c++) {
        const l = pat.levels[g * C + c]!
        if (l !== 0) logit += logRatio[c]![l]!
      }
      const pm = logit > 40 ? 1 : logit < -40 ? 0 : 1 / (1 + Math.exp(-logit))
      const wp = pat.weights[g]! * pm
      lamNum += wp
      for (let c = 0; c < C; c++) {
        const l = pat.levels[g * C + c]!
        if (l !== 0) num[c]![l]! += wp
      }
    }
    let delta = 0
    for (let c = 0; c < C; c++) {
      if (!active[c]) continue
      const n = num[c]!
      let s = 0
      for (let l = 1; l < n.length; l++) s += n[l]!
      matched[c] = s
      if (s <= 0) continue
      for (let l = 1; l < n.length; l++) {
        const v = n[l]! / s
        delta = Math.max(delta, Math.abs(v - m[c]![l]!))
        m[c]![l] = v
      }
    }
    const newLambda = Math.min(Math.max(lamNum / total, 1e-9), 1 - 1e-9)
    delta = Math.max(delta, Math.abs(newLambda - lambda))
    lambda = newLambda
    if (delta < 1e-5) {
      converged = true
      break
    }
  }
  return { m, matched, lambda, iterations, converged }
}

/**
 * Comparisons where agreement counts as evidence AGAINST a match (m < u at the strongest level)
 * although the comparison had data: the sign that EM latched onto something other than persons.
 */
export function invertedComparisons<T>(
  comparisons: readonly Comparison<T>[],
  m: readonly Float64Array[],
  u: readonly Float64Array[],
  active: readonly boolean[]
): string[] {
  const out: string[] = []
  comparisons.forEach((cmp, c) => {
    if (!active[c] || cmp.agreementFirst === false) return
    const L = cmp.levels.length
    if (L < 2) return
    const top = Math.log2(Math.max(m[c]![1]!, M_FLOOR) / u[c]![1]!)
    const bottom = Math.log2(Math.max(m[c]![L]!, M_FLOOR) / u[c]![L]!)
    if (top <= 0 || bottom >= top) out.push(cmp.name)
  })
  return out
}

/** Non-null share of each comparison in a sample (a comparison with no data cannot be estimated). */
export function nonNullShare(sample: LevelSample, C: number): Float64Array {
  const out = new Float64Array(C)
  if (sample.count === 0) return out
  for (let p = 0; p < sample.count; p++) for (let c = 0; c < C; c++) if (sample.levels[p * C + c] !== 0) out[c]!++
  for (let c = 0; c < C; c++) out[c]! /= sample.count
  return out
}

/** Builds the parameter tables used for scoring and explaining. */
export function modelParameters<T>(
  comparisons: readonly Comparison<T>[],
  m: readonly Float64Array[],
  u: readonly Float64Array[],
  estimated: readonly boolean[],
  matchedPairs?: readonly number[]
): ComparisonParameters[] {
  return comparisons.map((cmp, c) => ({
    name: cmp.name,
    mEstimated: estimated[c]!,
    matchedPairs: matchedPairs?.[c] ?? 0,
    levels: cmp.levels.map((lv, i) => {
      const mm = Math.max(m[c]![i + 1]!, M_FLOOR)
      const uu = u[c]![i + 1]!
      let tfU = 0
      for (const l of lv.termFrequencyLevels ?? [i + 1]) tfU += u[c]![l]!
      return {
        label: lv.label,
        m: mm,
        u: uu,
        weight: Math.log2(mm / uu),
        termFrequency: lv.termFrequency === true && cmp.termFrequency !== undefined,
        termFrequencyU: tfU
      }
    })
  }))
}

/** Flat weight table: weight of comparison c at level l is table[c * stride + l] (level 0 = 0). */
export function weightTable(params: readonly ComparisonParameters[]): { table: Float64Array; stride: number } {
  let stride = 1
  for (const p of params) stride = Math.max(stride, p.levels.length + 1)
  const table = new Float64Array(params.length * stride)
  params.forEach((p, c) => p.levels.forEach((lv, i) => (table[c * stride + i + 1] = lv.weight)))
  return { table, stride }
}

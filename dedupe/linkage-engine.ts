/**
 * The generic linkage run: blocking, training (u from random pairs, m by EM per blocking rule,
 * prior from deterministic rules) and scoring of every candidate pair. It knows nothing about
 * citizens; the settings object says what to compare.
 *
 * Memory: the first pass over the blocks keeps one bit per pair the rules produce (new or not,
 * CandidateBits), so scoring walks the blocks again in the same order without asking the
 * earlier rules again, and no candidate pair is stored; the records' block numbers (needed to
 * tell new pairs) go after that pass. After scoring only pairs above a low probability floor are
 * kept.
 */
import { buildBlockIndex, forEachRulePair, ruleCounts, withoutGroups, type BlockIndex, type RuleCandidateCount } from "./blocking.ts"
import { CandidateBits } from "./candidate-pairs.ts"
import {
  expectationMaximisation,
  initialM,
  invertedComparisons,
  ModelCollapsed,
  modelParameters,
  nonNullShare,
  uFromCounts,
  uWithoutMatches,
  weightTable,
  type FellegiSunterModel,
  type LevelSample,
  type TrainingSession
} from "./fellegi-sunter.ts"
import { isContradictionLevel } from "./contradiction-levels.ts"
import { EXCLUDED_WEIGHT, seededRandom, type LinkageOptions, type LinkageSettings } from "./linkage-settings.ts"
import { termFrequencyShare } from "./u-priors.ts"

export interface ScoredPairs {
  readonly a: Int32Array
  readonly b: Int32Array
  /** Match weight: log2 of the posterior odds (prior included). */
  readonly weight: Float32Array
  /** Index of the blocking rule that produced the pair. */
  readonly rule: Uint8Array
  readonly count: number
}

export interface LinkageRun {
  readonly model: FellegiSunterModel
  readonly pairs: ScoredPairs
  /** Per record: the highest match weight of any of its candidate pairs (-Infinity when none). */
  readonly bestWeight: Float32Array
  readonly ruleCounts: readonly RuleCandidateCount[]
  readonly candidatePairs: number
  /** log2 of the prior odds, included in every weight. */
  readonly priorLog2Odds: number
  readonly timingsMs: Readonly<Record<string, number>>
}

/** Converts a match weight to a match probability. */
export const probabilityOf = (weight: number): number => {
  const odds = Math.pow(2, weight)
  return odds === Infinity ? 1 : odds / (1 + odds)
}

/** Converts a probability to a match weight. */
export const weightOf = (probability: number): number => Math.log2(probability / (1 - probability))

/** A compiled scorer: level lookups and TF adjustments with no allocation per pair. */
export interface PairScorer<T> {
  /** Sum of level weights (+ TF adjustments), prior NOT included; EXCLUDED_WEIGHT when an exclusion rule holds. */
  bayesFactorLog2(table: T, a: number, b: number): number
  levelsInto(table: T, a: number, b: number, out: Uint8Array, offset: number): void
  /**
   * True when an exclusion rule holds or some field of the pair sits at a contradicting level:
   * one that almost never occurs between two records of one person (m below
   * `contradictionM` with 95 % confidence, given the matched pairs m was estimated from) and is
   * at least four times more common between different people (weight below -2), such as two
   * birth days in one year; unless a comparison of `contradictionUnlessExact` is at its
   * strongest level. See contradiction-levels.ts.
   */
  contradicts(table: T, a: number, b: number): boolean
  /** True when a comparison of `contradictionUnlessExact` is at its strongest level (the same ID number). */
  sharesIdentifier(table: T, a: number, b: number): boolean
  /**
   * The comparisons that make `contradicts` true, as a bit mask (bit c: comparison c is at a
   * contradicting level or an exclusion rule on it holds); 0 when the pair does not contradict.
   */
  contradictingComparisons(table: T, a: number, b: number): number
  /** The level of one comparison for the pair (0: a value is missing). */
  level(table: T, a: number, b: number, comparison: number): number
}

/** Default m below which a disagreeing level is a contradiction (see PairScorer.contradicts). */
export const CONTRADICTION_M = 0.005

/**
 * Comparisons a scorer reads as missing (level 0) for the pairs `when` holds: the ID numbers of
 * two records that both hold a valid CCCD, when the other fields' evidence is measured against
 * that CCCD (merged-set-precision.ts).
 */
export interface HiddenComparisons<T> {
  readonly comparisons: readonly string[]
  readonly when: (table: T, a: number, b: number) => boolean
}

export function compileScorer<T>(
  settings: LinkageSettings<T>,
  model: Pick<FellegiSunterModel, "comparisons">,
  size: number,
  contradictionM = CONTRADICTION_M,
  hidden?: HiddenComparisons<T>
): PairScorer<T> {
  const comps = settings.comparisons
  const C = comps.length
  const { table: W, stride } = weightTable(model.comparisons)
  const tfU = new Float64Array(C * stride)
  model.comparisons.forEach((p, c) => p.levels.forEach((lv, i) => (tfU[c * stride + i + 1] = lv.termFrequency ? lv.termFrequencyU : 0)))
  const contradiction = new Uint8Array(C * stride)
  model.comparisons.forEach((p, c) =>
    p.levels.forEach((lv, i) => (contradiction[c * stride + i + 1] = isContradictionLevel(lv, p.matchedPairs, contradictionM) ? 1 : 0))
  )
  const tfFloor = 1 / Math.max(2, 2 * size)
  const tfShare = termFrequencyShare(size, settings.priorU?.termFrequencyRecords ?? 0)
  const exclusions = (settings.exclusions ?? []).map((r) => {
    const c = comps.findIndex((cmp) => cmp.name === r.comparison)
    if (c < 0) throw new Error(`exclusion rule ${r.name}: unknown comparison ${r.comparison}`)
    const unless = (r.unlessExact ?? []).map((name) => {
      const u = comps.findIndex((cmp) => cmp.name === name)
      if (u < 0) throw new Error(`exclusion rule ${r.name}: unknown comparison ${name}`)
      return u
    })
    return { c, level: r.level, unless }
  })
  const sparing = (settings.contradictionUnlessExact ?? []).map((name) => {
    const u = comps.findIndex((cmp) => cmp.name === name)
    if (u < 0) throw new Error(`contradictionUnlessExact: unknown comparison ${name}`)
    return u
  })
  const fillAll =
    settings.levels ??
    ((table: T, a: number, b: number, out: Uint8Array, o: number) => {
      for (let c = 0; c < C; c++) out[o + c] = comps[c]!.compare(table, a, b)
    })
  const hide = (hidden?.comparisons ?? []).map((name) => {
    const c = comps.findIndex((cmp) => cmp.name === name)
    if (c < 0) throw new Error(`hidden comparisons: unknown comparison ${name}`)
    return c
  })
  const hideWhen = hidden?.when
  const fill =
    hideWhen === undefined || hide.length === 0
      ? fillAll
      : (table: T, a: number, b: number, out: Uint8Array, o: number) => {
          fillAll(table, a, b, out, o)
          if (hideWhen(table, a, b)) for (const c of hide) out[o + c] = 0
        }
  const scratch = new Uint8Array(C)
  // The pair whose levels `scratch` holds: the guards ask for a pair's weight and then whether it
  // contradicts, which would compare every field twice.
  let lastTable: T | undefined
  let lastA = -1
  let lastB = -1
  const scratchLevels = (table: T, a: number, b: number): void => {
    if (a === lastA && b === lastB && table === lastTable) return
    fill(table, a, b, scratch, 0)
    lastTable = table
    lastA = a
    lastB = b
  }
  const excluded = (): boolean => {
    for (let e = 0; e < exclusions.length; e++) {
      const rule = exclusions[e]!
      if (scratch[rule.c] !== rule.level) continue
      let spared = false
      for (const u of rule.unless) if (scratch[u] === 1) spared = true
      if (!spared) return true
    }
    return false
  }
  return {
    bayesFactorLog2(table, a, b) {
      scratchLevels(table, a, b)
      if (exclusions.length > 0 && excluded()) return EXCLUDED_WEIGHT
      let w = 0
      for (let c = 0; c < C; c++) {
        const k = c * stride + scratch[c]!
        w += W[k]!
        const uLevel = tfU[k]!
        if (uLevel > 0) {
          const tf = Math.max(comps[c]!.termFrequency!(table, a, b), tfFloor)
          w += tfShare * Math.log2(uLevel / tf)
        }
      }
      return w
    },
    levelsInto: fill,
    contradicts(table, a, b) {
      scratchLevels(table, a, b)
      if (exclusions.length > 0 && excluded()) return true
      for (const u of sparing) if (scratch[u] === 1) return false
      for (let c = 0; c < C; c++) if (contradiction[c * stride + scratch[c]!] === 1) return true
      return false
    },
    contradictingComparisons(table, a, b) {
      scratchLevels(table, a, b)
      let mask = 0
      for (let e = 0; e < exclusions.length; e++) {
        const rule = exclusions[e]!
        if (scratch[rule.c] !== rule.level) continue
        let spared = false
        for (const u of rule.unless) if (scratch[u] === 1) spared = true
        if (!spared) mask |= 1 << rule.c
      }
      if (mask !== 0) return mask
      for (const u of sparing) if (scratch[u] === 1) return 0
      for (let c = 0; c < C; c++) if (contradiction[c * stride + scratch[c]!] === 1) mask |= 1 << c
      return mask
    },
    level(table, a, b, comparison) {
      if (hideWhen !== undefined && hide.includes(comparison) && hideWhen(table, a, b)) return 0
      return comps[comparison]!.compare(table, a, b)
    },
    sharesIdentifier(table, a, b) {
      if (sparing.length === 0) return false
      scratchLevels(table, a, b)
      for (const u of sparing) if (scratch[u] === 1) return true
      return false
    }
  }
}

/** How far (bits) a measured deterministic recall may move the prior from the assumed one. */
const PRIOR_SHIFT_MAX = 4
/**
 * The prior's floor is one matching pair among the input's pairs, or among this many when it
 * has fewer. Without it a file of two records and no deterministic pair got a prior of 0.5
 * (one expected match in one pair), and two women named Nguyễn Thị Lan born in 1990, nothing
 * else known, merged automatically (probability 0.99999), though a province holds dozens. A
 * file that small says nothing about how often its records repeat; 1 in 1,000 pairs leaves
 * that pair to a reviewer and a pair with a full birth date and an address to the merge.
 * Inputs of 46 records or more, or with a deterministic pair, are not affected.
 */
const PRIOR_FLOOR_PAIRS = 1000

/** A training session needs at least this many pairs. */
const MIN_SESSION_PAIRS = 50
/**
 * With a prior for m (LinkageSettings.priorM), a training rule's session of fewer than
 * MIN_SESSION_PAIRS pairs still estimates the comparisons no other training rule's session
 * could, from this many pairs, a comparison in it from this many pairs with values on both
 * sides. Training rules' blocks are nearly all matches (the same ID number, the same birth date
 * and given name): on a small input a dozen of them say more about m than hundreds of pairs of
 * a look-alike rule, and the prior, worth PRIOR_PAIRS matches, keeps a dozen from deciding
 * alone. Only for the comparisons left over: averaged in beside a session of hundreds of pairs
 * they cost precision (measured: 28 -> 31 false pairs on 5,000-record samples).
 */
const MIN_TRAINING_SESSION_PAIRS = 10
const MIN_TRAINING_SESSION_VALUES = 5
const TOO_FEW = "too few pairs"
const COLLAPSED = "collapsed"
/** A session this small that collapses is set aside instead of refusing the run. */
const SMALL_SESSION_PAIRS = 1000
const TOO_LITTLE = "too little evidence"
/** Least m of an identifier's "exact" level a small session's matches must show (see runSession). */
const ID_AGREEMENT_MIN = 0.5
/** Weight of LinkageSettings.priorM in a session's m, in matched pairs. */
const PRIOR_PAIRS = 20
/**
 * The same for sessions of rules that are not training rules (`train: false`): their blocks are
 * full of look-alikes (namesakes of one commune, siblings), and on the few dozen pairs of a
 * small input EM takes all of them for matches (lambda ~1), so the other fields' m become the
 * look-alikes' (two different birth dates as a common pattern between one person's records).
 * They are only used when no training rule could estimate a comparison, which at scale does
 * not happen; there the prior keeps its say until they have found a few hundred matches.
 */
const PRIOR_PAIRS_LOOKALIKE_RULES = 200
/** Name of the session that pools every candidate pair when no rule has enough on its own. */
export const POOLED_SESSION = "all candidate pairs (pooled: no rule had enough pairs on its own)"

/** Fixed-capacity uniform sample of pairs (reservoir sampling). */
class PairReservoir {
  readonly a: Int32Array
  readonly b: Int32Array
  seen = 0
  private readonly random: () => number
  constructor(capacity: number, random: () => number) {
    this.a = new Int32Array(capacity)
    this.b = new Int32Array(capacity)
    this.random = random
  }
  offer(x: number, y: number): void {
    const cap = this.a.length
    if (this.seen < cap) {
      this.a[this.seen] = x
      this.b[this.seen] = y
    } else {
      const j = Math.floor(this.random() * (this.seen + 1))
      if (j < cap) {
        this.a[j] = x
        this.b[j] = y
      }
    }
    this.seen++
  }
  get size(): number {
    return Math.min(this.seen, this.a.length)
  }
}

/** Growable pair store for kept pairs. */
class PairStore {
  a = new Int32Array(1 << 16)
  b = new Int32Array(1 << 16)
  w = new Float32Array(1 << 16)
  r = new Uint8Array(1 << 16)
  count = 0
  push(x: number, y: number, weight: number, rule: number): void {
    if (this.count === this.a.length) {
      const n = this.a.length * 2
      const grow = <A extends Int32Array | Float32Array | Uint8Array>(old: A, make: (n: number) => A): A => {
        const x2 = make(n)
        x2.set(old)
        return x2
      }
      this.a = grow(this.a, (k) => new Int32Array(k))
      this.b = grow(this.b, (k) => new Int32Array(k))
      this.w = grow(this.w, (k) => new Float32Array(k))
      this.r = grow(this.r, (k) => new Uint8Array(k))
    }
    this.a[this.count] = x
    this.b[this.count] = y
    this.w[this.count] = weight
    this.r[this.count] = rule
    this.count++
  }
}

function levelsOf<T>(table: T, scorer: PairScorer<T>, C: number, a: Int32Array, b: Int32Array, count: number): LevelSample {
  const levels = new Uint8Array(count * C)
  for (let p = 0; p < count; p++) scorer.levelsInto(table, a[p]!, b[p]!, levels, p * C)
  return { levels, count }
}

/** Random distinct pairs (all pairs when the table is small enough). */
function randomPairs(size: number, wanted: number, random: () => number): { a: Int32Array; b: Int32Array; count: number } {
  const all = (size * (size - 1)) / 2
  if (all <= wanted) {
    const a = new Int32Array(all)
    const b = new Int32Array(all)
    let k = 0
    for (let i = 0; i < size; i++)
      for (let j = i + 1; j < size; j++) {
        a[k] = i
        b[k++] = j
      }
    return { a, b, count: all }
  }
  const a = new Int32Array(wanted)
  const b = new Int32Array(wanted)
  for (let k = 0; k < wanted; k++) {
    const i = Math.floor(random() * size)
    let j = Math.floor(random() * (size - 1))
    if (j >= i) j++
    a[k] = i
    b[k] = j
  }
  return { a, b, count: wanted }
}

/** The same pairs ordered by their first record (counting sort). */
function pairsByFirstRecord(pairs: { a: Int32Array; b: Int32Array; count: number }, size: number): { a: Int32Array; b: Int32Array } {
  const start = new Int32Array(size + 1)
  for (let p = 0; p < pairs.count; p++) start[pairs.a[p]! + 1]!++
  for (let i = 0; i < size; i++) start[i + 1]! += start[i]!
  const a = new Int32Array(pairs.count)
  const b = new Int32Array(pairs.count)
  for (let p = 0; p < pairs.count; p++) {
    const k = start[pairs.a[p]!]!++
    a[k] = pairs.a[p]!
    b[k] = pairs.b[p]!
  }
  return { a, b }
}

/**
 * The comparison levels of random pairs, for u. The pairs themselves are not kept (only how
 * many there were), so they are garbage once this returns.
 */
function uSampleLevels<T>(table: T, size: number, scorer: PairScorer<T>, C: number, wanted: number, random: () => number): { uSample: LevelSample; uPairs: number } {
  const rp = randomPairs(size, wanted, random)
  // u only counts levels, so the pairs can be compared in any order: by first record, which
  // reads the table's columns front to back for one side of every pair.
  const byFirst = pairsByFirstRecord(rp, size)
  return { uSample: levelsOf(table, scorer, C, byFirst.a, byFirst.b, rp.count), uPairs: rp.count }
}

/**
 * Runs blocking, training and scoring. Throws ModelCollapsed when training cannot produce a
 * sound model.
 */
export function runLinkage<T>(table: T, size: number, settings: LinkageSettings<T>, options: LinkageOptions = {}): LinkageRun {
  const timings: Record<string, number> = {}
  let t0 = performance.now()
  const lap = (name: string) => {
    const t = performance.now()
    timings[name] = Math.round(t - t0)
    t0 = t
  }
  const comps = settings.comparisons
  const C = comps.length
  const random = seededRandom(options.seed ?? 20250701)
  const emCap = options.emSampleSize ?? 100_000
  const strategy = options.emStrategy ?? "per-rule"
  const keepWeight = Math.log2((options.keepProbability ?? 0.001) / (1 - (options.keepProbability ?? 0.001)))

  const releaseGarbage = options.releaseGarbage ?? (() => {})
  let index: BlockIndex = buildBlockIndex(table, size, settings.blockingRules, options.maxBlockSize ?? 5000)
  lap("blocking")
  releaseGarbage()

  // Pass 1: count, sample for training, count deterministic matches, mark the new pairs.
  const R = index.rules.length
  const newCounts = new Array<number>(R).fill(0)
  const candidates = new CandidateBits(index.rules.reduce((s, rule) => s + rule.rawPairs, 0))
  const perRule = index.rules.map(() => new PairReservoir(strategy === "per-rule" ? emCap : 0, random))
  const single = new PairReservoir(strategy === "single" ? emCap : 0, random)
  let deterministic = 0
  const det = settings.deterministicRules
  for (let r = 0; r < R; r++) {
    const res = perRule[r]!
    let fresh = 0
    forEachRulePair(index, r, (a, b, isNew) => {
      if (strategy === "per-rule") res.offer(a, b)
      candidates.push(isNew)
      if (!isNew) return
      fresh++
      if (strategy === "single") single.offer(a, b)
      for (let d = 0; d < det.length; d++)
        if (det[d]!.holds(table, a, b)) {
          deterministic++
          break
        }
    })
    newCounts[r] = fresh
  }
  const candidatePairs = newCounts.reduce((s, x) => s + x, 0)
  // New or not is in the bits now: the records' block numbers can go.
  index = withoutGroups(index)
  lap("enumerate")
  releaseGarbage()

  // u from random pairs.
  const provisional = compileScorer(settings, { comparisons: [] }, size)
  const { uSample, uPairs } = uSampleLevels(table, size, provisional, C, options.uSampleSize ?? 400_000, random)
  const u = uFromCounts(comps, uSample, settings.priorU)
  lap("estimate_u")
  releaseGarbage()

  // m by EM.
  const mStart = initialM(comps)
  const maxIter = options.emMaxIterations ?? 60
  const sessions: TrainingSession[] = []
  // m sums per comparison, separately for training rules (0) and the other rules (1).
  const mSum = [0, 1].map(() => comps.map((cmp) => new Float64Array(cmp.levels.length + 1)))
  const mRuns = [0, 1].map(() => new Array<number>(C).fill(0))
  // Comparisons whose strongest level is the same ID number.
  const identifiers = (settings.contradictionUnlessExact ?? []).map((name) => comps.findIndex((cmp) => cmp.name === name)).filter((c) => c >= 0)
  const withPriorM = settings.priorM !== undefined
  // Sum of 1 / (matched pairs) of the sessions averaged: the variance of a mean of R session
  // estimates is Σ m(1−m)/n_s / R², so R² / Σ 1/n_s is the matched pairs the mean rests on.
  const inverseMatched = [0, 1].map(() => new Array<number>(C).fill(0))
  const runSession = (name: string, res: PairReservoir, deactivated: ReadonlySet<string>, group: 0 | 1, small = false) => {
    const sample = levelsOf(table, provisional, C, res.a, res.b, res.size)
    const share = nonNullShare(sample, C)
    const minPairs = small ? MIN_TRAINING_SESSION_PAIRS : MIN_SESSION_PAIRS
    const minValues = small ? MIN_TRAINING_SESSION_VALUES : 20
    const active = comps.map((cmp, c) => !deactivated.has(cmp.name) && share[c]! * sample.count >= minValues)
    const activeNames = comps.filter((_, c) => active[c]).map((cmp) => cmp.name)
    if (sample.count < minPairs || (small && activeNames.length === 0)) {
      const why = sample.count < minPairs ? `${TOO_FEW} (< ${minPairs})` : `${TOO_FEW} (< ${MIN_SESSION_PAIRS}), and larger sessions estimated what it could`
      sessions.push({ rule: name, pairs: sample.count, active: activeNames, lambda: 0, iterations: 0, converged: false, discarded: why })
      return
    }
    const em = expectationMaximisation(comps, sample, active, u, mStart, maxIter)
    const inverted = invertedComparisons(comps, em.m, u, active)
    let discarded: string | undefined
    if (em.lambda < 1e-6) discarded = "EM found no matches among the rule's pairs"
    else if (inverted.length > 0)
      // On a few hundred pairs (a small input, often with hardly any duplicates) EM has too
      // little to go on; that is not a sign of broken blocking, and the session is just unused.
      discarded = `${sample.count < SMALL_SESSION_PAIRS ? `${TOO_LITTLE} (${sample.count} pairs), ` : ""}${COLLAPSED}: agreement on ${inverted.join(", ")} came out as evidence against a match`
    else if (sample.count < SMALL_SESSION_PAIRS) {
      // On a few hundred look-alike pairs EM can settle on another class than persons without
      // inverting anything: on a 300-record input the pooled session took 71 % of its pairs,
      // near namesakes of a sorted neighbourhood, for matches, and among those with a CCCD on
      // both sides 7 % shared it. One person's records that both carry an ID number almost
      // always carry the same one.
      const stray = identifiers.filter((c) => active[c] && em.m[c]![1]! < ID_AGREEMENT_MIN).map((c) => comps[c]!.name)
      if (stray.length > 0)
        discarded = `${TOO_LITTLE} (${sample.count} pairs): among its matches with ${stray.join(", ")} on both sides, fewer than ${ID_AGREEMENT_MIN * 100} % agree on it`
    }
    // The previous session's level sample is garbage: freed before the next one is allocated
    // (14 sessions of 100,000 pairs at 4x scale piled up to ≈ 18 MB until V8 next collected).
    releaseGarbage()
    const sessionM: Record<string, number[]> = {}
    comps.forEach((cmp, c) => {
      if (active[c]) sessionM[cmp.name] = Array.from(em.m[c]!.subarray(1))
    })
    const session: TrainingSession = { rule: name, pairs: sample.count, active: activeNames, lambda: em.lambda, iterations: em.iterations, converged: em.converged, m: sessionM }
    sessions.push(discarded === undefined ? session : { ...session, discarded })
    if (discarded !== undefined) return
    comps.forEach((cmp, c) => {
      if (!active[c]) return
      mRuns[group]![c]!++
      // With a prior, the session's m is the posterior mean: the prior counts as PRIOR_PAIRS
      // matched pairs (more for look-alike rules), which only matters when EM found few
      // matches (small inputs).
      const prior = settings.priorM?.[cmp.name]
      const matches = em.lambda * sample.count
      const priorPairs = group === 0 ? PRIOR_PAIRS : PRIOR_PAIRS_LOOKALIKE_RULES
      const behind = em.matched[c]! + (prior !== undefined && prior.length === cmp.levels.length ? priorPairs : 0)
      inverseMatched[group]![c]! += behind > 0 ? 1 / behind : Infinity
      for (let l = 1; l <= cmp.levels.length; l++)
        mSum[group]![c]![l]! +=
          prior !== undefined && prior.length === cmp.levels.length
            ? (matches * em.m[c]![l]! + priorPairs * prior[l - 1]!) / (matches + priorPairs)
            : em.m[c]![l]!
    })
  }
  if (strategy === "single") runSession("all blocked pairs", single, new Set(), 0)
  else {
    const small: number[] = []
    settings.blockingRules.forEach((rule, r) => {
      const pairs = perRule[r]!.size
      if (withPriorM && rule.train !== false && pairs >= MIN_TRAINING_SESSION_PAIRS && pairs < MIN_SESSION_PAIRS) small.push(r)
      else runSession(rule.name, perRule[r]!, new Set(rule.deactivates), rule.train === false ? 1 : 0)
    })
    // Small inputs: a training rule with too few pairs for a session of its own still estimates
    // the comparisons no other training rule's session could.
    for (const r of small) {
      const rule = settings.blockingRules[r]!
      const estimatedAlready = comps.filter((_, c) => mRuns[0]![c]! > 0).map((cmp) => cmp.name)
      runSession(rule.name, perRule[r]!, new Set([...rule.deactivates, ...estimatedAlready]), 0, true)
    }
    // Small inputs: when no rule's session was usable and some had too few pairs, pool every
    // candidate pair into one session (nothing switched off). It passes the same checks.
    if (
      sessions.every((s) => s.discarded !== undefined && !s.discarded.startsWith(COLLAPSED)) &&
      sessions.some((s) => s.pairs < MIN_SESSION_PAIRS) &&
      candidatePairs >= MIN_SESSION_PAIRS
    ) {
      const pooled = new PairReservoir(emCap, seededRandom((options.seed ?? 20250701) ^ 0x5bd1e995))
      candidates.forEach(index, R, (a, b) => pooled.offer(a, b))
      runSession(POOLED_SESSION, pooled, new Set(), 0)
    }
  }
  // The reservoirs and the sessions' level samples are done with.
  perRule.length = 0
  lap("estimate_m")
  releaseGarbage()

  // Average over the training rules' sessions; fall back to the other rules' sessions.
  const m = comps.map((cmp, c) => {
    const g = mRuns[0]![c]! > 0 ? 0 : mRuns[1]![c]! > 0 ? 1 : -1
    if (g < 0) {
      const prior = settings.priorM?.[cmp.name]
      return prior !== undefined && prior.length === cmp.levels.length ? Float64Array.from([0, ...prior]) : mStart[c]!
    }
    const x = new Float64Array(cmp.levels.length + 1)
    for (let l = 1; l <= cmp.levels.length; l++) x[l] = mSum[g]![c]![l]! / mRuns[g]![c]!
    return x
  })
  const estimated = comps.map((_, c) => mRuns[0]![c]! + mRuns[1]![c]! > 0)
  const matchedPairs = comps.map((cmp, c) => {
    const g = mRuns[0]![c]! > 0 ? 0 : mRuns[1]![c]! > 0 ? 1 : -1
    if (g >= 0) return (mRuns[g]![c]! * mRuns[g]![c]!) / inverseMatched[g]![c]!
    const prior = settings.priorM?.[cmp.name]
    return prior !== undefined && prior.length === cmp.levels.length ? PRIOR_PAIRS : 0
  })
  const usable = sessions.filter((s) => s.discarded === undefined)
  const warnings: string[] = []
  if (usable.length === 0) {
    const reasons = sessions.map((s) => `${s.rule}: ${s.discarded ?? "?"}`).join("; ")
    // Only a collapse refuses the run. Too few pairs, or EM finding no matches (an input with
    // no duplicates), leaves the default m values: the prior then keeps merges rare.
    if (sessions.some((s) => s.discarded !== undefined && s.discarded.startsWith(COLLAPSED)))
      throw new ModelCollapsed({
        message: `Model refused: no training session produced a sound model (${reasons}). Check the blocking rules and the input columns.`,
        comparisons: [],
        sessions
      })
    warnings.push(`no training session could estimate m (${reasons}); default m values used`)
  }
  const unestimated = comps.filter((_, c) => !estimated[c]).map((cmp) => cmp.name)
  if (usable.length > 0 && unestimated.length > 0)
    warnings.push(`m of ${unestimated.join(", ")} could not be estimated (no training pairs with values); defaults kept`)
  const allActive = comps.map((_, c) => estimated[c]!)
  const inverted = usable.length === 0 ? [] : invertedComparisons(comps, m, u, allActive)
  if (inverted.length > 0)
    throw new ModelCollapsed({
      message: `Model refused: after training, agreement on ${inverted.join(", ")} counts against a match, so EM did not find persons. Use per-rule EM or add blocking rules that isolate true matches.`,
      comparisons: inverted,
      sessions
    })

  const pairsTotal = (size * (size - 1)) / 2
  const recall = Math.min(Math.max(settings.deterministicRecall, 0.01), 1)
  // At least one matching pair expected, but among no fewer than PRIOR_FLOOR_PAIRS pairs.
  const clampPrior = (p: number) => Math.min(Math.max(p, 1 / Math.max(pairsTotal, PRIOR_FLOOR_PAIRS)), 0.5)
  let prior = clampPrior(pairsTotal > 0 ? deterministic / recall / pairsTotal : 0)
  let priorLog2Odds = Math.log2(prior / (1 - prior))
  const parameters = modelParameters(
    comps,
    m,
    settings.uWithoutMatches === true ? uWithoutMatches(comps, uSample, m, prior, estimated, settings.priorU) : u,
    estimated,
    matchedPairs
  )

  // Pass 2: score. With a measured recall the prior may still rise, so pairs a little below
  // the keep threshold are held until it is known.
  const measure = settings.measureDeterministicRecall === true
  const holdWeight = measure ? keepWeight - PRIOR_SHIFT_MAX : keepWeight
  const scorer = compileScorer(settings, { comparisons: parameters }, size)
  let bestWeight = new Float32Array(size).fill(-Infinity)
  const store = new PairStore()
  candidates.forEach(index, R, (a, b, r) => {
    const w = priorLog2Odds + scorer.bayesFactorLog2(table, a, b)
    if (w > bestWeight[a]!) bestWeight[a] = w
    if (w > bestWeight[b]!) bestWeight[b] = w
    if (w >= holdWeight) store.push(a, b, w, r)
  })
  let recallMeasured: number | undefined
  const assumedLog2Odds = priorLog2Odds
  if (measure && deterministic > 0) {
    // The deterministic rules' recall, measured instead of assumed: the expected number of
    // matching pairs is the sum of the match probabilities of the candidate pairs, and the
    // rules found `deterministic` of them. The prior moves every weight by the same amount, so
    // a few rounds on the scored pairs settle it.
    const start = priorLog2Odds
    for (let round = 0; round < 20; round++) {
      const shift = priorLog2Odds - start
      let expected = 0
      for (let k = 0; k < store.count; k++) expected += 1 / (1 + Math.pow(2, -(store.w[k]! + shift)))
      recallMeasured = Math.min(Math.max(deterministic / expected, 0.01), 1)
      const next = clampPrior(deterministic / recallMeasured / pairsTotal)
      const nextLog2Odds = Math.max(Math.log2(next / (1 - next)), start - PRIOR_SHIFT_MAX)
      const moved = Math.abs(Math.min(nextLog2Odds, start + PRIOR_SHIFT_MAX) - priorLog2Odds)
      priorLog2Odds = Math.min(nextLog2Odds, start + PRIOR_SHIFT_MAX)
      if (moved < 0.001) break
    }
    prior = 1 / (1 + Math.pow(2, -priorLog2Odds))
  }
  if (measure) {
    // Drop the pairs held below the keep threshold; shift the rest by the prior's move.
    const shift = priorLog2Odds - assumedLog2Odds
    let kept = 0
    for (let k = 0; k < store.count; k++) {
      const w = store.w[k]! + shift
      if (w < keepWeight) continue
      store.a[kept] = store.a[k]!
      store.b[kept] = store.b[k]!
      store.w[kept] = w
      store.r[kept] = store.r[k]!
      kept++
    }
    store.count = kept
    bestWeight = bestWeight.map((w) => w + shift)
  }
  const model: FellegiSunterModel = {
    prior,
    comparisons: parameters,
    sessions,
    uPairs,
    warnings,
    ...(recallMeasured !== undefined ? { deterministicRecall: recallMeasured } : {})
  }
  lap("score")
  return {
    model,
    pairs: { a: store.a.subarray(0, store.count), b: store.b.subarray(0, store.count), weight: store.w.subarray(0, store.count), rule: store.r.subarray(0, store.count), count: store.count },
    bestWeight,
    ruleCounts: ruleCounts(index, newCounts),
    candidatePairs,
    priorLog2Odds,
    timingsMs: timings
  }
}

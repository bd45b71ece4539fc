/**
 * The citizen matcher the dedupe stage uses by default: probabilistic record linkage
 * (Fellegi–Sunter with EM per blocking rule, see dedupe/), with reviewers' decisions overriding
 * the model, and its golden records as the masters.
 *
 * It is fed one record at a time straight into the dedupe column table (`citizenTableBuilder`:
 * interned, integer-coded columns), so the population never exists as an array of objects here.
 */
import { type CitizenTable, type CitizenTableBuilder, citizenTableBuilder } from "../dedupe/citizen-table.ts"
import { deduplicateTableColumns, ModelCollapsed, personMasterRecord, type PersonAssignments } from "../dedupe/deduplicate.ts"
import type { CitizenRecord } from "../dedupe/citizen-record.ts"
import { goldenRecordColumns, type MasterRecord } from "../dedupe/golden-record.ts"
import { collectGarbage, releaseMemory, withYoungGenerationKept } from "./release-memory.ts"
import type { CitizenForMatching, GoldenRecord, MatchOutcome, ReviewPair, StreamingCitizenMatcher } from "./deduplicate-citizens.ts"

const toCitizenRecord = (r: CitizenForMatching): CitizenRecord => ({
  recordId: r.id,
  source: r.source,
  cccd: r.cccd ?? undefined,
  cmnd: r.cmnd ?? undefined,
  fullName: r.fullName,
  birthDate: r.birthDate ?? undefined,
  gender: r.gender === "M" || r.gender === "F" ? r.gender : undefined,
  hometownCode: r.hometownCode ?? undefined,
  address: r.address ?? undefined,
  communeCode: r.newCommuneCode ?? undefined,
  fatherName: r.fatherName ?? undefined,
  motherName: r.motherName ?? undefined,
  phone: r.phone ?? undefined
})

const toGolden = (m: MasterRecord): GoldenRecord => ({
  fullName: m.fullName ?? null,
  birthDate: m.birthDate ?? null,
  gender: m.gender ?? null,
  cccd: m.cccd ?? null,
  cmnd: m.cmnd ?? null,
  phone: m.phone ?? null,
  newCommuneCode: m.communeCode ?? null
})

const STATUS = { unique: 0, merged: 1, review: 2 } as const

export const probabilisticMatcher = (options: { readonly targetPrecision?: number } = {}): StreamingCitizenMatcher => ({
  start: (decisions, expectedRecords) => {
    let builder: CitizenTableBuilder | undefined = citizenTableBuilder(expectedRecords)
    return {
      add: (r) => builder!.add(toCitizenRecord(r)),
      finish: (): MatchOutcome => {
        const table = builder!.finish()
        builder = undefined // its growable columns are copies of the table's: let them go
        // ...now: the builder's columns and caches and the rows read so far are garbage that V8
        // would otherwise collect only well into blocking, on top of its arrays.
        releaseMemory()
        const result = withYoungGenerationKept(() => deduplicateTableColumns(table, {
          decisions,
          // Each linkage phase's typed arrays (block index, samples, scratch) go before the next
          // phase's: at 500,000 records they piled up to ≈ 40 MB over what was alive.
          linkage: { releaseGarbage: collectGarbage },
          ...(options.targetPrecision === undefined ? {} : { targetPrecision: options.targetPrecision })
        }))
        // The crosswalk's columns are the outcome's (its statuses use the same codes); the table
        // is kept only until the last golden record is taken, then let go. No closure here may
        // capture the table or the result, or they would live as long as the outcome.
        const { crosswalk } = result
        const reviewPairs: ReviewPair[] = result.reviewPairs.map((p) => ({
          recordIdA: p.recordIdA,
          recordIdB: p.recordIdB,
          score: p.score,
          clusterKey: p.masterIdA,
          breakdown: p.fields.map((f) => ({ field: f.comparison, level: f.label, weight: Number((f.weight + f.termFrequencyAdjustment).toFixed(3)) }))
        }))
        return {
          size: crosswalk.size,
          cluster: crosswalk.person,
          persons: crosswalk.persons,
          status: crosswalk.status,
          score: crosswalk.score,
          golden: goldenOneByOne(table, crosswalk),
          reviewPairs,
          summary: {
            method: "fellegi-sunter",
            candidatePairs: result.candidatePairs,
            ruleCounts: result.ruleCounts,
            thresholds: result.thresholds,
            stats: result.stats
          }
        }
      }
    }
  }
})

/**
 * Golden records built as they are taken, in person order, from the columns they read (the
 * matching columns go as soon as matching is done); the table goes with the last one.
 */
const goldenOneByOne = (table: CitizenTable, crosswalk: PersonAssignments): MatchOutcome["golden"] => {
  let held: { table: CitizenTable; crosswalk: PersonAssignments } | undefined = { table: goldenRecordColumns(table), crosswalk }
  return (p) => {
    if (held === undefined || p >= held.crosswalk.persons) return undefined
    // The first one is taken once `finish` returned: the matching columns are garbage now (typed
    // arrays, outside V8's heap), and the golden records' own objects would come on top of them.
    if (p === 0) collectGarbage()
    const m = personMasterRecord(held.table, held.crosswalk, p)
    if (p === held.crosswalk.persons - 1) held = undefined
    return toGolden(m)
  }
}

/**
 * The conservative matcher: records sharing a normalised CCCD are one person, nothing else
 * merges. Used when the probabilistic model is refused (too little or degenerate data), so a
 * night's migration still completes, with the reason recorded in the dedupe stage summary.
 */
export const exactCccdMatcher: StreamingCitizenMatcher = {
  start: () => {
    const personOfCccd = new Map<string, number>()
    let cluster = new Int32Array(1 << 14)
    let size = 0
    let persons = 0
    return {
      add: (r) => {
        let p: number
        if (r.cccd !== null && r.cccd !== "") {
          p = personOfCccd.get(r.cccd) ?? persons
          if (p === persons) personOfCccd.set(r.cccd, persons++)
        } else p = persons++
        if (size === cluster.length) {
          const grown = new Int32Array(cluster.length * 2)
          grown.set(cluster)
          cluster = grown
        }
        cluster[size++] = p
      },
      finish: (): MatchOutcome => {
        personOfCccd.clear()
        const count = new Int32Array(persons)
        for (let i = 0; i < size; i++) count[cluster[i]!]!++
        const status = new Uint8Array(size)
        const score = new Float64Array(size)
        for (let i = 0; i < size; i++) {
          const shared = count[cluster[i]!]! > 1
          status[i] = shared ? STATUS.merged : STATUS.unique
          score[i] = shared ? 1 : 0
        }
        return { size, cluster: cluster.slice(0, size), persons, status, score, golden: () => undefined, reviewPairs: [], summary: { method: "exact-cccd" } }
      }
    }
  }
}

/** The probabilistic matcher, falling back to exact CCCD (and saying why) when its model is refused. */
export const defaultCitizenMatcher = (options: { readonly targetPrecision?: number } = {}): StreamingCitizenMatcher => ({
  ...probabilisticMatcher(options),
  fallback: { matcher: exactCccdMatcher, refused: (error) => (error instanceof ModelCollapsed ? error.message : undefined) }
})

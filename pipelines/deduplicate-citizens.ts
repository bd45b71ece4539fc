/**
 * The deduplication stage: reads every loaded citizen source record from the target, clusters
 * them into persons, and writes the master records (citizens) and the crosswalk
 * (citizen_records.master_id) in one transaction. Master ids derive from the cluster's smallest
 * source key, so rerunning the stage on the same records changes nothing.
 *
 * Memory: the records are streamed from the target in source-key order, page by page, straight
 * into the matcher (which keeps its own compact form: the dedupe column table); the stage itself
 * keeps a few typed arrays per record and per person. Masters and crosswalk are written back page
 * by page with COPY, reading the records a second time in the same snapshot (REPEATABLE READ), so
 * no array of record objects, rows or COPY lines ever holds the whole population.
 */
import { sql } from "kysely"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import { copyLine, type TargetSession, withTargetTransaction } from "../connectors/target-session.ts"
import { deterministicId } from "../target/deterministic-id.ts"
import { boundedGarbage, releaseMemory, withYoungGenerationKeptAsync } from "./release-memory.ts"
import { GrowableInt32 } from "../dedupe/growable-columns.ts"
import { DigitTexts } from "./digit-texts.ts"

export interface CitizenForMatching {
  readonly id: string
  readonly sourceKey: string
  readonly source: string
  readonly fullName: string
  readonly birthDate: string | null
  readonly gender: string | null
  readonly cccd: string | null
  readonly cmnd: string | null
  readonly phone: string | null
  readonly hometownCode: string | null
  readonly fatherName: string | null
  readonly motherName: string | null
  readonly address: string | null
  readonly newProvinceCode: string | null
  readonly newCommuneCode: string | null
  readonly oldCommuneCode: string | null
}

export type MatchStatus = "unique" | "master" | "merged" | "review"

/** One record's place: its cluster (persons), how sure the match is, and the review pairs. */
export interface ClusterAssignment {
  readonly recordId: string
  readonly clusterKey: string
  readonly status: "unique" | "merged" | "review"
  readonly score: number | null
}

/** The golden record of a person as the matcher's survivorship rules built it. */
export interface GoldenRecord {
  readonly fullName: string | null
  readonly birthDate: string | null
  readonly gender: string | null
  readonly cccd: string | null
  readonly cmnd: string | null
  readonly phone: string | null
  readonly newCommuneCode: string | null
}

export interface ReviewPair {
  readonly recordIdA: string
  readonly recordIdB: string
  /** The person the pair would join, so pairs of one cluster group together on the review sheet. */
  readonly clusterKey?: string
  readonly score: number
  readonly breakdown: ReadonlyArray<{ readonly field: string; readonly level: string; readonly weight: number }>
}

export interface MatchResult {
  readonly assignments: readonly ClusterAssignment[]
  /** Golden records by cluster key; a cluster without one takes its first record's values. */
  readonly masters?: ReadonlyMap<string, GoldenRecord>
  readonly reviewPairs: readonly ReviewPair[]
  readonly summary: Readonly<Record<string, unknown>>
}

export interface PairDecision {
  readonly recordIdA: string
  readonly recordIdB: string
  readonly decision: "merge" | "keep_apart"
  readonly decidedBy: string
  readonly decidedAt: string
}

/**
 * What a matcher gives back, by record position (the order `add` received the records in):
 * compact arrays rather than an object per record.
 */
export interface MatchOutcome {
  /** Records added. */
  readonly size: number
  /** Person (cluster) number of each record, 0 … persons-1; -1: the matcher left the record out. */
  readonly cluster: Int32Array
  readonly persons: number
  /** 0 unique, 1 merged, 2 review, per record. */
  readonly status: Uint8Array
  /** Match score per record; NaN: none. */
  readonly score: Float64Array
  /**
   * The person's golden record; undefined (or a null field) takes the first record's value.
   * Called once per person, in person order: the matcher may let it go once handed over.
   */
  golden(person: number): GoldenRecord | undefined
  readonly reviewPairs: readonly ReviewPair[]
  readonly summary: Readonly<Record<string, unknown>>
}

/** A matcher fed one record at a time: it keeps what it needs, not the record objects. */
export interface CitizenMatching {
  add(record: CitizenForMatching): void
  finish(): MatchOutcome
}

export interface StreamingCitizenMatcher {
  /** `expectedRecords`: how many records `add` will get, when known (the matcher may size its columns once). */
  start(decisions: readonly PairDecision[], expectedRecords?: number): CitizenMatching
  /**
   * Used when `finish` throws an error `refused` accepts (returns why): the records are read
   * again into the fallback matcher, and the reason lands in the stage summary.
   */
  readonly fallback?: { readonly matcher: CitizenMatcher; readonly refused: (error: unknown) => string | undefined }
}

/** A matcher over the whole array of records at once (simple matchers, tests). */
export type ArrayCitizenMatcher = (records: readonly CitizenForMatching[], decisions: readonly PairDecision[]) => MatchResult

export type CitizenMatcher = ArrayCitizenMatcher | StreamingCitizenMatcher

export interface DedupeStageSummary {
  readonly records: number
  readonly masters: number
  readonly merged: number
  readonly review: number
  /** Why the probabilistic model was refused, when the stage fell back to exact CCCD matching. */
  readonly modelRefused?: string | undefined
}

const STATUS_CODE = { unique: 0, merged: 1, review: 2 } as const

/** Runs an array matcher behind the streaming interface (it holds every record, as it always did). */
export const arrayMatcher = (match: ArrayCitizenMatcher): StreamingCitizenMatcher => ({
  start: (decisions) => {
    const records: CitizenForMatching[] = []
    return {
      add: (r) => void records.push(r),
      finish: () => {
        const result = match(records, decisions)
        const index = new Map(records.map((r, i) => [r.id, i]))
        const cluster = new Int32Array(records.length).fill(-1)
        const status = new Uint8Array(records.length)
        const score = new Float64Array(records.length).fill(NaN)
        const personOf = new Map<string, number>()
        const keys: string[] = []
        for (const a of result.assignments) {
          const i = index.get(a.recordId)
          if (i === undefined) continue
          let p = personOf.get(a.clusterKey)
          if (p === undefined) {
            p = keys.length
            personOf.set(a.clusterKey, p)
            keys.push(a.clusterKey)
          }
          cluster[i] = p
          status[i] = STATUS_CODE[a.status]
          score[i] = a.score ?? NaN
        }
        return {
          size: records.length,
          cluster,
          persons: keys.length,
          status,
          score,
          golden: (p) => result.masters?.get(keys[p]!),
          reviewPairs: result.reviewPairs,
          summary: result.summary
        }
      }
    }
  }
})

const asStreaming = (m: CitizenMatcher): StreamingCitizenMatcher => (typeof m === "function" ? arrayMatcher(m) : m)

/** Records per page read from the target (both passes): bounds the rows in memory at once. */
const PAGE = 5000
const MATCH_COLUMNS = [
  "id", "source_key", "source", "full_name", "birth_date", "gender", "cccd", "cmnd", "phone", "hometown_code",
  "father_name", "mother_name", "address", "new_province_code", "new_commune_code", "old_commune_code"
] as const

const toMatching = (r: any, source: string): CitizenForMatching => ({
  id: r.id,
  sourceKey: r.source_key,
  source,
  fullName: r.full_name,
  birthDate: r.birth_date,
  gender: r.gender,
  cccd: r.cccd,
  cmnd: r.cmnd,
  phone: r.phone,
  hometownCode: r.hometown_code,
  fatherName: r.father_name,
  motherName: r.mother_name,
  address: r.address,
  newProvinceCode: r.new_province_code,
  newCommuneCode: r.new_commune_code,
  oldCommuneCode: r.old_commune_code
})

/** Pages of citizen records in source-key order (keyset: each page starts after the last key). */
async function* recordPages(session: TargetSession, db: import("kysely").Kysely<any>, columns: readonly string[]): AsyncIterable<any[]> {
  let after: string | null = null
  for (;;) {
    let q = db.selectFrom("citizen_records").select(columns as any).orderBy("source_key").limit(PAGE)
    if (after !== null) q = q.where("source_key", ">", after)
    const rows = await session.query<any>(q.compile())
    if (rows.length > 0) yield rows
    if (rows.length < PAGE) return
    after = rows[rows.length - 1].source_key
  }
}

/** A small string interner: unit codes and source names repeat, records keep their codes. */
class Codes {
  readonly values: string[] = []
  private readonly index = new Map<string, number>()
  code(v: string | null): number {
    if (v === null) return -1
    let c = this.index.get(v)
    if (c === undefined) {
      c = this.values.length
      this.index.set(v, c)
      this.values.push(v)
    }
    return c
  }
  intern(v: string): string {
    return this.values[this.code(v)]!
  }
}

/**
 * The golden records' values the masters need, per person, in columns: names as references to
 * the matcher's strings, IDs and phones as their digits (DigitTexts), birth dates and genders as
 * codes (they repeat). The matcher's own master objects (member lists, sources, addresses …) can
 * go as soon as each one is handed over.
 */
class GoldenColumns {
  readonly fullName: (string | null)[]
  readonly cccd: DigitTexts
  readonly cmnd: DigitTexts
  readonly phone: DigitTexts
  private readonly births = new Codes()
  private readonly genders = new Codes()
  private readonly birthCode: Int32Array
  private readonly genderCode: Int32Array
  constructor(persons: number) {
    this.fullName = new Array<string | null>(persons).fill(null)
    this.cccd = new DigitTexts(persons)
    this.cmnd = new DigitTexts(persons)
    this.phone = new DigitTexts(persons)
    this.birthCode = new Int32Array(persons).fill(-1)
    this.genderCode = new Int32Array(persons).fill(-1)
  }
  set(p: number, g: GoldenRecord | undefined): void {
    if (g === undefined) return
    this.fullName[p] = g.fullName
    this.cccd.set(p, g.cccd)
    this.cmnd.set(p, g.cmnd)
    this.phone.set(p, g.phone)
    this.birthCode[p] = this.births.code(g.birthDate)
    this.genderCode[p] = this.genders.code(g.gender)
  }
  birthDate(p: number): string | null {
    const c = this.birthCode[p]!
    return c < 0 ? null : this.births.values[c]!
  }
  gender(p: number): string | null {
    const c = this.genderCode[p]!
    return c < 0 ? null : this.genders.values[c]!
  }
}

/** Pass 1: every record into the matcher; the stage keeps each record's commune and province code. */
const matchRecords = async (session: TargetSession, db: import("kysely").Kysely<any>, matcher: StreamingCitizenMatcher, decisions: readonly PairDecision[]) => {
  // The count in this snapshot is exact: the columns are sized once, not regrown and copied.
  const [{ records }] = await session.query<any>(db.selectFrom("citizen_records").select(sql<number>`count(*)::integer`.as("records")).compile())
  const matching = matcher.start(decisions, records)
  const sources = new Codes()
  const units = new Codes()
  const commune = new GrowableInt32(Math.max(1, records))
  const province = new GrowableInt32(Math.max(1, records))
  const collect = boundedGarbage()
  for await (const page of recordPages(session, db, MATCH_COLUMNS)) {
    for (const r of page) {
      matching.add(toMatching(r, sources.intern(r.source)))
      commune.push(units.code(r.new_commune_code))
      province.push(units.code(r.new_province_code))
    }
    collect()
  }
  const outcome = matching.finish()
  if (outcome.size !== commune.length) throw new Error(`the matcher took ${outcome.size} of ${commune.length} citizen records`)
  return { outcome, units, commune: commune.data.subarray(0, commune.length), province: province.data.subarray(0, province.length) }
}

const readDecisions = async (session: TargetSession, db: import("kysely").Kysely<any>): Promise<PairDecision[]> =>
  (await session.query<any>(db.withSchema("provmerge").selectFrom("review_items")
    .select(["payload", "decision", "decided_by", "decided_at"])
    .where("kind", "=", "duplicate").where("decision", "is not", null).compile()))
    .map((r): PairDecision => {
      const payload = typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload
      return {
        recordIdA: payload.recordIdA,
        recordIdB: payload.recordIdB,
        decision: r.decision,
        decidedBy: r.decided_by ?? "",
        decidedAt: String(r.decided_at ?? "")
      }
    })

const uuidBytes = (uuid: string, into: Uint8Array, at: number): void => {
  const hex = uuid.replaceAll("-", "")
  for (let k = 0; k < 16; k++) into[at + k] = parseInt(hex.slice(2 * k, 2 * k + 2), 16)
}
const uuidText = (from: Uint8Array, at: number): string => {
  const hex = Buffer.from(from.buffer, from.byteOffset + at, 16).toString("hex")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

export const runDeduplicationStage = async (target: DatabaseHandle, matcher: CitizenMatcher): Promise<DedupeStageSummary> => {
  const db = target.db
  // The stage's garbage (rows of both reads, record objects, golden records, COPY text) dies
  // young: V8's young generation stays at the minimum this release leaves, instead of growing
  // to 32 MB of RSS on top of the column table while the records are read (s52: the stage's
  // peak, 287 MB, was there).
  releaseMemory()
  const summary = await withYoungGenerationKeptAsync(() => withTargetTransaction(target, async (session) => {
    // Both passes over the records must see the same rows: one snapshot for the whole stage.
    await session.query({ sql: "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", parameters: [] })
    const decisions = await readDecisions(session, db)
    let primary = asStreaming(matcher)
    let matched: Awaited<ReturnType<typeof matchRecords>>
    let modelRefused: string | undefined
    try {
      matched = await matchRecords(session, db, primary, decisions)
    } catch (error) {
      const reason = primary.fallback?.refused(error)
      if (reason === undefined) throw error
      modelRefused = reason
      primary = asStreaming(primary.fallback!.matcher)
      matched = await matchRecords(session, db, primary, decisions)
    }
    const { outcome, units, commune, province } = matched
    const { cluster, persons, size } = outcome

    // Per person: its first record (smallest source key = smallest position), size, commune
    // (the golden record's, else the first record's) and province (of the first member living
    // in that commune, else the first record's).
    const first = new Int32Array(persons).fill(-1)
    const count = new Int32Array(persons)
    for (let i = 0; i < size; i++) {
      const p = cluster[i]!
      if (p < 0) continue
      if (first[p] === -1) first[p] = i
      count[p]!++
    }
    const personCommune = new Int32Array(persons)
    const golden = new GoldenColumns(persons)
    for (let p = 0; p < persons; p++) {
      const g = outcome.golden(p)
      golden.set(p, g)
      const goldenCommune = g?.newCommuneCode ?? null
      personCommune[p] = goldenCommune !== null ? units.code(goldenCommune) : commune[first[p]!]!
    }
    // The matcher let its table go with the last golden record: hand those pages back before the
    // second read allocates its own (V8 would otherwise keep them and grow for the rows anyway).
    releaseMemory()
    const personProvince = new Int32Array(persons).fill(-2)
    for (let i = 0; i < size; i++) {
      const p = cluster[i]!
      if (p >= 0 && personProvince[p] === -2 && personCommune[p]! >= 0 && commune[i] === personCommune[p]) {
        personProvince[p] = province[i]! >= 0 ? province[i]! : province[first[p]!]!
      }
    }
    for (let p = 0; p < persons; p++) if (personProvince[p] === -2) personProvince[p] = province[first[p]!]!
    const unit = (c: number) => (c < 0 ? null : units.values[c]!)

    await session.query(sql`create temp table pm_masters (id uuid, full_name text, birth_date text, gender text, cccd text, cmnd text,
      phone text, new_province_code text, new_commune_code text, record_count integer) on commit drop`.compile(db))
    await session.query(sql`create temp table pm_assign (record_id uuid, master_id uuid, match_status text, match_score double precision) on commit drop`.compile(db))

    // Pass 2, in the same order: the first record of a person writes its master (its values fill
    // what the golden record lacks); every record writes its crosswalk line.
    const masterIds = new Uint8Array(persons * 16)
    let merged = 0
    let review = 0
    let i = 0
    const collect = boundedGarbage()
    for await (const page of recordPages(session, db, ["id", "source_key", "full_name", "birth_date", "gender", "cccd", "cmnd", "phone", "new_commune_code"])) {
      const masterLines: string[] = []
      const assignLines: string[] = []
      for (const r of page) {
        if (i >= size) throw new Error("citizen records changed while deduplicating")
        const p = cluster[i]!
        if (p >= 0) {
          if (first[p] === i) {
            const masterId = deterministicId("citizen-master", r.source_key)
            uuidBytes(masterId, masterIds, p * 16)
            masterLines.push(copyLine([
              masterId, golden.fullName[p] ?? r.full_name, golden.birthDate(p) ?? r.birth_date, golden.gender(p) ?? r.gender,
              golden.cccd.get(p) ?? r.cccd, golden.cmnd.get(p) ?? r.cmnd, golden.phone.get(p) ?? r.phone, unit(personProvince[p]!),
              unit(personCommune[p]!), String(count[p])
            ]))
          }
          const s = outcome.status[i]!
          const status: MatchStatus = s === STATUS_CODE.review ? "review" : first[p] === i ? (count[p]! > 1 ? "master" : "unique") : "merged"
          if (status === "merged") merged++
          if (status === "review") review++
          const score = outcome.score[i]!
          assignLines.push(copyLine([r.id, uuidText(masterIds, p * 16), status, Number.isNaN(score) ? null : score.toFixed(4)]))
        }
        i++
      }
      if (masterLines.length > 0) await session.copyIn("COPY pm_masters FROM STDIN", [masterLines.join("")])
      if (assignLines.length > 0) await session.copyIn("COPY pm_assign FROM STDIN", [assignLines.join("")])
      collect()
    }
    if (i !== size) throw new Error("citizen records changed while deduplicating")

    await session.query(sql`insert into citizens as c select * from pm_masters
      on conflict (id) do update set full_name = excluded.full_name, birth_date = excluded.birth_date, gender = excluded.gender,
        cccd = excluded.cccd, cmnd = excluded.cmnd, phone = excluded.phone, new_province_code = excluded.new_province_code,
        new_commune_code = excluded.new_commune_code, record_count = excluded.record_count
      where (c.full_name, c.birth_date, c.gender, c.cccd, c.cmnd, c.phone, c.new_province_code, c.new_commune_code, c.record_count)
        is distinct from (excluded.full_name, excluded.birth_date, excluded.gender, excluded.cccd, excluded.cmnd, excluded.phone,
        excluded.new_province_code, excluded.new_commune_code, excluded.record_count)`.compile(db))
    await session.query(sql`update citizen_records r set master_id = a.master_id, match_status = a.match_status, match_score = a.match_score
      from pm_assign a where r.id = a.record_id
        and (r.master_id, r.match_status, r.match_score) is distinct from (a.master_id, a.match_status, a.match_score)`.compile(db))
    await session.query(sql`delete from citizens c where not exists (select 1 from pm_masters m where m.id = c.id)`.compile(db))
    await replaceDuplicateReviews(session, db, outcome.reviewPairs)
    const matcherSummary = modelRefused === undefined ? outcome.summary : { method: "exact-cccd", modelRefused }
    await session.query(sql`insert into provmerge.stages (stage, status, summary, finished_at) values ('dedupe', 'done', ${
      JSON.stringify({ ...matcherSummary, records: size, masters: persons, merged, review })
    }, now()) on conflict (stage) do update set status = excluded.status, summary = excluded.summary, finished_at = excluded.finished_at`.compile(db))
    return { records: size, masters: persons, merged, review, modelRefused }
  }))
  await linkCitizenMasters(target)
  // The matcher's table, pairs and golden records are garbage now: hand their pages back, so the
  // loading phase that follows starts from its own working set, not from this stage's peak.
  releaseMemory()
  return summary
}

const LINK_STATEMENTS = [
  sql`update dossiers d set applicant_citizen_id = r.master_id from citizen_records r
    where r.id = d.applicant_record_id and d.applicant_citizen_id is distinct from r.master_id`,
  sql`update civil_status_events e set subject_citizen_id = r.master_id from citizen_records r
    where r.id = e.subject_record_id and e.subject_citizen_id is distinct from r.master_id`,
  sql`update civil_status_events e set spouse_citizen_id = r.master_id from citizen_records r
    where r.id = e.spouse_record_id and e.spouse_citizen_id is distinct from r.master_id`
]

/** Points dossiers and civil-status events at the master of their applicant / subject record (set-based SQL). */
export const linkCitizenMasters = async (target: DatabaseHandle): Promise<void> => {
  for (const statement of LINK_STATEMENTS) await statement.execute(target.db)
}

/** The records of the review pairs (a few per hundred records), read back for the review sheet. */
const readRecords = async (session: TargetSession, db: import("kysely").Kysely<any>, ids: readonly string[]): Promise<Map<string, CitizenForMatching>> => {
  const out = new Map<string, CitizenForMatching>()
  for (let k = 0; k < ids.length; k += 1000) {
    const rows = await session.query<any>(db.selectFrom("citizen_records").select(MATCH_COLUMNS as any)
      .where("id", "in", ids.slice(k, k + 1000)).compile())
    for (const r of rows) out.set(r.id, toMatching(r, r.source))
  }
  return out
}

const replaceDuplicateReviews = async (session: TargetSession, db: import("kysely").Kysely<any>, pairs: readonly ReviewPair[]): Promise<void> => {
  const byId = await readRecords(session, db, [...new Set(pairs.flatMap((p) => [p.recordIdA, p.recordIdB]))])
  const items = pairs.map((p) => {
    const [a, b] = p.recordIdA < p.recordIdB ? [p.recordIdA, p.recordIdB] : [p.recordIdB, p.recordIdA]
    const ra = byId.get(a)
    const rb = byId.get(b)
    return {
      review_key: `duplicate:${ra?.sourceKey ?? a}#${rb?.sourceKey ?? b}`,
      kind: "duplicate",
      source: ra?.source ?? null,
      source_table: null,
      source_key: ra?.sourceKey ?? null,
      payload: JSON.stringify({ recordIdA: a, recordIdB: b, clusterId: p.clusterKey ?? null, score: p.score, breakdown: p.breakdown, a: ra, b: rb })
    }
  })
  const keys = items.map((i) => i.review_key)
  // Pairs no longer offered go, except decided ones: the decision must outlive the pair (a matcher
  // that honours it no longer reports the pair), or the next dedupe run would forget it.
  await session.query(sql`delete from provmerge.review_items where kind = 'duplicate' and decision is null and not (review_key = any(${keys}::text[]))`.compile(db))
  for (let i = 0; i < items.length; i += 500) {
    await session.query(db.withSchema("provmerge").insertInto("review_items").values(items.slice(i, i + 500))
      .onConflict((oc) => oc.column("review_key").doUpdateSet((eb) => ({ payload: eb.ref("excluded.payload") })))
      .compile())
  }
}

/**
 * The deduplication stage: reads every loaded citizen source record from the target, clusters
 * them into persons, and writes the master records (citizens) and the crosswalk
 * (citizen_records.master_id) in one transaction. Master ids derive from the cluster's smallest
 * source key, so rerunning the stage on the same records changes nothing.
 */
import { sql } from "kysely"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import { copyLine, withTargetTransaction } from "../connectors/target-session.ts"
import { deterministicId } from "../target/deterministic-id.ts"

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

export type CitizenMatcher = (records: readonly CitizenForMatching[], decisions: readonly PairDecision[]) => MatchResult

export interface PairDecision {
  readonly recordIdA: string
  readonly recordIdB: string
  readonly decision: "merge" | "keep_apart"
  readonly decidedBy: string
  readonly decidedAt: string
}

export interface DedupeStageSummary {
  readonly records: number
  readonly masters: number
  readonly merged: number
  readonly review: number
  /** Why the probabilistic model was refused, when the stage fell back to exact CCCD matching. */
  readonly modelRefused?: string | undefined
}

export const runDeduplicationStage = async (target: DatabaseHandle, matcher: CitizenMatcher): Promise<DedupeStageSummary> => {
  const db = target.db
  const rows = await db.selectFrom("citizen_records").select([
    "id", "source_key", "source", "full_name", "birth_date", "gender", "cccd", "cmnd", "phone", "hometown_code",
    "father_name", "mother_name", "address", "new_province_code", "new_commune_code", "old_commune_code"
  ]).orderBy("source_key").execute()
  const records: CitizenForMatching[] = rows.map((r: any) => ({
    id: r.id,
    sourceKey: r.source_key,
    source: r.source,
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
  }))
  const decisions = (await db.withSchema("provmerge").selectFrom("review_items")
    .select(["payload", "decision", "decided_by", "decided_at"])
    .where("kind", "=", "duplicate").where("decision", "is not", null).execute())
    .map((r: any): PairDecision => ({
      recordIdA: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload).recordIdA,
      recordIdB: (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload).recordIdB,
      decision: r.decision,
      decidedBy: r.decided_by ?? "",
      decidedAt: String(r.decided_at ?? "")
    }))
  const result = matcher(records, decisions)
  const byId = new Map(records.map((r) => [r.id, r]))

  // Clusters → masters: the matcher's golden record (its survivorship rules), ids from the first source key.
  const clusters = new Map<string, CitizenForMatching[]>()
  for (const a of result.assignments) {
    const r = byId.get(a.recordId)
    if (r === undefined) continue
    const members = clusters.get(a.clusterKey)
    if (members === undefined) clusters.set(a.clusterKey, [r])
    else members.push(r)
  }
  const masterOf = new Map<string, { masterId: string; survivor: string }>()
  const masterLines: string[] = []
  for (const [clusterKey, members] of clusters) {
    members.sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : 1))
    const first = members[0]!
    const masterId = deterministicId("citizen-master", first.sourceKey)
    const golden = result.masters?.get(clusterKey)
    const commune = golden?.newCommuneCode ?? first.newCommuneCode
    const province = members.find((m) => m.newCommuneCode === commune)?.newProvinceCode ?? first.newProvinceCode
    for (const m of members) masterOf.set(m.id, { masterId, survivor: first.id })
    masterLines.push(copyLine([
      masterId, golden?.fullName ?? first.fullName, golden?.birthDate ?? first.birthDate, golden?.gender ?? first.gender,
      golden?.cccd ?? first.cccd, golden?.cmnd ?? first.cmnd, golden?.phone ?? first.phone, province, commune, String(members.length)
    ]))
  }
  const assignmentLines: string[] = []
  let merged = 0
  let review = 0
  for (const a of result.assignments) {
    const m = masterOf.get(a.recordId)
    if (m === undefined) continue
    const status: MatchStatus = a.status === "review" ? "review" : m.survivor === a.recordId ? (clusters.get(a.clusterKey)!.length > 1 ? "master" : "unique") : "merged"
    if (status === "merged") merged++
    if (status === "review") review++
    assignmentLines.push(copyLine([a.recordId, m.masterId, status, a.score === null ? null : a.score.toFixed(4)]))
  }

  await withTargetTransaction(target, async (session) => {
    await session.query(sql`create temp table pm_masters (id uuid, full_name text, birth_date text, gender text, cccd text, cmnd text,
      phone text, new_province_code text, new_commune_code text, record_count integer) on commit drop`.compile(db))
    await session.copyIn("COPY pm_masters FROM STDIN", [masterLines.join("")])
    await session.query(sql`create temp table pm_assign (record_id uuid, master_id uuid, match_status text, match_score double precision) on commit drop`.compile(db))
    await session.copyIn("COPY pm_assign FROM STDIN", [assignmentLines.join("")])
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
    await replaceDuplicateReviews(session, db, result.reviewPairs, byId)
    await session.query(sql`insert into provmerge.stages (stage, status, summary, finished_at) values ('dedupe', 'done', ${
      JSON.stringify({ ...result.summary, records: records.length, masters: clusters.size, merged, review })
    }, now()) on conflict (stage) do update set status = excluded.status, summary = excluded.summary, finished_at = excluded.finished_at`.compile(db))
  })
  await linkCitizenMasters(target)
  const refused = result.summary.modelRefused
  return { records: records.length, masters: clusters.size, merged, review, modelRefused: typeof refused === "string" ? refused : undefined }
}

/** Points dossiers and civil-status events at the master of their applicant / subject record. */
export const linkCitizenMasters = async (target: DatabaseHandle): Promise<void> => {
  const db = target.db
  await sql`update dossiers d set applicant_citizen_id = r.master_id from citizen_records r
    where r.id = d.applicant_record_id and d.applicant_citizen_id is distinct from r.master_id`.execute(db)
  await sql`update civil_status_events e set subject_citizen_id = r.master_id from citizen_records r
    where r.id = e.subject_record_id and e.subject_citizen_id is distinct from r.master_id`.execute(db)
  await sql`update civil_status_events e set spouse_citizen_id = r.master_id from citizen_records r
    where r.id = e.spouse_record_id and e.spouse_citizen_id is distinct from r.master_id`.execute(db)
}

const replaceDuplicateReviews = async (
  session: import("../connectors/target-session.ts").TargetSession,
  db: import("kysely").Kysely<any>,
  pairs: readonly ReviewPair[],
  byId: ReadonlyMap<string, CitizenForMatching>
): Promise<void> => {
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

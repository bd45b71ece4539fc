/**
 * The agency stage: every loaded old agency gets its successor (the new communes that took the
 * work, a province department, or the same agency of the new province) by the rule table, and
 * agencies no rule can place go to review instead of being assigned by guess.
 */
import { sql } from "kysely"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import { withTargetTransaction } from "../connectors/target-session.ts"
import type { UnitCatalog } from "../mappings/admin-units/catalog.ts"
import { DEFAULT_AGENCY_RULES, mapAgencies, type AgencySuccessorRule, type SourceAgency } from "../mappings/agencies.ts"

export interface AgencyStageSummary {
  readonly agencies: number
  readonly placed: number
  readonly orphans: number
}

export const runAgencyStage = async (
  target: DatabaseHandle,
  catalog: UnitCatalog,
  rules: readonly AgencySuccessorRule[] = DEFAULT_AGENCY_RULES
): Promise<AgencyStageSummary> => {
  const db = target.db
  const rows = await db.selectFrom("agencies")
    .select(["source_key", "source", "code", "name", "level", "field", "old_province_code", "old_district_code", "old_commune_code"])
    .orderBy("source_key").execute() as Array<Record<string, string | null>>
  const agencies: SourceAgency[] = rows.map((r) => ({
    sourceId: r.source_key!,
    code: r.code!,
    name: r.name!,
    level: r.level as SourceAgency["level"],
    oldProvinceCode: r.old_province_code ?? "",
    ...(r.old_district_code ? { oldDistrictCode: r.old_district_code } : {}),
    ...(r.old_commune_code ? { oldCommuneCode: r.old_commune_code } : {}),
    ...(r.field ? { field: r.field } : {})
  }))
  const result = mapAgencies(agencies, catalog, rules)
  const source = new Map(rows.map((r) => [r.source_key!, r]))
  await withTargetTransaction(target, async (session) => {
    for (const s of result.successors) {
      await session.query(sql`update agencies set successor_kind = ${s.target.kind},
          successor_department = ${s.target.kind === "province_department" ? s.target.department : null},
          successor_communes = ${[...s.newCommuneCodes]}::text[], successor_note = ${s.rule.note ?? null}
        where source_key = ${s.agency.sourceId}
          and (successor_kind, successor_department, successor_communes, successor_note) is distinct from
              (${s.target.kind}, ${s.target.kind === "province_department" ? s.target.department : null}, ${[...s.newCommuneCodes]}::text[], ${s.rule.note ?? null})`.compile(db))
    }
    const orphanKeys = result.orphans.map((o) => `agency:${o.sourceId}`)
    await session.query(sql`delete from provmerge.review_items where kind = 'agency' and decision is null
      and not (review_key = any(${orphanKeys}::text[]))`.compile(db))
    for (const o of result.orphans) {
      const row = source.get(o.sourceId)
      await session.query(sql`update agencies set successor_kind = null, successor_department = null, successor_communes = null, successor_note = null
        where source_key = ${o.sourceId} and successor_kind is not null`.compile(db))
      await session.query(sql`insert into provmerge.review_items (review_key, kind, source, source_key, payload)
        values (${`agency:${o.sourceId}`}, 'agency', ${row?.source ?? null}, ${o.sourceId},
          ${JSON.stringify({ agency: o, reason: result.orphanReasons.get(o.sourceId) ?? "no rule places this agency" })})
        on conflict (review_key) do update set payload = excluded.payload`.compile(db))
    }
  })
  return { agencies: agencies.length, placed: result.successors.length, orphans: result.orphans.length }
}

/**
 * The accounts stage: officials' accounts of every old system become the unified system's
 * accounts. Same person across systems merged (CCCD, e-mail, phone, name + unit), usernames
 * de-collided by the documented rule, roles remapped, accounts of abolished district agencies
 * disabled with the reason, password hashes carried only when the target can verify them
 * (otherwise must-reset). Ids derive from member keys, so a rerun writes the same accounts.
 */
import { sql } from "kysely"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import { copyLine, withTargetTransaction } from "../connectors/target-session.ts"
import { mergeOfficialAccounts, type SourceAccount } from "../mappings/official-accounts.ts"

/**
 * Default role remapping. District roles have no office any more: district specialists become
 * commune specialists (their procedures went to the new communes); district leadership is not
 * carried (a leader's rights are granted anew by the province).
 */
export const DEFAULT_ROLE_MAP: Readonly<Record<string, string | null>> = {
  chuyen_vien_xa: "chuyen_vien_xa",
  lanh_dao_xa: "lanh_dao_xa",
  chuyen_vien_huyen: "chuyen_vien_xa",
  lanh_dao_huyen: null,
  chuyen_vien_tinh: "chuyen_vien_tinh",
  lanh_dao_tinh: "lanh_dao_tinh",
  van_thu: "van_thu",
  quan_tri: "quan_tri"
}

export interface AccountStageSummary {
  readonly records: number
  readonly accounts: number
  readonly merged: number
  readonly disabled: number
  readonly mustReset: number
  readonly conflicts: number
}

export const runAccountStage = async (
  target: DatabaseHandle,
  roleMap: Readonly<Record<string, string | null>> = DEFAULT_ROLE_MAP
): Promise<AccountStageSummary> => {
  const db = target.db
  const rows = await sql<any>`select r.id, r.source, r.source_key, r.username, r.full_name, r.cccd, r.email, r.phone, r.roles,
      r.password_hash, r.hash_algorithm, r.active, r.old_commune_code, r.old_district_code, r.old_province_code, r.new_commune_code,
      r.new_province_code, a.source_key as agency_key, a.level as agency_level, a.name as agency_name, a.successor_kind
    from account_records r left join agencies a on a.id = r.agency_id order by r.source_key`.execute(db)
  const byKey = new Map<string, any>()
  const abolished = new Map<string, string>()
  const accounts: SourceAccount[] = rows.rows.map((r) => {
    byKey.set(`${r.source}:${r.source_key}`, r)
    if (r.agency_level === "district" && r.agency_key) {
      abolished.set(r.agency_key, `district agency ${r.agency_name} abolished on 1 July 2025 (work goes to ${r.successor_kind ?? "a successor to be decided"})`)
    }
    return {
      source: r.source,
      sourceId: r.source_key,
      username: r.username,
      fullName: r.full_name,
      ...(r.cccd ? { cccd: r.cccd } : {}),
      ...(r.email ? { email: r.email } : {}),
      ...(r.phone ? { phone: r.phone } : {}),
      ...(r.agency_key ? { agencySourceId: r.agency_key } : {}),
      ...(r.old_commune_code ?? r.old_district_code ?? r.old_province_code ? { oldUnitCode: r.old_commune_code ?? r.old_district_code ?? r.old_province_code } : {}),
      roles: r.roles ?? [],
      ...(r.password_hash ? { passwordHash: r.password_hash } : {}),
      ...(r.hash_algorithm ? { hashAlgorithm: r.hash_algorithm } : {}),
      active: r.active
    }
  })
  const result = mergeOfficialAccounts(accounts, { roleMap, abolishedAgencies: abolished })
  const arr = (xs: readonly string[]) => `{${xs.map((x) => `"${x.replace(/["\\]/g, (c) => `\\${c}`)}"`).join(",")}}`
  const accountLines: string[] = []
  const memberLines: string[] = []
  let merged = 0
  for (const a of result.accounts) {
    const primary = byKey.get(a.primaryMember)
    accountLines.push(copyLine([
      a.targetAccountId, a.targetUsername, a.fullName, a.cccd ?? null, a.email ?? null, a.phone ?? null, arr(a.roles), a.status,
      a.disabledReason ?? null, a.mustResetPassword ? "t" : "f", a.passwordHash ?? null, a.hashAlgorithm ?? null,
      primary?.new_province_code ?? null, primary?.new_commune_code ?? null, a.collisionRule, arr(a.matchedBy), arr(a.droppedRoles),
      a.passwordResetReason ?? null, primary?.id ?? null
    ]))
    for (const m of a.members) {
      const r = byKey.get(m)
      if (r === undefined) continue
      const status = m === a.primaryMember ? "primary" : "merged"
      if (status === "merged") merged++
      memberLines.push(copyLine([r.id, a.targetAccountId, status]))
    }
  }
  await withTargetTransaction(target, async (session) => {
    await session.query(sql`create temp table pm_accounts (like official_accounts including defaults) on commit drop`.compile(db))
    await session.copyIn(`COPY pm_accounts (id, username, full_name, cccd, email, phone, roles, status, disabled_reason, must_reset_password,
      password_hash, hash_algorithm, new_province_code, new_commune_code, collision_rule, matched_by, dropped_roles, password_reset_reason,
      primary_record_id) FROM STDIN`, [accountLines.join("")])
    await session.query(sql`create temp table pm_members (record_id uuid, account_id uuid, merge_status text) on commit drop`.compile(db))
    await session.copyIn("COPY pm_members FROM STDIN", [memberLines.join("")])
    // Free usernames first so a renamed account never collides with its own old row.
    await session.query(sql`update account_records set account_id = null where account_id is not null
      and account_id not in (select id from pm_accounts)`.compile(db))
    await session.query(sql`delete from official_accounts o where not exists (select 1 from pm_accounts p where p.id = o.id)`.compile(db))
    await session.query(sql`update official_accounts o set username = o.id::text from pm_accounts p
      where p.id = o.id and p.username <> o.username`.compile(db))
    await session.query(sql`insert into official_accounts as o select * from pm_accounts
      on conflict (id) do update set username = excluded.username, full_name = excluded.full_name, cccd = excluded.cccd,
        email = excluded.email, phone = excluded.phone, roles = excluded.roles, status = excluded.status,
        disabled_reason = excluded.disabled_reason, must_reset_password = excluded.must_reset_password,
        password_hash = excluded.password_hash, hash_algorithm = excluded.hash_algorithm,
        new_province_code = excluded.new_province_code, new_commune_code = excluded.new_commune_code,
        collision_rule = excluded.collision_rule, matched_by = excluded.matched_by, dropped_roles = excluded.dropped_roles,
        password_reset_reason = excluded.password_reset_reason, primary_record_id = excluded.primary_record_id
      where o is distinct from excluded`.compile(db))
    await session.query(sql`update account_records r set account_id = m.account_id, merge_status = m.merge_status
      from pm_members m where m.record_id = r.id
        and (r.account_id, r.merge_status) is distinct from (m.account_id, m.merge_status)`.compile(db))
    const conflictKeys = result.conflicts.map((c) => `account:${c.members.join("#")}`)
    await session.query(sql`delete from provmerge.review_items where kind = 'account' and decision is null
      and not (review_key = any(${conflictKeys}::text[]))`.compile(db))
    for (const c of result.conflicts) {
      await session.query(sql`insert into provmerge.review_items (review_key, kind, payload)
        values (${`account:${c.members.join("#")}`}, 'account', ${JSON.stringify(c)})
        on conflict (review_key) do update set payload = excluded.payload`.compile(db))
    }
  })
  return {
    records: accounts.length,
    accounts: result.accounts.length,
    merged,
    disabled: result.accounts.filter((a) => a.status === "disabled").length,
    mustReset: result.accounts.filter((a) => a.mustResetPassword).length,
    conflicts: result.conflicts.length
  }
}

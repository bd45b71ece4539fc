/**
 * A fingerprint of everything a migration writes into the target (every row of every table,
 * as text), to show that a rerun leaves the target exactly as it was.
 */
import { type Kysely, sql } from "kysely"

export const TARGET_TABLES = [
  "admin_units", "procedures", "agencies", "account_records", "official_accounts", "citizens", "citizen_records",
  "dossiers", "civil_status_events", "digitized_results", "provmerge.rejects", "provmerge.review_items", "provmerge.batch_units"
] as const

export const snapshotTarget = async (db: Kysely<any>): Promise<Record<string, string>> => {
  const out: Record<string, string> = {}
  for (const table of TARGET_TABLES) {
    const r = await sql<{ n: number; h: string }>`select count(*)::int as n,
        md5(coalesce(string_agg(x::text, E'\n' order by x::text), '')) as h from ${sql.table(table)} x`.execute(db)
    out[table] = `${r.rows[0]!.n}:${r.rows[0]!.h}`
  }
  return out
}

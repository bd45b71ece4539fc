/**
 * Where each old agency's work went (successor), and how officials' accounts were merged:
 * collision rule, linking signals, dropped roles, why a password must be reset.
 */
import { type Kysely, sql } from "kysely"

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("agencies")
    .addColumn("successor_kind", "text")
    .addColumn("successor_department", "text")
    .addColumn("successor_communes", sql`text[]`)
    .addColumn("successor_note", "text")
    .execute()
  await db.schema.alterTable("official_accounts")
    .addColumn("collision_rule", "text")
    .addColumn("matched_by", sql`text[]`)
    .addColumn("dropped_roles", sql`text[]`)
    .addColumn("password_reset_reason", "text")
    .addColumn("primary_record_id", "uuid")
    .execute()
  await db.schema.alterTable("account_records")
    .addColumn("merge_status", "text")
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("account_records").dropColumn("merge_status").execute()
  for (const c of ["collision_rule", "matched_by", "dropped_roles", "password_reset_reason", "primary_record_id"]) {
    await db.schema.alterTable("official_accounts").dropColumn(c).execute()
  }
  for (const c of ["successor_kind", "successor_department", "successor_communes", "successor_note"]) {
    await db.schema.alterTable("agencies").dropColumn(c).execute()
  }
}

/**
 * A ledger batch is a key range of one source table, and every batch step selects the target rows
 * of its range (`source = ? and source_table = ? and source_pk between lo and hi`): the "never
 * loaded" probe, the stale-row delete and the in-transaction verification. Without this index
 * each of them scans the whole table, which makes a load quadratic in the table size.
 */
import type { Kysely } from "kysely"

const TABLES = ["agencies", "account_records", "citizen_records", "dossiers", "civil_status_events"] as const

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) {
    await db.schema.createIndex(`${table}_batch_range`).ifNotExists().on(table).columns(["source", "source_table", "source_pk"]).execute()
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await db.schema.dropIndex(`${table}_batch_range`).ifExists().execute()
}

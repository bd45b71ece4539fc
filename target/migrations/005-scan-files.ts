/** The ledger of scanned files: one row per file of the scans folder, so a rerun skips what is done. */
import type { Kysely } from "kysely"

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema("provmerge").createTable("scan_files")
    .addColumn("file_path", "text", (c) => c.primaryKey())
    .addColumn("file_hash", "text")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("error_code", "text")
    .addColumn("error", "text")
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("finished_at", "timestamptz")
    .execute()
  await db.schema.alterTable("digitized_results").addColumn("review_status", "text").execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("digitized_results").dropColumn("review_status").execute()
  await db.schema.withSchema("provmerge").dropTable("scan_files").execute()
}

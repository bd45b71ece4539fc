/**
 * The record of indexes dropped while their table is first loaded (see target/deferred-indexes.ts):
 * one row per index or constraint, with PostgreSQL's own statement to recreate it.
 */
import type { Kysely } from "kysely"

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema("provmerge").createTable("deferred_indexes")
    .addColumn("table_name", "text", (c) => c.notNull())
    .addColumn("index_name", "text", (c) => c.notNull())
    .addColumn("restore_sql", "text", (c) => c.notNull())
    .addPrimaryKeyConstraint("deferred_indexes_pkey", ["table_name", "index_name"])
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.withSchema("provmerge").dropTable("deferred_indexes").execute()
}

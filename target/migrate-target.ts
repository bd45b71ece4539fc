/**
 * Brings a target database to the current schema with Kysely's Migrator. Migrations are
 * versioned, applied in name order and recorded in provmerge.kysely_migration.
 */
import type { Kysely } from "kysely"
import { type Migration, Migrator } from "kysely/migration"
import * as unifiedSystem from "./migrations/001-unified-system.ts"
import * as migrationLedger from "./migrations/002-migration-ledger.ts"
import * as batchRangeIndexes from "./migrations/003-batch-range-indexes.ts"
import * as successors from "./migrations/004-successors-and-account-merge.ts"
import * as scanFiles from "./migrations/005-scan-files.ts"
import * as deferredIndexes from "./migrations/006-deferred-indexes.ts"
import { restoreDeferredIndexes } from "./deferred-indexes.ts"

const migrations: Record<string, Migration> = {
  "001-unified-system": unifiedSystem,
  "002-migration-ledger": migrationLedger,
  "003-batch-range-indexes": batchRangeIndexes,
  "004-successors-and-account-merge": successors,
  "005-scan-files": scanFiles,
  "006-deferred-indexes": deferredIndexes
}

export const migrateTarget = async (db: Kysely<any>): Promise<ReadonlyArray<string>> => {
  await db.schema.createSchema("provmerge").ifNotExists().execute()
  // Indexes a killed run left deferred come back first, so that migrations find the schema whole.
  await restoreDeferredIndexes(db)
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    migrationTableSchema: "provmerge"
  })
  const { error, results } = await migrator.migrateToLatest()
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === "Error")
    throw new Error(`Target schema migration ${failed?.migrationName ?? ""} failed: ${String((error as Error).message ?? error)}`)
  }
  return (results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName)
}

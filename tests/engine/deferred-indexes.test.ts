/**
 * Indexes deferred while a table is first loaded (target/deferred-indexes.ts):
 * - only an empty table is deferred, its batch-range index stays, and what is dropped is recorded;
 * - opening the target again (what the next `run` does) rebuilds exactly the indexes and
 *   constraints a fresh target has;
 * - `provmerge run` killed with SIGKILL while the dossiers load with their indexes deferred, then
 *   run again: the target ends with every index back and the same rows as a clean run's.
 */
import { sql, type Kysely } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase } from "../../connectors/open-database.ts"
import { deferIndexesIfEmpty, restoreDeferredIndexes } from "../../target/deferred-indexes.ts"
import { migrateTarget } from "../../target/migrate-target.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"
import { createEngineWorld, type EngineWorld, runCli, runInProcess } from "./engine-support.ts"

/** Every index and constraint of the public schema, as PostgreSQL would recreate it. */
const schemaIndexes = async (db: Kysely<any>): Promise<string[]> => {
  const indexes = await sql<{ d: string }>`select indexdef as d from pg_indexes where schemaname = 'public' order by indexname`.execute(db)
  const constraints = await sql<{ d: string }>`select conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) as d
    from pg_constraint where connamespace = 'public'::regnamespace order by 1`.execute(db)
  return [...indexes.rows.map((r) => r.d), ...constraints.rows.map((r) => r.d)]
}

const recorded = async (db: Kysely<any>): Promise<string[]> =>
  (await sql<{ n: string }>`select table_name || '.' || index_name as n from provmerge.deferred_indexes order by 1`.execute(db)).rows.map((r) => r.n)

describe("deferred indexes", () => {
  let fresh: ScratchDatabase
  let freshIndexes: string[]

  beforeAll(async () => {
    fresh = await scratchDatabase("postgres", "pm_engine_defer_fresh")
    const h = await openDatabase(fresh.location)
    try {
      await migrateTarget(h.db)
      freshIndexes = await schemaIndexes(h.db)
    } finally {
      await h.close()
    }
  }, 60_000)

  afterAll(async () => {
    await fresh?.drop()
  })

  it("defers an empty table's indexes (not its batch-range index), keeps a loaded table's, and opening the target rebuilds them", async () => {
    const db = await scratchDatabase("postgres", "pm_engine_defer_unit")
    try {
      let h = await openDatabase(db.location)
      try {
        await migrateTarget(h.db)
        await sql`insert into agencies (id, code, name, level, source, source_table, source_pk, source_key, accounting_unit, unit_status)
          values ('00000000-0000-5000-8000-000000000001', 'A', 'An agency', 'province', 's', 'dm_co_quan', 1, 's/dm_co_quan/1', '', 'none')`.execute(h.db)
        expect(await deferIndexesIfEmpty(h.db, "agencies")).toEqual([])

        const deferred = (await deferIndexesIfEmpty(h.db, "dossiers")).map((d) => d.name).sort()
        expect(deferred).toEqual(["dossiers_applicant_record", "dossiers_pkey", "dossiers_result_number", "dossiers_source_key_key"])
        expect(await recorded(h.db)).toEqual(deferred.map((n) => `dossiers.${n}`))
        const left = await sql<{ n: string }>`select indexname as n from pg_indexes where tablename = 'dossiers'`.execute(h.db)
        expect(left.rows.map((r) => r.n)).toEqual(["dossiers_batch_range"])
        // Deferring again finds nothing more to drop and records nothing twice.
        expect(await deferIndexesIfEmpty(h.db, "dossiers")).toEqual([])
        expect(await recorded(h.db)).toHaveLength(4)
      } finally {
        await h.close() // as a killed run would leave it: indexes dropped, their record kept
      }

      h = await openDatabase(db.location)
      try {
        await migrateTarget(h.db) // what the next run does first
        expect(await recorded(h.db)).toEqual([])
        await sql`delete from agencies`.execute(h.db)
        expect(await schemaIndexes(h.db)).toEqual(freshIndexes)
        expect(await restoreDeferredIndexes(h.db)).toEqual([])
      } finally {
        await h.close()
      }
    } finally {
      await db.drop()
    }
  }, 60_000)

  describe("kill -9 while the dossiers load with their indexes deferred", () => {
    let w: EngineWorld
    let clean: ScratchDatabase
    let killed: ScratchDatabase

    beforeAll(async () => {
      w = await createEngineWorld("pm_engine_defer", 0.05, 11)
      clean = await scratchDatabase("postgres", "pm_engine_defer_clean")
      killed = await scratchDatabase("postgres", "pm_engine_defer_killed")
    }, 300_000)

    afterAll(async () => {
      await clean?.drop()
      await killed?.drop()
      await w?.cleanup()
    })

    it("the next run rebuilds them and ends with the clean run's target", async () => {
      const jobFile = w.jobFile("small", { batchSize: 200, concurrency: 2 })
      const result = await runInProcess(jobFile, clean.dsn)
      expect(result.status).toBe("succeeded")

      const args = ["run", jobFile, "--target", killed.dsn, "--log-format", "json"]
      const run = runCli(args)
      // Kill once some dossier batches are in, i.e. while the dossiers' indexes are deferred.
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          const dossierBatches = run.events.filter((e) => e.type === "batch_finished" && e.table === "ho_so").length
          if (dossierBatches >= 3 || run.child.exitCode !== null) {
            clearInterval(timer)
            if (run.child.exitCode !== null) reject(new Error("the run ended before the dossiers loaded"))
            else resolve()
          }
        }, 5)
      })
      run.child.kill("SIGKILL")
      await run.exited
      expect(run.events.some((e) => e.type === "stage" && e.stage === "indexes" && e.message.includes("dossiers_pkey"))).toBe(true)

      let h = await openDatabase(killed.location)
      try {
        expect(await recorded(h.db)).toContain("dossiers.dossiers_pkey")
        const left = await sql<{ n: string }>`select indexname as n from pg_indexes where tablename = 'dossiers'`.execute(h.db)
        expect(left.rows.map((r) => r.n)).toEqual(["dossiers_batch_range"])
      } finally {
        await h.close()
      }

      const again = runCli(args)
      const end = await again.exited
      expect(end.code, end.text).toBe(0)
      h = await openDatabase(killed.location)
      const c = await openDatabase(clean.location)
      try {
        expect(await recorded(h.db)).toEqual([])
        expect(await schemaIndexes(h.db)).toEqual(freshIndexes)
        expect(await schemaIndexes(c.db)).toEqual(freshIndexes)
        expect(await snapshotTarget(h.db)).toEqual(await snapshotTarget(c.db))
      } finally {
        await h.close()
        await c.close()
      }
    }, 300_000)
  })
})

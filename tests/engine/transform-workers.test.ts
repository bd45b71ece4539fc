/**
 * The per-row work of batches in a transform worker thread (pipelines/transform-workers.ts) must
 * change nothing in what lands in the target: the same world, with poison rows the decoders refuse
 * (in the worker) and rows the target refuses (split and retry on the loader's thread, after the
 * worker's direct COPY text failed), loaded once with every row on the loader's thread and once
 * through a worker, gives the same target: rows, rejects with their raw rows, review items,
 * per-unit tallies and the ledger's checksums.
 */
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase } from "../../connectors/open-database.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"
import { createEngineWorld, type EngineWorld, runInProcess } from "./engine-support.ts"

describe("transform workers", () => {
  let w: EngineWorld
  let jobFile: string
  const targets: ScratchDatabase[] = []

  beforeAll(async () => {
    w = await createEngineWorld("pm_engine_workers", 0.1, 47)
    jobFile = w.jobFile("workers", { batchSize: 400, concurrency: 2 })
    const source = w.world.sources.find((s) => s.tthc.startsWith("mysql:"))!
    const db = await mysql.createConnection({ uri: source.tthc })
    try {
      await db.query("ALTER TABLE ho_so MODIFY le_phi decimal(30,0)")
      await db.query("UPDATE ho_so SET le_phi = 100000000000000000000 WHERE id % 53 = 0")
      await db.query("UPDATE ho_so SET ngay_tiep_nhan = '30/02/2021 09:00' WHERE id % 59 = 0")
    } finally {
      await db.end()
    }
  }, 300_000)

  afterAll(async () => {
    delete process.env.PROVMERGE_TRANSFORM_WORKERS
    for (const t of targets) await t.drop()
    await w?.cleanup()
  })

  it("loads the same target with the rows transformed in a worker as on the loader's thread", async () => {
    const snapshots = []
    for (const workers of ["0", "1"]) {
      process.env.PROVMERGE_TRANSFORM_WORKERS = workers
      const target = await scratchDatabase("postgres", `pm_engine_workers_${workers}`)
      targets.push(target)
      const result = await runInProcess(jobFile, target.dsn)
      expect(result.status, JSON.stringify(result.failedBatches)).toBe("succeeded")
      const handle = await openDatabase(target.location)
      try {
        const ledger = await handle.db.withSchema("provmerge").selectFrom("batches")
          .select(["batch_id", "status", "rows_read", "rows_loaded", "rows_rejected", "rows_review", "source_checksum", "target_checksum"])
          .orderBy("batch_id").execute()
        expect(ledger.every((b) => b.status === "verified")).toBe(true)
        snapshots.push({ ...(await snapshotTarget(handle.db)), ledger: JSON.stringify(ledger) })
        const codes = await handle.db.withSchema("provmerge").selectFrom("rejects").select("error_code")
          .groupBy("error_code").select((eb) => eb.fn.countAll<string>().as("n")).execute()
        // Both kinds of poison were met: a decoder's refusal (in the worker) and the target's (split and retry).
        expect(codes.map((c) => c.error_code).sort()).toEqual(expect.arrayContaining(["INVALID_DATE", "LOAD_FAILED"]))
      } finally {
        await handle.close()
      }
    }
    expect(snapshots[1]).toEqual(snapshots[0])
  }, 600_000)
})

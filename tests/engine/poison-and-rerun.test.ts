/**
 * Bad rows and failed batches:
 * - poison rows spread through a table — values the target refuses (a fee wider than the target's
 *   numeric(18,0)) and values the decoders refuse (a date that does not exist) — all end in the
 *   rejects with their stable code, source key and raw row; every other row is loaded and every
 *   batch verified (the refused rows are isolated by split and retry, not the batch);
 * - `rerun --batch` of a verified batch changes nothing;
 * - a permanent error (a source column renamed) fails the batch at once with a message naming the
 *   cause, leaves the target as it was, and `rerun --failed` completes once the cause is fixed.
 */
import mysql from "mysql2/promise"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase, type DatabaseHandle } from "../../connectors/open-database.ts"
import { getBatch, listBatches } from "../../pipelines/ledger.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"
import { readTruthCsv } from "../support/truth.ts"
import { createEngineWorld, type EngineWorld, runCli, runInProcess } from "./engine-support.ts"

const FEE_EVERY = 37
const DATE_EVERY = 41
const HUGE_FEE = "100000000000000000000"

describe("poison rows, verified and failed batches rerun", () => {
  let w: EngineWorld
  let jobFile: string
  let target: ScratchDatabase
  let handle: DatabaseHandle
  let source: { name: string; tthc: string }
  let sourceDb: mysql.Connection
  const feePoisoned = new Set<string>()
  const datePoisoned = new Set<string>()

  beforeAll(async () => {
    w = await createEngineWorld("pm_engine_poison", 0.15, 43)
    jobFile = w.jobFile("poison", { batchSize: 500, concurrency: 2 })
    source = w.world.sources.find((s) => s.tthc.startsWith("mysql:"))!
    sourceDb = await mysql.createConnection({ uri: source.tthc })
    // A vendor version with a wider fee column than the target's numeric(18,0).
    await sourceDb.query("ALTER TABLE ho_so MODIFY le_phi decimal(30,0)")
    await sourceDb.query(`UPDATE ho_so SET le_phi = ${HUGE_FEE} WHERE id % ${FEE_EVERY} = 0`)
    await sourceDb.query(`UPDATE ho_so SET ngay_tiep_nhan = '31/02/2020 08:00' WHERE id % ${DATE_EVERY} = 0 AND id % ${FEE_EVERY} <> 0`)
    const [ids] = await sourceDb.query("SELECT id FROM ho_so WHERE id % ? = 0 OR id % ? = 0", [FEE_EVERY, DATE_EVERY])
    for (const { id } of ids as Array<{ id: number }>) {
      ;(id % FEE_EVERY === 0 ? feePoisoned : datePoisoned).add(`${source.name}/ho_so/${id}`)
    }
    target = await scratchDatabase("postgres", "pm_engine_poison_target")
    const result = await runInProcess(jobFile, target.dsn)
    expect(result.status, JSON.stringify(result.failedBatches)).toBe("succeeded")
    handle = await openDatabase(target.location)
  }, 300_000)

  afterAll(async () => {
    await handle?.close()
    await sourceDb?.end()
    await target?.drop()
    await w?.cleanup()
  })

  it("sends every poison row to the rejects with its code, key and raw row, and loads all the others", async () => {
    expect(feePoisoned.size).toBeGreaterThan(20)
    expect(datePoisoned.size).toBeGreaterThan(20)
    const truth = new Map(readTruthCsv(w.world.truthDir, "rejects.csv").map((r) => [r.source_key!, r.code!]))
    const rejects = new Map(
      (await handle.db.withSchema("provmerge").selectFrom("rejects").select(["source_key", "error_code", "raw_row", "stage", "message"])
        .where("source", "=", source.name).where("source_table", "=", "ho_so").execute())
        .map((r: any) => [r.source_key as string, r])
    )
    for (const key of feePoisoned) {
      const r = rejects.get(key)
      expect(r, key).toBeDefined()
      if (truth.has(key)) continue // the row was dirty already; the decoders' code comes first
      expect(r.error_code, key).toBe("LOAD_FAILED")
      expect(r.stage).toBe("load")
      expect(r.raw_row.fee).toBe(HUGE_FEE)
      expect(r.message).toMatch(/numeric field overflow/)
    }
    for (const key of datePoisoned) {
      const r = rejects.get(key)
      expect(r, key).toBeDefined()
      if (truth.has(key) && truth.get(key) !== "INVALID_DATE") continue
      expect(r.error_code, key).toBe("INVALID_DATE")
      expect(r.raw_row.ngay_tiep_nhan).toBe("31/02/2020 08:00")
    }
    // Nothing else was refused, and everything not refused is there.
    const poisoned = new Set([...feePoisoned, ...datePoisoned])
    for (const [key, r] of rejects) if (!poisoned.has(key)) expect(truth.get(key), `${key} ${r.error_code}`).toBe(r.error_code)
    const [[{ n: sourceRows }]] = (await sourceDb.query("SELECT count(*) AS n FROM ho_so")) as unknown as [[{ n: number }]]
    const loaded = await sql<{ n: number }>`select count(*)::int as n from dossiers where source = ${source.name} and source_table = 'ho_so'`.execute(handle.db)
    expect(loaded.rows[0]!.n + rejects.size).toBe(Number(sourceRows))
    const batches = await listBatches(handle.db, { source: source.name, table: "ho_so" })
    expect(batches.length).toBeGreaterThan(5)
    expect(batches.every((b) => b.status === "verified")).toBe(true)
  })

  it("rerun --batch of a verified batch changes nothing", async () => {
    const before = await snapshotTarget(handle.db)
    const batch = (await listBatches(handle.db, { source: source.name, table: "ho_so" }))[2]!
    const run = runCli(["rerun", jobFile, "--batch", batch.batch_id, "--target", target.dsn, "--log-format", "json"])
    const end = await run.exited
    expect(end.code, end.text).toBe(0)
    expect(run.events.filter((e) => e.type === "batch_finished").map((e) => (e as { batchId: string }).batchId)).toEqual([batch.batch_id])
    expect((await getBatch(handle.db, batch.batch_id))!.status).toBe("verified")
    expect(await snapshotTarget(handle.db)).toEqual(before)
  }, 120_000)

  it("a permanent error fails the batch with a clear message; after the fix, rerun --failed completes", async () => {
    const before = await snapshotTarget(handle.db)
    const batch = (await listBatches(handle.db, { source: source.name, table: "ho_so" }))[1]!
    await sourceDb.query("ALTER TABLE ho_so CHANGE trich_yeu trich_yeu_cu varchar(500)")
    try {
      const broken = runCli(["rerun", jobFile, "--batch", batch.batch_id, "--target", target.dsn, "--log-format", "plain"])
      const end = await broken.exited
      expect(end.code).toBe(1)
      const failed = (await getBatch(handle.db, batch.batch_id))!
      expect(failed.status).toBe("failed")
      expect(failed.error).toMatch(/trich_yeu/)
      expect(failed.attempt).toBe(batch.attempt + 1) // permanent: not retried
      expect(end.text).toMatch(/rerun --failed/)
      expect(end.text).not.toMatch(/\n\s+at /)
    } finally {
      await sourceDb.query("ALTER TABLE ho_so CHANGE trich_yeu_cu trich_yeu varchar(500)")
    }
    const fixed = runCli(["rerun", jobFile, "--failed", "--target", target.dsn, "--log-format", "json"])
    const end = await fixed.exited
    expect(end.code, end.text).toBe(0)
    expect((await getBatch(handle.db, batch.batch_id))!.status).toBe("verified")
    const after = await snapshotTarget(handle.db)
    expect(after).toEqual(before)
  }, 180_000)
})

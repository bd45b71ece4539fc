/**
 * kill -9 of `provmerge run` at seeded random points (mid-batch, between batches, in later
 * stages), then `provmerge run` again: the target ends exactly as a clean run leaves it (same
 * rows, same checksums, same rejects and review items), with no duplicates, nothing lost, and no
 * batch verified before the last run read again.
 */
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase, type DatabaseHandle } from "../../connectors/open-database.ts"
import { listBatches } from "../../pipelines/ledger.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"
import { createEngineWorld, type EngineWorld, runCli, runInProcess, seededRandom, sleep } from "./engine-support.ts"

describe("a run killed with SIGKILL at random points and run again", () => {
  let w: EngineWorld
  let jobFile: string
  let clean: ScratchDatabase
  let killed: ScratchDatabase
  let cleanSnapshot: Record<string, string>
  let cleanBatches: number

  beforeAll(async () => {
    w = await createEngineWorld("pm_engine_kill", 0.08, 31)
    jobFile = w.jobFile("small-batches", { batchSize: 250, concurrency: 2 })
    clean = await scratchDatabase("postgres", "pm_engine_kill_clean")
    killed = await scratchDatabase("postgres", "pm_engine_kill_killed")
    const result = await runInProcess(jobFile, clean.dsn)
    expect(result.status).toBe("succeeded")
    cleanBatches = result.batches.verified
    const h = await openDatabase(clean.location)
    try {
      cleanSnapshot = await snapshotTarget(h.db)
    } finally {
      await h.close()
    }
  }, 300_000)

  afterAll(async () => {
    await clean?.drop()
    await killed?.drop()
    await w?.cleanup()
  })

  it("resumes to the clean run's target without re-reading verified batches", async () => {
    expect(cleanBatches).toBeGreaterThan(15)
    const random = seededRandom(20250701)
    const args = ["run", jobFile, "--target", killed.dsn, "--log-format", "json"]
    let killedMidBatch = 0
    for (let k = 0; k < 3; k++) {
      const run = runCli(args)
      // Kill after a random number of finished batches (about a third of the plan), plus a random delay.
      await run.batchesFinished(1 + Math.floor(random() * (cleanBatches / 3)))
      await sleep(Math.floor(random() * 400))
      run.child.kill("SIGKILL")
      const end = await run.exited
      expect(end.signal === "SIGKILL" || end.code === 0, end.text).toBe(true)
      const h = await openDatabase(killed.location)
      try {
        killedMidBatch += (await listBatches(h.db)).filter((b) => b.status === "running").length
      } finally {
        await h.close()
      }
    }

    let verifiedBefore: Set<string>
    let handle: DatabaseHandle = await openDatabase(killed.location)
    try {
      verifiedBefore = new Set((await listBatches(handle.db)).filter((b) => b.status === "verified").map((b) => b.batch_id))
    } finally {
      await handle.close()
    }
    expect(verifiedBefore.size).toBeGreaterThan(0)
    expect(verifiedBefore.size).toBeLessThan(cleanBatches)

    const last = runCli(args)
    const end = await last.exited
    expect(end.code, end.text).toBe(0)
    const loadedAgain = last.events.filter((e) => e.type === "batch_finished").map((e) => (e as { batchId: string }).batchId)
    expect(loadedAgain.filter((id) => verifiedBefore.has(id))).toEqual([])
    expect(loadedAgain.length + verifiedBefore.size).toBe(cleanBatches)

    handle = await openDatabase(killed.location)
    try {
      const batches = await listBatches(handle.db)
      expect(batches.filter((b) => b.status !== "verified")).toEqual([])
      for (const table of ["dossiers", "citizen_records", "civil_status_events", "account_records", "agencies"]) {
        const r = await sql<{ n: number; d: number }>`select count(*)::int as n, count(distinct (source, source_table, source_pk))::int as d
          from ${sql.table(table)}`.execute(handle.db)
        expect(r.rows[0]!.n, table).toBe(r.rows[0]!.d)
      }
      expect(await snapshotTarget(handle.db)).toEqual(cleanSnapshot)
    } finally {
      await handle.close()
    }
    // Not an assertion (timing decides it), but worth seeing when the test is read in a log.
    console.info(`kill-and-resume: ${killedMidBatch} batch(es) were left 'running' by the kills; ${loadedAgain.length} loaded by the last run`)
  }, 300_000)
})

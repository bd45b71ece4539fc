/**
 * Crashes and lost servers, against the target a clean run leaves (same rows, same checksums,
 * same rejects and review items; no duplicates, nothing lost):
 * - kill -9 of `provmerge run` at seeded random points, then `provmerge run` again, which reads
 *   no batch that was verified before;
 * - every connection of the run terminated mid-run, on the target and the sources (what a server
 *   restart does to it): the run retries and completes;
 * - the sources' server unreachable (a TCP proxy cut): a run stops with a clear message, and the
 *   next run, once the server is back, resumes and completes.
 * The real servers are never restarted: other tests use them at the same time.
 */
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase, type DatabaseHandle } from "../../connectors/open-database.ts"
import { listBatches } from "../../pipelines/ledger.ts"
import { MARIADB_SERVER, scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"
import {
  createEngineWorld,
  type EngineWorld,
  killMariadbConnections,
  recordingProgress,
  runCli,
  runInProcess,
  seededRandom,
  sleep,
  startProxy,
  terminatePostgresBackends,
  waitForPostgresBackendsGone
} from "./engine-support.ts"

describe("crash recovery", () => {
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

  const expectCleanTarget = async (db: ScratchDatabase) => {
    const handle = await openDatabase(db.location)
    try {
      expect((await listBatches(handle.db)).filter((b) => b.status !== "verified")).toEqual([])
      expect(await snapshotTarget(handle.db)).toEqual(cleanSnapshot)
    } finally {
      await handle.close()
    }
  }

  it("kill -9 at random points, then run: resumes to the clean run's target without re-reading verified batches", async () => {
    expect(cleanBatches).toBeGreaterThan(15)
    const random = seededRandom(20250701)
    const args = ["run", jobFile, "--target", killed.dsn, "--log-format", "json"]
    let killedMidBatch = 0
    let remaining = cleanBatches
    for (let k = 0; k < 3; k++) {
      const run = runCli(args)
      // Kill after a random number of finished batches (at most a quarter of what is left, so work
      // remains for the resume on a fast machine too), plus a random delay.
      await run.batchesFinished(1 + Math.floor(random() * Math.max(1, remaining / 4)))
      await sleep(Math.floor(random() * 100))
      run.child.kill("SIGKILL")
      const end = await run.exited
      expect(end.signal === "SIGKILL" || end.code === 0, end.text).toBe(true)
      await waitForPostgresBackendsGone(new URL(killed.dsn).pathname.slice(1))
      const h = await openDatabase(killed.location)
      try {
        const batches = await listBatches(h.db)
        killedMidBatch += batches.filter((b) => b.status === "running").length
        remaining = cleanBatches - batches.filter((b) => b.status === "verified").length
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

    handle = await openDatabase(killed.location)
    try {
      const batches = await listBatches(handle.db)
      expect(batches.filter((b) => b.status !== "verified")).toEqual([])
      // Every batch was verified either before the last run or by it (named, so a miss says which).
      expect([...verifiedBefore, ...loadedAgain].sort()).toEqual(batches.map((b) => b.batch_id).sort())
      expect(batches.length).toBe(cleanBatches)
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

  it("every connection terminated twice mid-run (target and sources): the run retries and completes, or stops clearly and the next run completes", async () => {
    const target = await scratchDatabase("postgres", "pm_engine_conn")
    try {
      const random = seededRandom(77)
      // While dossiers and civil-status events load (the bulk of the batches).
      const thresholds = [Math.floor(cleanBatches * (0.5 + random() * 0.1)), Math.floor(cleanBatches * (0.7 + random() * 0.1))]
      const attacks: Array<Promise<number[]>> = []
      let finished = 0
      const progress = recordingProgress((e) => {
        if (e.type !== "batch_finished") return
        finished++
        if (thresholds.includes(finished)) {
          attacks.push(sleep(Math.floor(random() * 100)).then(() =>
            Promise.all([
              terminatePostgresBackends([new URL(target.dsn).pathname.slice(1), ...w.postgresDatabases]),
              killMariadbConnections(w.mariadbDatabases)
            ])
          ))
        }
      })
      let outcome: string
      try {
        const result = await runInProcess(jobFile, target.dsn, { progress })
        outcome = result.status === "succeeded" ? "completed" : `stopped: ${result.failedBatches.map((f) => f.error).join("; ")}`
      } catch (error) {
        outcome = `stopped: ${(error as Error).message}`
      }
      const killed = (await Promise.all(attacks)).flat()
      expect(killed.reduce((a, b) => a + b, 0)).toBeGreaterThan(0)
      if (outcome !== "completed") {
        // Stopping is allowed, with a message that names the lost connection; the next run completes.
        expect(outcome).toMatch(/terminat|connection|closed|lost|killed/i)
        const again = await runInProcess(jobFile, target.dsn)
        expect(again.status, JSON.stringify(again.failedBatches)).toBe("succeeded")
      }
      await expectCleanTarget(target)
      const retries = progress.events.filter((e) => e.type === "batch_retry").length
      console.info(`connections: ${killed.join("+")} terminated, ${retries} batch retries, first run ${outcome}`)
    } finally {
      await target.drop()
    }
  }, 300_000)

  it("sources unreachable: the run stops with a clear message; once they are back, the next run resumes", async () => {
    const target = await scratchDatabase("postgres", "pm_engine_down")
    const proxy = await startProxy(Number(new URL(MARIADB_SERVER).port || 3306))
    try {
      const proxied = w.jobFile("proxied", {
        batchSize: 250,
        concurrency: 2,
        dsn: (d) => (d.startsWith("mysql:") ? d.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`) : d)
      })
      // A cut mid-run that heals within the retry window: retried, completed.
      let cutDone = false
      const progress = recordingProgress((e) => {
        if (e.type === "batch_finished" && !cutDone) {
          cutDone = true
          proxy.cut()
          setTimeout(() => proxy.restore(), 1500)
        }
      })
      const healed = await runInProcess(proxied, target.dsn, { progress })
      expect(healed.status, JSON.stringify(healed.failedBatches)).toBe("succeeded")
      expect(progress.events.some((e) => e.type === "batch_retry")).toBe(true)

      // Down for good: a new run stops with a message that says what to do.
      await target.drop()
      const target2 = await scratchDatabase("postgres", "pm_engine_down2")
      try {
        proxy.cut()
        const down = runCli(["run", proxied, "--target", target2.dsn, "--log-format", "plain"])
        const end = await down.exited
        expect(end.code).not.toBe(0)
        expect(end.text).toMatch(/Cannot read source '[a-z-]+'/)
        expect(end.text).toMatch(/run again/)
        expect(end.text).not.toMatch(/\n\s+at /) // no stack trace
        proxy.restore()
        const resumed = await runInProcess(proxied, target2.dsn)
        expect(resumed.status).toBe("succeeded")
        await expectCleanTarget(target2)
      } finally {
        await target2.drop()
      }
    } finally {
      await proxy.close()
      await target.drop().catch(() => undefined)
    }
  }, 300_000)
})

/**
 * Memory of the run's last stage alone: writes the reconciliation workbook of a kept target (one
 * `bench/run-memory.ts --keep` left) with `writeRunWorkbook`, as `provmerge run` does at its end,
 * in this fresh process. Prints the RSS before the stage (modules, catalog, target pool), its
 * high-water mark while writing (VmHWM, reset at the start), CPU, the rows per sheet and the
 * workbook's size; the workbook is deleted afterwards.
 *
 *   node bench/workbook-memory.ts --job /work/bench-worlds/s52/job.json \
 *       --target postgres://postgres@127.0.0.1:5432/<kept db> [--run-id <id>]
 *
 * Run it with the environment `provmerge run` gives itself (MALLOC_MMAP_THRESHOLD_=1048576;
 * the heap cap is set here as the CLI sets it) to compare with a whole run's reconcile stage.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import * as Effect from "effect/Effect"
import { limitHeapGrowth } from "../cli/heap-growth.ts"
import { parseDatabaseLocation } from "../connectors/database-location.ts"
import { openDatabase } from "../connectors/open-database.ts"
import { loadJob } from "../pipelines/job-config.ts"
import { releaseMemory } from "../pipelines/release-memory.ts"
import { TOOL_VERSION } from "../pipelines/tool-version.ts"
import { loadJobUnits } from "../pipelines/unit-remapper.ts"

const { values: args } = parseArgs({ options: { job: { type: "string" }, target: { type: "string" }, "run-id": { type: "string" } } })
if (args.job === undefined || args.target === undefined) throw new Error("--job <world>/job.json and --target <postgres dsn of a kept target> are required")
limitHeapGrowth()
const procMb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0) / 1024
const scratch = mkdtempSync(join(tmpdir(), "pm-wbmem-"))
const loaded = await Effect.runPromise(loadJob(args.job, { target: args.target }))
const job = { ...loaded, outputDir: scratch }
const units = await loadJobUnits(job.catalog, job.unitHints)
const target = await openDatabase(parseDatabaseLocation(args.target), { poolSize: 2 })
const runId = args["run-id"] ?? (await target.db.withSchema("provmerge").selectFrom("runs").select("run_id").orderBy("started_at", "desc").executeTakeFirstOrThrow()).run_id
const { writeRunWorkbook } = await import("../pipelines/reconcile.ts")
// As the run does before its last stage, once exceljs is loaded.
releaseMemory()
const loadBefore = loadavg().map((x) => x.toFixed(2)).join(" ")
const before = procMb("VmRSS")
writeFileSync("/proc/self/clear_refs", "5")
let peak = before
const timer = setInterval(() => (peak = Math.max(peak, procMb("VmRSS"))), 100)
const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6 }
const cpu0 = cpuSeconds()
const t0 = performance.now()
const path = await writeRunWorkbook({
  job, target, runId, toolVersion: TOOL_VERSION, maskIdentifiers: false, unitNames: units.names
})
const wall = (performance.now() - t0) / 1000
const cpu = cpuSeconds() - cpu0
clearInterval(timer)
const hwm = procMb("VmHWM")
const bytes = statSync(path).size
await target.close()
rmSync(scratch, { recursive: true, force: true })
console.log(`workbook of run ${runId} on ${args.target.replace(/.*\//, "")}: ${(bytes / 1048576).toFixed(1)} MB file`)
console.log(`RSS before ${before.toFixed(0)} MB, peak sampled ${peak.toFixed(0)} MB, VmHWM ${hwm.toFixed(0)} MB; ${cpu.toFixed(1)} s CPU, ${wall.toFixed(1)} s wall`)
console.log(`load average before: ${loadBefore}; after: ${loadavg().map((x) => x.toFixed(2)).join(" ")}`)

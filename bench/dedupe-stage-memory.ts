/**
 * Bytes per citizen record of the dedupe stage, on a migrated target (e.g. one kept by
 * `bench/run-memory.ts --keep`): runs the stage with the default matcher wrapped so that memory
 * is read at its three moments:
 *   fed      — every record streamed into the dedupe column table builder (the rows are gone);
 *   matching — the high-water mark while deduplicateTable runs (blocking, EM, scoring,
 *              clustering, golden records, its result objects);
 *   kept     — what the stage holds for the write-back (typed arrays and golden records).
 *
 *   node --expose-gc bench/dedupe-stage-memory.ts --target postgres://postgres@127.0.0.1:5432/<db>
 *
 * The stage writes what it wrote before (masters and crosswalk are deterministic), so the target
 * is unchanged. Numbers are RSS and V8 heap + external (typed arrays), after a full GC.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { parseArgs } from "node:util"
import { parseDatabaseLocation } from "../connectors/database-location.ts"
import { openDatabase } from "../connectors/open-database.ts"
import { defaultCitizenMatcher } from "../pipelines/citizen-matcher.ts"
import { runDeduplicationStage, type StreamingCitizenMatcher } from "../pipelines/deduplicate-citizens.ts"

const { values: args } = parseArgs({ options: { target: { type: "string" } } })
if (args.target === undefined) throw new Error("--target <postgres dsn of a migrated target> is required")
const gc = (globalThis as { gc?: () => void }).gc
if (gc === undefined) throw new Error("run with node --expose-gc")

const procKb = (field: string): number => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))?.[1] ?? 0)
const snapshot = () => {
  // Twice: array buffers freed by the first collection are swept concurrently, the second one
  // makes their release visible in `external`.
  gc()
  gc()
  const u = process.memoryUsage()
  return { rss: procKb("VmRSS") * 1024, heap: u.heapUsed, external: u.external }
}
/** Resets VmHWM to the current RSS (Linux: writing 5 to clear_refs). */
const resetHighWater = () => writeFileSync("/proc/self/clear_refs", "5")

const inner = defaultCitizenMatcher()
let records = 0
const at: Record<string, { rss: number; heap: number; external: number }> = {}
let matchingHwm = 0
const measured: StreamingCitizenMatcher = {
  start: (decisions) => {
    at["start"] = snapshot()
    const matching = inner.start(decisions)
    return {
      add: (r) => {
        records++
        matching.add(r)
      },
      finish: () => {
        at["fed"] = snapshot()
        resetHighWater()
        const outcome = matching.finish()
        matchingHwm = procKb("VmHWM") * 1024
        at["kept"] = snapshot()
        return outcome
      }
    }
  }
}

const loadBefore = loadavg()[0]!.toFixed(2)
const handle = await openDatabase(parseDatabaseLocation(args.target))
const t0 = performance.now()
const cpu0 = process.cpuUsage()
const summary = await runDeduplicationStage(handle, measured)
const seconds = (performance.now() - t0) / 1000
const cpu = process.cpuUsage(cpu0)
await handle.close()

const mb = (b: number) => `${Math.round(b / 1048576)} MB`
const per = (b: number) => `${Math.round(b / records)} B/record`
const base = at["start"]!
const row = (name: string, s: { rss: number; heap: number; external: number }) =>
  `| ${name} | ${mb(s.rss)} | ${mb(s.heap - base.heap + s.external - base.external)} (${per(s.heap - base.heap + s.external - base.external)}) |`
console.log(`${records} citizen records → ${summary.masters} persons; ${seconds.toFixed(1)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s CPU; load ${loadBefore}→${loadavg()[0]!.toFixed(2)}`)
console.log("| moment | RSS | heap + external over the start |\n|---|---:|---:|")
console.log(row("start (process, drivers, no records)", base))
console.log(row("fed: all records in the table builder", at["fed"]!))
console.log(`| matching: high-water mark | ${mb(matchingHwm)} | RSS over the start: ${mb(matchingHwm - base.rss)} (${per(matchingHwm - base.rss)}) |`)
console.log(row("kept for the write-back", at["kept"]!))

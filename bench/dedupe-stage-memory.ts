/**
 * Bytes per citizen record of the dedupe stage, on a migrated target (e.g. one kept by
 * `bench/run-memory.ts --keep`): runs the stage with the default matcher wrapped so that memory
 * is read at its moments:
 *   fed      — every record streamed into the dedupe column table builder (the rows are gone);
 *              and the high-water mark while reading them;
 *   matching — the high-water mark while the matcher finishes (table, blocking, EM, scoring,
 *              clustering, its result);
 *   kept     — what the matcher hands the stage (the outcome; the table until the golden records
 *              are taken);
 *   golden   — the high-water mark while the stage takes the golden records, one per person;
 *   write    — the high-water mark of the rest: the second read, COPY, the set-based updates.
 * The high-water marks are the kernel's (VmHWM, reset between the moments), as RSS.
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
let feedingHwm = 0
let matchingHwm = 0
let goldenHwm = 0
const measured: StreamingCitizenMatcher = {
  start: (decisions, expectedRecords) => {
    at["start"] = snapshot()
    resetHighWater()
    const matching = inner.start(decisions, expectedRecords)
    return {
      add: (r) => {
        records++
        matching.add(r)
      },
      finish: () => {
        feedingHwm = procKb("VmHWM") * 1024
        at["fed"] = snapshot()
        resetHighWater()
        const outcome = matching.finish()
        matchingHwm = procKb("VmHWM") * 1024
        at["kept"] = snapshot()
        resetHighWater()
        return {
          ...outcome,
          golden: (p) => {
            const g = outcome.golden(p)
            if (p === outcome.persons - 1) {
              goldenHwm = procKb("VmHWM") * 1024
              resetHighWater()
            }
            return g
          }
        }
      }
    }
  }
}

const loadBefore = loadavg()[0]!.toFixed(2)
const handle = await openDatabase(parseDatabaseLocation(args.target))
const t0 = performance.now()
const cpu0 = process.cpuUsage()
const summary = await runDeduplicationStage(handle, measured)
const writeHwm = procKb("VmHWM") * 1024
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
const hwmRow = (name: string, hwm: number) => `| ${name}: high-water mark | ${mb(hwm)} | RSS over the start: ${mb(hwm - base.rss)} (${per(hwm - base.rss)}) |`
console.log(hwmRow("reading the records", feedingHwm))
console.log(row("fed: all records in the table builder", at["fed"]!))
console.log(hwmRow("matching", matchingHwm))
console.log(row("kept: the matcher's outcome", at["kept"]!))
console.log(hwmRow("golden records", goldenHwm))
console.log(hwmRow("write-back", writeHwm))
console.log(`| **stage** | **${mb(Math.max(feedingHwm, matchingHwm, goldenHwm, writeHwm))}** | RSS over the start: ${mb(Math.max(feedingHwm, matchingHwm, goldenHwm, writeHwm) - base.rss)} (${per(Math.max(feedingHwm, matchingHwm, goldenHwm, writeHwm) - base.rss)}) |`)

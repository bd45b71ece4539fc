/**
 * Peak memory (RSS) of a whole `provmerge run`, per stage: the run is a child process whose
 * /proc status is sampled every --interval ms, and whose JSON progress events say which stage it
 * is in (plan, load phase 1, agencies, accounts, dedupe, load phase 2, link, reconcile).
 *
 *   node bench/run-memory.ts --job /work/bench-worlds/s13/job.json [--label s13] [--interval 100]
 *       [--node-options="--max-semi-space-size=16 …"] [--env MALLOC_ARENA_MAX=2 …] [--keep] [--out result.json]
 *
 * The job file is used read-only: the run gets a copy of it in a temporary directory whose
 * `output` points there (the workbook is written there and deleted afterwards) and a fresh
 * target database `pm_runmem_<label>_<random>` on --pg, dropped at the end unless --keep.
 * Printed: per stage its wall span, peak RSS, and the CPU time (user+sys) the run spent in it;
 * overall peak RSS, VmHWM (the kernel's high-water mark, catches a peak between two samples),
 * wall and CPU time, and the load average before and after.
 */
import { spawn, execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { dirname, isAbsolute, join, resolve } from "node:path"
import { parseArgs } from "node:util"
import { readJsonEventLines } from "./json-event-lines.ts"

const { values: args } = parseArgs({
  options: {
    job: { type: "string" },
    label: { type: "string", default: "run" },
    interval: { type: "string", default: "100" },
    pg: { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    "node-options": { type: "string", default: "" },
    env: { type: "string", multiple: true, default: [] },
    keep: { type: "boolean", default: false },
    out: { type: "string" }
  }
})
if (args.job === undefined) throw new Error("--job <world>/job.json is required")
const root = resolve(new URL("..", import.meta.url).pathname)
const jobFile = resolve(args.job)
const jobDir = dirname(jobFile)
const interval = Number(args.interval)
const label = args.label!.replace(/[^a-z0-9_]/gi, "_").toLowerCase()
const database = `pm_runmem_${label}_${Math.random().toString(36).slice(2, 8)}`
const psql = (sql: string) => execFileSync("psql", ["-q", "-tA", "-v", "ON_ERROR_STOP=1", `${args.pg}/postgres`, "-c", sql], { encoding: "utf8" })

// A copy of the job with its relative paths made absolute and its output in a scratch directory.
const scratch = mkdtempSync(join(tmpdir(), "pm-runmem-"))
const config = JSON.parse(readFileSync(jobFile, "utf8")) as Record<string, unknown>
const absolute = (p: unknown) => (typeof p === "string" && !isAbsolute(p) ? resolve(jobDir, p) : p)
for (const key of ["unitHints", "agencyRules", "scans"]) if (config[key] !== undefined) config[key] = absolute(config[key])
if (config["catalog"] !== "builtin") config["catalog"] = absolute(config["catalog"])
config["output"] = join(scratch, "reports")
const runJob = join(scratch, "job.json")
writeFileSync(runJob, JSON.stringify(config, null, 2))
psql(`CREATE DATABASE ${database}`)

interface Sample { readonly t: number; readonly rssKb: number; readonly hwmKb: number; readonly cpuTicks: number; readonly stage: string }
const ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100
const readProc = (pid: number): { rssKb: number; hwmKb: number; cpuTicks: number } | undefined => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8")
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return {
      rssKb: Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0),
      hwmKb: Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0),
      // utime and stime are fields 14 and 15 of /proc/<pid>/stat (11 and 12 after the name).
      cpuTicks: Number(fields[11]) + Number(fields[12])
    }
  } catch {
    return undefined
  }
}

const loadBefore = loadavg().map((x) => x.toFixed(2)).join(" ")
const started = performance.now()
const nodeFlags = args["node-options"]!.split(" ").filter((f) => f !== "")
const child = spawn(process.execPath, [...nodeFlags, join(root, "bin/provmerge.js"), "run", runJob, "--target", `${args.pg}/${database}`, "--log-format", "json"], {
  cwd: scratch,
  stdio: ["ignore", "inherit", "pipe"],
  env: { ...process.env, ...Object.fromEntries(args.env!.map((e) => [e.slice(0, e.indexOf("=")), e.slice(e.indexOf("=") + 1)])) }
})
let stage = "startup"
let loads = 0
const samples: Sample[] = []
const marks: Array<{ t: number; stage: string; message: string }> = []
const sample = () => {
  const p = readProc(child.pid!)
  if (p !== undefined) samples.push({ t: performance.now() - started, stage, ...p })
}
const timer = setInterval(sample, interval)
const output = readJsonEventLines<{ type?: string; stage?: string; message?: string; status?: string }>(child.stderr!, (event) => {
  let next = stage
  if (event.type === "run_started") next = "plan"
  else if (event.type === "stage" && event.stage !== undefined && event.stage !== "catalog") {
    // Index events belong to the stage they happen in: deferring them starts a load phase,
    // their rebuild ends it (after the link, in the second phase).
    if (event.stage !== "indexes") next = event.stage === "load" ? `load-${++loads}` : event.stage
  } else if (event.type === "run_finished") next = "finish"
  if (next !== stage) {
    sample() // the last sample of the stage that ends
    stage = next
    marks.push({ t: performance.now() - started, stage, message: event.message ?? "" })
    sample()
  }
  if (event.type === "stage" && event.stage !== "load") process.stderr.write(`  [${((performance.now() - started) / 1000).toFixed(1)} s] ${event.stage}: ${event.message}\n`)
  if (event.type === "run_finished") process.stderr.write(`  run ${event.status}: ${event.message}\n`)
})
const exitCode: number = await new Promise((done) => child.on("close", (code) => done(code ?? -1)))
clearInterval(timer)
const wallS = (performance.now() - started) / 1000
const loadAfter = loadavg().map((x) => x.toFixed(2)).join(" ")

const stages: Array<{ stage: string; fromS: number; toS: number; peakRssMb: number; cpuS: number }> = []
for (const s of samples) {
  const last = stages[stages.length - 1]
  if (last === undefined || last.stage !== s.stage) stages.push({ stage: s.stage, fromS: s.t / 1000, toS: s.t / 1000, peakRssMb: s.rssKb / 1024, cpuS: s.cpuTicks / ticksPerSecond })
  else {
    last.toS = s.t / 1000
    last.peakRssMb = Math.max(last.peakRssMb, s.rssKb / 1024)
    last.cpuS = s.cpuTicks / ticksPerSecond // cumulative; turned into per-stage below
  }
}
let cpuBefore = 0
for (const s of stages) {
  const cumulative = s.cpuS
  s.cpuS = cumulative - cpuBefore
  cpuBefore = cumulative
}
const peakRssMb = Math.max(0, ...samples.map((s) => s.rssKb)) / 1024
const hwmMb = Math.max(0, ...samples.map((s) => s.hwmKb)) / 1024
const cpuS = samples.length > 0 ? samples[samples.length - 1]!.cpuTicks / ticksPerSecond : 0
const targetCounts = exitCode === 0
  ? execFileSync("psql", ["-tA", `${args.pg}/${database}`, "-c",
    "select (select count(*) from citizen_records), (select count(*) from citizens), (select count(*) from dossiers), (select count(*) from civil_status_events)"], { encoding: "utf8" }).trim()
  : ""
if (!args.keep) psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
rmSync(scratch, { recursive: true, force: true })

const mb = (x: number) => Math.round(x).toLocaleString("en-US")
console.log(`\n${args.label}: ${args.job}${args["node-options"] ? ` (node ${args["node-options"]})` : ""}${args.env!.length > 0 ? ` (env ${args.env!.join(" ")})` : ""}, exit ${exitCode}`)
if (targetCounts !== "") console.log(`target rows (citizen_records | citizens | dossiers | civil_status_events): ${targetCounts}`)
console.log("| stage | span s | peak RSS MB | CPU s |\n|---|---:|---:|---:|")
for (const s of stages) console.log(`| ${s.stage} | ${s.fromS.toFixed(1)}–${s.toS.toFixed(1)} | ${mb(s.peakRssMb)} | ${s.cpuS.toFixed(1)} |`)
console.log(`| **whole run** | ${wallS.toFixed(1)} | **${mb(peakRssMb)}** (VmHWM ${mb(hwmMb)}) | ${cpuS.toFixed(1)} |`)
console.log(`load average before: ${loadBefore}; after: ${loadAfter}; ${samples.length} samples every ${interval} ms`)
if (exitCode !== 0) console.log(output.tail())
if (args.out !== undefined) {
  // RSS once a second, to see whether a stage climbs (grows with the data) or sits on a plateau.
  const timeline = samples.filter((_, k) => k % Math.max(1, Math.round(1000 / interval)) === 0).map((x) => [Math.round(x.t / 100) / 10, Math.round(x.rssKb / 1024), x.stage])
  writeFileSync(args.out, JSON.stringify({ label: args.label, job: args.job, nodeOptions: args["node-options"], env: args.env, exitCode, wallS, cpuS, peakRssMb, hwmMb, loadBefore, loadAfter, targetCounts, stages, marks, timeline }))
}
process.exitCode = exitCode

/**
 * Where the wall time of `provmerge run`'s loading goes, second by second: the same provmerge run as
 * bench/engine-vs-pgloader.ts (the world's MariaDB sources only, its own target database), with
 * every JSON progress event kept and, once a second, the CPU of each process group (node; the
 * PostgreSQL backends of the target; PostgreSQL's own background processes — checkpointer, WAL
 * writer, background writer — which the per-contender figures do not count; mysqld's threads for
 * the sources), the machine's iowait, the kernel's dirty/writeback page cache and PostgreSQL's
 * checkpoint and WAL counters. For finding what grows faster than the data (s13 against s52).
 *
 *   flock /tmp/provmerge-bench.lock node bench/engine-timeline.ts --job /work/bench-worlds/s52/job.json \
 *     [--concurrency 2] [--batch-size 5000] [--out timeline.json] [--keep] [--stop-after-load]
 *     [--node-options "--cpu-prof --cpu-prof-dir=/tmp/prof"] [--pg-statement-stats]
 *
 * Prints a summary: the load time as engine-vs-pgloader.ts counts it; per load phase, for its
 * batches (also by thirds) and for its index rebuild, the wall, CPU per row of each group, the
 * machine's busy cores and iowait, checkpoints and WAL bytes; per source table the batch durations
 * by tenth of the table (does a batch get slower as the table grows?). --keep leaves the target database (pm_bench_timeline) for
 * EXPLAIN ANALYZE afterwards. --stop-after-load ends the run (SIGTERM) once phase 2's indexes are
 * rebuilt, skipping the workbook stage. --pg-statement-stats logs every statement of the target
 * database with its duration and CPU to the server log (log_min_duration_statement = 0,
 * log_statement_stats, set on that database only).
 */
import { execFileSync, spawn } from "node:child_process"
import { openSync, readFileSync, readSync, readdirSync, statSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { resolve } from "node:path"
import { parseArgs } from "node:util"
import { cpuOf, TICK, watchServerCpu } from "./process-cpu.ts"
import { readJsonEventLines } from "./json-event-lines.ts"
import { readMariadbWorld, writeBenchJob } from "./mariadb-world.ts"

const { values: args } = parseArgs({
  options: {
    job: { type: "string" },
    concurrency: { type: "string", default: "2" },
    "batch-size": { type: "string", default: "5000" },
    out: { type: "string" },
    keep: { type: "boolean", default: false },
    "stop-after-load": { type: "boolean", default: false },
    "node-options": { type: "string", default: "" },
    "pg-statement-stats": { type: "boolean", default: false },
    pg: { type: "string", default: "postgres://postgres@127.0.0.1:5432" },
    "server-log": { type: "string", default: "/var/log/postgresql/postgresql-15-main.log" }
  }
})
if (args.job === undefined) throw new Error("--job <world>/job.json is required")
const root = resolve(new URL("..", import.meta.url).pathname)
const world = readMariadbWorld(args.job)
const { databases } = world
const TARGET = "pm_bench_timeline"

const psql = (db: string, query: string): string =>
  execFileSync("psql", ["-q", "-tA", "-v", "ON_ERROR_STOP=1", `${args.pg}/${db}`, "-c", query], { encoding: "utf8" }).trim()
psql("postgres", `DROP DATABASE IF EXISTS ${TARGET} WITH (FORCE)`)
psql("postgres", `CREATE DATABASE ${TARGET}`)
// Every statement of the target database logged with its duration and its backend's CPU
// (getrusage), for splitting PostgreSQL's time by statement; only this database's sessions.
const logStart = args["pg-statement-stats"] ? statSync(args["server-log"]!).size : 0
if (args["pg-statement-stats"]) {
  psql("postgres", `ALTER DATABASE ${TARGET} SET log_min_duration_statement = 0`)
  psql("postgres", `ALTER DATABASE ${TARGET} SET log_statement_stats = on`)
}

const jobFile = writeBenchJob(world, args.job, { concurrency: Number(args.concurrency), batchSize: Number(args["batch-size"]), tmpPrefix: "pm-timeline-" })

const statCpu = (path: string): number => cpuOf(path) ?? 0
/** PostgreSQL's own background processes (not backends of any database): by process title. */
const auxCpu = (): number => {
  let sum = 0
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue
    let cmd: string
    try {
      cmd = readFileSync(`/proc/${p}/cmdline`, "utf8")
    } catch {
      continue
    }
    if (/^postgres: \S+: (checkpointer|background writer|walwriter|autovacuum launcher|logical replication launcher)/.test(cmd)) sum += statCpu(`/proc/${p}/stat`)
  }
  return sum
}
const machine = () => {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.split(/\s+/).slice(1).map(Number)
  const mem = readFileSync("/proc/meminfo", "utf8")
  const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(mem)?.[1] ?? 0)
  // user nice system idle iowait irq softirq steal
  return { busy: (cpu[0]! + cpu[1]! + cpu[2]! + cpu[5]! + cpu[6]!) / TICK, iowait: cpu[4]! / TICK, steal: cpu[7]! / TICK, dirtyMb: kb("Dirty") / 1024, writebackMb: kb("Writeback") / 1024 }
}
const pgCounters = () => {
  const [ckTimed, ckReq, ckWrite, ckSync, buffersBackend] = psql("postgres",
    "select checkpoints_timed, checkpoints_req, checkpoint_write_time, checkpoint_sync_time, buffers_backend from pg_stat_bgwriter").split("|").map(Number)
  const [walBytes, walSync] = psql("postgres", "select wal_bytes, wal_sync from pg_stat_wal").split("|").map(Number)
  return { checkpoints: ckTimed! + ckReq!, ckWriteMs: ckWrite!, ckSyncMs: ckSync!, buffersBackend: buffersBackend!, walBytes: walBytes!, walSyncs: walSync! }
}

interface Sample {
  t: number
  node: number
  postgres: number
  aux: number
  mysqld: number
  busy: number
  iowait: number
  steal: number
  dirtyMb: number
  writebackMb: number
  pg: ReturnType<typeof pgCounters>
}
const samples: Sample[] = []
const events: Array<Record<string, unknown> & { type: string; t: number }> = []
const loadBefore = loadavg()
const started = Date.now()
const child = spawn(process.execPath, [...args["node-options"]!.split(" ").filter((o) => o !== ""), `${root}/bin/provmerge.js`, "run", jobFile, "--target", `${args.pg}/${TARGET}`, "--log-format", "json"], {
  stdio: ["ignore", "ignore", "pipe"]
})
const servers = watchServerCpu([TARGET], databases)
const sample = () => {
  const s = servers.read()
  samples.push({ t: Date.now() - started, node: statCpu(`/proc/${child.pid}/stat`), ...s, aux: auxCpu(), ...machine(), pg: pgCounters() })
}
sample()
const timer = setInterval(sample, 1000)
const output = readJsonEventLines<Record<string, unknown> & { type: string; time: string }>(child.stderr!, (e) => {
  events.push({ ...e, t: Date.parse(e.time) - started })
  if (args["stop-after-load"] && e.type === "stage" && e.stage === "indexes" && e.durationMs !== undefined &&
    events.some((x) => x.type === "stage" && String(x.message).startsWith("phase 2"))) {
    sample()
    child.kill("SIGTERM")
  }
})
const code = await new Promise<number | null>((r) => child.on("close", r))
clearInterval(timer)
sample()
servers.stop()
if (code !== 0 && !args["stop-after-load"]) throw new Error(`provmerge run exited ${code}: ${output.tail()}`)

// Summary: the load phases (first batch to the end of the phase's index rebuild).
const at = (t: number): Sample => samples.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), samples[0]!)
const phaseStarts = events.filter((e) => e.type === "stage" && e.stage === "load").map((e) => e.t)
const rebuilds = events.filter((e) => e.type === "stage" && e.stage === "indexes" && e.durationMs !== undefined)
const batchesIn = (from: number, to: number) => events.filter((e) => e.type === "batch_finished" && e.t > from && e.t <= to)
const window = (from: number, to: number, rows: number) => {
  const a = at(from), z = at(to)
  const seconds = (z.t - a.t) / 1000
  const us = (x: number) => Number(((x * 1e6) / Math.max(rows, 1)).toFixed(1))
  return {
    wallSeconds: Number(seconds.toFixed(1)),
    rows,
    wallMicrosPerRow: us(seconds),
    cpuMicrosPerRow: { node: us(z.node - a.node), postgres: us(z.postgres - a.postgres), pgAux: us(z.aux - a.aux), mysqld: us(z.mysqld - a.mysqld) },
    machineBusyCores: Number(((z.busy - a.busy) / Math.max(seconds, 1e-9)).toFixed(2)),
    iowaitCores: Number(((z.iowait - a.iowait) / Math.max(seconds, 1e-9)).toFixed(2)),
    checkpoints: z.pg.checkpoints - a.pg.checkpoints,
    walMbPerThousandRows: Number((((z.pg.walBytes - a.pg.walBytes) / 1e6) / Math.max(rows / 1000, 1e-9)).toFixed(2)),
    buffersWrittenByBackends: z.pg.buffersBackend - a.pg.buffersBackend,
    maxDirtyMb: Math.round(Math.max(0, ...samples.filter((s) => s.t >= a.t && s.t <= z.t).map((s) => s.dirtyMb + s.writebackMb)))
  }
}
// Each load phase: its batches (first batch start to last batch end; phase 2's link runs after
// them), and the rebuild of its deferred indexes; the batches' time also by thirds.
const phases = phaseStarts.map((from, i) => {
  const next = phaseStarts[i + 1] ?? Infinity
  const b = events.filter((e) => e.type === "batch_finished" && e.t > from && e.t < next)
  const first = Math.min(...b.map((e) => e.t - Number(e.durationMs)))
  const last = Math.max(...b.map((e) => e.t))
  const rows = b.reduce((n, e) => n + Number(e.read ?? 0), 0)
  const rebuild = rebuilds.find((r) => r.t > last)
  return {
    phase: i + 1,
    batches: { count: b.length, ...window(first, last, rows) },
    thirds: [0, 1, 2].map((k) => {
      const a = first + ((last - first) * k) / 3, z = first + ((last - first) * (k + 1)) / 3
      return window(a, z, b.filter((e) => e.t > a && e.t <= z).reduce((n, e) => n + Number(e.read ?? 0), 0))
    }),
    ...(rebuild === undefined ? {} : { indexRebuild: window(rebuild.t - Number(rebuild.durationMs), rebuild.t, rows) })
  }
})
// The load time as engine-vs-pgloader.ts counts it: the union of the batches' and the rebuilds' intervals.
const intervals = [...events.filter((e) => e.type === "batch_finished"), ...rebuilds]
  .map((e) => [e.t - Number(e.durationMs), e.t] as const).sort((x, y) => x[0] - y[0])
let loadMs = 0, loadEnd = -Infinity
for (const [a, z] of intervals) {
  if (z <= loadEnd) continue
  loadMs += z - Math.max(a, loadEnd)
  loadEnd = z
}
const movedRows = events.filter((e) => e.type === "batch_finished").reduce((n, e) => n + Number(e.read ?? 0), 0)
// Per table: batch durations by tenth of the table, in load order.
const byTable = new Map<string, Array<{ ms: number; rows: number }>>()
for (const e of events) {
  if (e.type !== "batch_finished") continue
  const key = `${e.source}/${e.table}`
  if (!byTable.has(key)) byTable.set(key, [])
  byTable.get(key)!.push({ ms: Number(e.durationMs), rows: Number(e.read) })
}
const tables = [...byTable].filter(([, b]) => b.length >= 10).map(([table, b]) => ({
  table,
  batches: b.length,
  // mean µs of batch time per row in each tenth of the table's batches
  microsPerRowByTenth: Array.from({ length: 10 }, (_, k) => {
    const part = b.slice(Math.floor((k * b.length) / 10), Math.floor(((k + 1) * b.length) / 10))
    return Math.round((part.reduce((s, x) => s + x.ms, 0) * 1000) / Math.max(1, part.reduce((s, x) => s + x.rows, 0)))
  })
}))
// Backend CPU per statement kind during phase 2's batches (from the server log, when asked).
const statementKinds: ReadonlyArray<readonly [string, string]> = [
  ["COPY dossiers", 'COPY "dossiers"'], ["COPY civil_status_events", 'COPY "civil_status_events"'], ["COPY rejects", "COPY provmerge.rejects"],
  ["COPY (other)", "COPY "], ["verification", "select count(*)::text as n"], ["review items insert", "insert into provmerge.review_items"],
  ["review items delete", "delete from provmerge.review_items"], ["batch units", "provmerge.batch_units"], ["ledger updates", '"provmerge"."batches"'],
  ["never-loaded probe", "select exists (select 1 from"], ["decided units", 'from "provmerge"."review_items" where "batch_id"'],
  ["rejects delete", 'delete from "provmerge"."rejects"'], ["advisory lock", "pg_advisory_xact_lock"], ["other (BEGIN, COMMIT, savepoints, …)", ""]
]
const statementCpu = (() => {
  if (!args["pg-statement-stats"]) return undefined
  const phase2 = phases[1]?.batches
  const p2Start = phaseStarts[1]
  if (phase2 === undefined || p2Start === undefined) return undefined
  const batches = events.filter((e) => e.type === "batch_finished" && e.t > p2Start)
  if (batches.length === 0) return undefined
  const from = new Date(started + Math.min(...batches.map((e) => e.t - Number(e.durationMs)))).toISOString().slice(11, 23)
  const to = new Date(started + Math.max(...batches.map((e) => e.t))).toISOString().slice(11, 23)
  const fd = openSync(args["server-log"]!, "r")
  const size = statSync(args["server-log"]!).size
  const bytes = Buffer.alloc(size - logStart)
  readSync(fd, bytes, 0, bytes.length, logStart)
  const cpu = new Map<string, { statements: number; cpuSeconds: number }>()
  let current: string | undefined
  const head = new RegExp(`^\\d{4}-\\d\\d-\\d\\d (\\d\\d:\\d\\d:\\d\\d\\.\\d+) UTC \\[\\d+\\] \\S+@${TARGET} LOG:  duration: [\\d.]+ ms  (?:statement|parse \\S+|bind \\S+|execute \\S+): (.*)`)
  for (const line of bytes.toString("utf8").split("\n")) {
    const m = head.exec(line)
    if (m !== null) {
      // The log's time is the statement's end; statements of other stages fall outside the batches.
      current = m[1]! >= from && m[1]! <= to ? statementKinds.find(([, p]) => m[2]!.includes(p))![0] : undefined
      continue
    }
    const u = /^\s*!\s*([\d.]+) s user, ([\d.]+) s system/.exec(line)
    if (u !== null && current !== undefined) {
      const k = cpu.get(current) ?? { statements: 0, cpuSeconds: 0 }
      k.statements++
      k.cpuSeconds += Number(u[1]) + Number(u[2])
      cpu.set(current, k)
      current = undefined
    }
  }
  return [...cpu].sort((a, b) => b[1].cpuSeconds - a[1].cpuSeconds).map(([kind, k]) => ({
    kind, messages: k.statements, cpuSeconds: Number(k.cpuSeconds.toFixed(2)), cpuMicrosPerRow: Number(((k.cpuSeconds * 1e6) / phase2.rows).toFixed(2))
  }))
})()
const summary = {
  job: args.job,
  loadBefore,
  loadAfter: loadavg(),
  load: { seconds: Number((loadMs / 1000).toFixed(1)), rows: movedRows, wallMicrosPerRow: Number(((loadMs * 1000) / movedRows).toFixed(1)) },
  phases,
  rebuilds: rebuilds.map((r) => r.message),
  tables,
  ...(statementCpu === undefined ? {} : { phase2BackendCpuByStatement: statementCpu }),
  wholeRunSeconds: Number(((Date.now() - started) / 1000).toFixed(1))
}
console.log(JSON.stringify(summary, null, 1))
if (args.out !== undefined) writeFileSync(args.out, JSON.stringify({ summary, samples, events }) + "\n")
if (!args.keep) psql("postgres", `DROP DATABASE IF EXISTS ${TARGET} WITH (FORCE)`)

/**
 * provmerge against pgloader and a raw `mysql --quick | psql COPY` pipe, side by side in one run,
 * moving the same MariaDB tables (every vendor-A table of a generated world) into PostgreSQL.
 *
 *   node bench/engine-vs-pgloader.ts --job /work/bench-worlds/s52/job.json [--skip pgloader,pipe,node,node-arrays,provmerge]
 *       [--concurrency 2] [--batch-size 5000] [--out bench-results.json]
 *
 * - pgloader: `pgloader mysql://…/<db> postgresql://…/<target>` per source database (its defaults:
 *   it creates the tables, COPYs, then builds the indexes).
 * - pipe: per table `mysql --quick --batch --raw -N -e 'select * …' | psql -c 'COPY … (NULL ''NULL'')'`
 *   into an all-text table without indexes: the floor for moving the bytes.
 * - node, node-arrays: the bare Node loop of issue 4 (bench/engine-node-copy.ts): mysql2 streaming
 *   → pg-copy-streams COPY into all-text tables without indexes, like the pipe, no transforms;
 *   rows as objects (mysql2's default), and as arrays (rowsAsArray). The ceiling of a Node loader.
 * - provmerge: `node bin/provmerge.js run` on a job of only those sources: streams, maps, remaps,
 *   checksums, COPYs into the indexed target, verifies each batch in its transaction; then the
 *   dedupe, link and workbook stages. Its "load" time is the time during which at least one
 *   batch was loading or deferred indexes were being rebuilt (the union of those intervals), i.e.
 *   the run minus those stages. It inherits the environment: `PROVMERGE_TRANSFORM_WORKERS=1 node bench/…`
 *   measures it with a transform worker.
 *
 * Peak RSS of pgloader comes from /usr/bin/time; provmerge's is sampled from /proc every 200 ms,
 * split into "while loading batches" and "in the other stages". CPU per moved row is reported for
 * each contender and process group: the client (pgloader; mysql + psql; node), the PostgreSQL
 * backends of its target database and the mysqld threads serving its source databases (see
 * process-cpu.ts): on 2 shared cores, CPU per row is what decides how fast each can go. The machine is shared: the load
 * average is printed with the results, and only the ratios of one run are meaningful.
 */
import { execFile, spawn } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"
import { loadavg } from "node:os"
import { resolve } from "node:path"
import { parseArgs, promisify } from "node:util"
import { cpuOf, watchServerCpu } from "./process-cpu.ts"
import { readJsonEventLines } from "./json-event-lines.ts"
import { readMariadbWorld, writeBenchJob } from "./mariadb-world.ts"

const exec = promisify(execFile)
const { values: args } = parseArgs({
  options: {
    job: { type: "string" },
    skip: { type: "string", default: "" },
    concurrency: { type: "string", default: "2" },
    "batch-size": { type: "string", default: "5000" },
    out: { type: "string" },
    pg: { type: "string", default: "postgres://postgres@127.0.0.1:5432" }
  }
})
if (args.job === undefined) throw new Error("--job <world>/job.json is required")
const skip = new Set(args.skip!.split(",").filter((s) => s !== ""))
const root = resolve(new URL("..", import.meta.url).pathname)
const world = readMariadbWorld(args.job)
const { databases } = world

const mysqlQuery = async (sql: string): Promise<string[][]> =>
  (await exec("mysql", ["-h127.0.0.1", "-uroot", "-N", "-B", "-e", sql])).stdout.split("\n").filter((l) => l !== "").map((l) => l.split("\t"))
const psql = async (db: string, ...sql: string[]): Promise<string> =>
  (await exec("psql", ["-q", "-tA", "-v", "ON_ERROR_STOP=1", `${args.pg}/${db}`, ...sql.flatMap((s) => ["-c", s])])).stdout
const recreate = async (db: string) => {
  await psql("postgres", `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, `CREATE DATABASE ${db}`)
}
const drop = (db: string) => psql("postgres", `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`)

/** Runs a command under /usr/bin/time; wall seconds and peak RSS (MB). */
const timed = (command: string, onStderrLine?: (line: string) => void): Promise<{ seconds: number; peakRssMb: number; cpuSeconds: number; stderr: string }> =>
  new Promise((resolveRun, reject) => {
    const started = performance.now()
    const child = spawn("/usr/bin/time", ["-f", "PEAK_RSS_KB=%M CPU=%U+%S", "bash", "-o", "pipefail", "-c", command], { stdio: ["ignore", "ignore", "pipe"] })
    let stderr = ""
    let pending = ""
    child.stderr.setEncoding("utf8")
    child.stderr.on("data", (d: string) => {
      stderr += d.length > 0 && stderr.length > 1 << 22 ? "" : d
      pending += d
      let i
      while ((i = pending.indexOf("\n")) >= 0) {
        onStderrLine?.(pending.slice(0, i))
        pending = pending.slice(i + 1)
      }
    })
    child.on("error", reject)
    child.on("close", (code) => {
      const seconds = (performance.now() - started) / 1000
      const peaks = [...stderr.matchAll(/PEAK_RSS_KB=(\d+)/g)].map((m) => Number(m[1]))
      if (code !== 0) {
        reject(new Error(`exit ${code}: ${command}\n${stderr.slice(-3000)}`))
        return
      }
      const cpuSeconds = [...stderr.matchAll(/CPU=([\d.]+)\+([\d.]+)/g)].reduce((a, m) => a + Number(m[1]) + Number(m[2]), 0)
      resolveRun({ seconds, peakRssMb: Math.round(Math.max(0, ...peaks) / 1024), cpuSeconds, stderr })
    })
  })

/** CPU seconds per process group → µs per moved row, with their sum. */
const cpuPerRow = (cpu: { client: number; postgres: number; mysqld: number }) => {
  const us = (s: number) => Number(((s * 1e6) / totalRows).toFixed(1))
  return { client: us(cpu.client), postgres: us(cpu.postgres), mysqld: us(cpu.mysqld), total: us(cpu.client + cpu.postgres + cpu.mysqld) }
}

const tables: Array<{ db: string; table: string; rows: number; columns: string[] }> = []
for (const db of databases) {
  const counts = await mysqlQuery(`select table_name, table_rows from information_schema.tables where table_schema = '${db}'`)
  for (const [table] of counts) {
    const [[n]] = (await mysqlQuery(`select count(*) from \`${db}\`.\`${table}\``)) as [[string]]
    const columns = (await mysqlQuery(
      `select column_name from information_schema.columns where table_schema = '${db}' and table_name = '${table}' order by ordinal_position`
    )).map((r) => r[0]!)
    tables.push({ db, table: table!, rows: Number(n), columns })
  }
}
const totalRows = tables.reduce((s, t) => s + t.rows, 0)
const dossierRows = tables.filter((t) => t.table === "ho_so").reduce((s, t) => s + t.rows, 0)
console.error(`moving ${totalRows} rows (${dossierRows} dossiers) from ${databases.length} MariaDB databases; load ${loadavg().map((l) => l.toFixed(1)).join(" ")}`)

const results: Record<string, unknown> = {
  totalRows, dossierRows, tables: tables.map((t) => `${t.db}.${t.table}:${t.rows}`), loadBefore: loadavg()
}

if (!skip.has("pgloader")) {
  await recreate("pm_bench_pgloader")
  let seconds = 0, peak = 0, clientCpu = 0
  const servers = watchServerCpu(["pm_bench_pgloader"], databases)
  for (const db of databases) {
    const r = await timed(`pgloader --no-ssl-cert-verification --dynamic-space-size 4096 mysql://root@127.0.0.1:3306/${db} ${args.pg}/pm_bench_pgloader`)
    if (/heap exhausted|Heap exhausted/i.test(r.stderr)) throw new Error(`pgloader ran out of heap on ${db}`)
    seconds += r.seconds
    clientCpu += r.cpuSeconds
    peak = Math.max(peak, r.peakRssMb)
  }
  const cpu = servers.stop()
  const loaded = Number((await psql("pm_bench_pgloader", "select sum(n_live_tup) from pg_stat_user_tables")).trim())
  results.pgloader = {
    seconds, rowsPerSecond: Math.round(totalRows / seconds), peakRssMb: peak, rowsInTarget: loaded,
    cpuMicrosPerRow: cpuPerRow({ client: clientCpu, ...cpu })
  }
  console.error("pgloader", results.pgloader)
  await drop("pm_bench_pgloader")
}

if (!skip.has("pipe")) {
  await recreate("pm_bench_pipe")
  let seconds = 0, clientCpu = 0
  const servers = watchServerCpu(["pm_bench_pipe"], databases)
  for (const t of tables) {
    const target = `${t.db}__${t.table}`
    await psql("pm_bench_pipe", `create table ${target} (${t.columns.map((c) => `"${c}" text`).join(", ")})`)
    const r = await timed(
      `mysql -h127.0.0.1 -uroot --quick --batch --raw -N -e 'select * from \`${t.table}\`' ${t.db} | ` +
        `psql -q ${args.pg}/pm_bench_pipe -c "COPY ${target} FROM STDIN WITH (NULL 'NULL')"`
    )
    seconds += r.seconds
    clientCpu += r.cpuSeconds
  }
  const cpu = servers.stop()
  results.pipe = { seconds, rowsPerSecond: Math.round(totalRows / seconds), cpuMicrosPerRow: cpuPerRow({ client: clientCpu, ...cpu }) }
  console.error("pipe", results.pipe)
  await drop("pm_bench_pipe")
}

// The bare Node loop (bench/engine-node-copy.ts): mysql2 stream → COPY into all-text tables
// without indexes, like the pipe, one node process for every table; rows as objects (mysql2's
// default, as the issue measured it) and, as "node-arrays", with rowsAsArray.
for (const [name, flags] of [["node", ""], ["node-arrays", " --rows-as-array"]] as const) {
  if (skip.has(name)) continue
  const db = `pm_bench_${name.replace("-", "_")}`
  await recreate(db)
  for (const t of tables) {
    await psql(db, `create table ${t.db}__${t.table} (${t.columns.map((c) => `"${c}" text`).join(", ")})`)
  }
  const list = JSON.stringify(tables.map((t) => ({ db: t.db, table: t.table, target: `${t.db}__${t.table}` })))
  const servers = watchServerCpu([db], databases)
  const r = await timed(`${process.execPath} ${root}/bench/engine-node-copy.ts${flags} --pg ${args.pg}/${db} --tables '${list}'`)
  const cpu = servers.stop()
  const loaded = Number((await psql(db, ...tables.map((t) => `select count(*) from ${t.db}__${t.table}`))).trim().split("\n").reduce((a, n) => a + Number(n), 0))
  if (loaded !== totalRows) throw new Error(`${name}: ${loaded} rows in the target, ${totalRows} in the sources`)
  results[name] = {
    seconds: r.seconds, rowsPerSecond: Math.round(totalRows / r.seconds), peakRssMb: r.peakRssMb, rowsInTarget: loaded,
    cpuMicrosPerRow: cpuPerRow({ client: r.cpuSeconds, ...cpu })
  }
  console.error(name, results[name])
  await drop(db)
}

if (!skip.has("provmerge")) {
  const jobFile = writeBenchJob(world, args.job, { concurrency: Number(args.concurrency), batchSize: Number(args["batch-size"]), tmpPrefix: "pm-bench-" })
  await recreate("pm_bench_provmerge")
  // provmerge runs as a direct child so its RSS can be sampled from /proc while it runs, and the
  // samples split into "loading batches" and "other stages" (dedupe, workbook) by its events.
  const intervals: Array<[number, number]> = []
  let read = 0, batches = 0, inStage = false
  let peakLoad = 0, peakStages = 0
  const started = performance.now()
  const child = spawn(process.execPath, [`${root}/bin/provmerge.js`, "run", jobFile, "--target", `${args.pg}/pm_bench_provmerge`, "--log-format", "json"], {
    stdio: ["ignore", "ignore", "pipe"]
  })
  // CPU of the node process and of the servers for it, split like the RSS samples: loading vs other stages.
  const servers = watchServerCpu(["pm_bench_provmerge"], databases)
  let nodeCpu = 0
  const cpuLoad = { client: 0, postgres: 0, mysqld: 0 }, cpuStages = { client: 0, postgres: 0, mysqld: 0 }
  let last = { client: 0, postgres: 0, mysqld: 0 }
  const account = () => {
    // Once the process has ended, its last sample stands.
    nodeCpu = cpuOf(`/proc/${child.pid}/stat`) ?? nodeCpu
    const now = { client: nodeCpu, ...servers.read() }
    const bucket = inStage ? cpuStages : cpuLoad
    for (const k of ["client", "postgres", "mysqld"] as const) bucket[k] += now[k] - last[k]
    last = now
  }
  const sampler = setInterval(() => {
    account()
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"))?.[1] ?? 0)
      if (inStage) peakStages = Math.max(peakStages, kb)
      else peakLoad = Math.max(peakLoad, kb)
    } catch {
      // the process has ended
    }
  }, 200)
  const output = readJsonEventLines<{ type: string; time: string; read?: number; status?: string; durationMs?: number; stage?: string }>(child.stderr!, (e, line) => {
    const t = Date.parse(e.time)
    // Rebuilding the indexes deferred for a first load is loading work (pgloader's time includes its index builds).
    if (e.type === "stage" && e.stage === "indexes") {
      if (e.durationMs !== undefined) {
        intervals.push([t - e.durationMs, t])
        // The rebuild ends a load phase: what follows (consolidation, link) is another stage.
        account()
        inStage = true
      }
      return
    }
    if (e.type === "stage" && e.stage !== "catalog") {
      if (!inStage) account()
      inStage = true
    }
    if (e.type === "planned" || e.type === "batch_retry") {
      if (inStage) account()
      inStage = false
    }
    if (e.type === "batch_finished") {
      if (inStage) account()
      inStage = false
      intervals.push([t - (e.durationMs ?? 0), t])
      batches++
      read += e.read ?? 0
      if (e.status !== "verified") console.error("batch not verified:", line)
    }
  })
  const code = await new Promise<number | null>((r) => child.on("close", r))
  clearInterval(sampler)
  servers.stop()
  account()
  if (code !== 0) throw new Error(`provmerge run exited ${code}: ${output.tail()}`)
  const seconds = (performance.now() - started) / 1000
  // Time during which at least one batch was loading (the union of the batches' intervals).
  intervals.sort((a, b) => a[0] - b[0])
  let loadMs = 0, end = -Infinity
  for (const [a, b] of intervals) {
    if (b <= end) continue
    loadMs += b - Math.max(a, end)
    end = b
  }
  const loadSeconds = loadMs / 1000
  results.provmerge = {
    seconds,
    loadSeconds,
    rowsPerSecond: Math.round(totalRows / seconds),
    loadRowsPerSecond: Math.round(read / loadSeconds),
    rowsRead: read,
    batches,
    peakRssMbWhileLoading: Math.round(peakLoad / 1024),
    peakRssMbOtherStages: Math.round(peakStages / 1024),
    concurrency: Number(args.concurrency),
    batchSize: Number(args["batch-size"]),
    // "client" is the node process; the load bucket also holds planning and the index rebuilds.
    cpuMicrosPerRowWhileLoading: cpuPerRow(cpuLoad),
    cpuMicrosPerRowOtherStages: cpuPerRow(cpuStages)
  }
  console.error("provmerge", results.provmerge)
  await drop("pm_bench_provmerge")
}

const p = results.provmerge as { loadSeconds: number; seconds: number } | undefined
const g = results.pgloader as { seconds: number } | undefined
const q = results.pipe as { seconds: number } | undefined
if (p !== undefined && g !== undefined) results.speedupOverPgloader = { load: g.seconds / p.loadSeconds, wholeRun: g.seconds / p.seconds }
if (p !== undefined && q !== undefined) results.timeOverPipe = { load: p.loadSeconds / q.seconds, wholeRun: p.seconds / q.seconds }
const n = results.node as { seconds: number } | undefined
// The bare Node loop against the pipe (what a Node loader on mysql2 can reach) and provmerge's load against it.
if (n !== undefined && q !== undefined) results.nodeLoopOverPipe = n.seconds / q.seconds
if (n !== undefined && p !== undefined) results.provmergeLoadOverNodeLoop = p.loadSeconds / n.seconds
results.loadAfter = loadavg()
const json = JSON.stringify(results, null, 2)
console.log(json)
if (args.out !== undefined) writeFileSync(args.out, json + "\n")

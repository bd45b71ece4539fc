/**
 * The batch loader alone on one source table: plans the table into a fresh target's ledger and
 * loads the first `--batches` batches with `--concurrency` at once, as `provmerge run` does for
 * one source (no dedupe, no workbook). For profiling the hot path (`node --cpu-prof ...`).
 *
 *   node bench/engine-batches.ts --job /work/bench-worlds/s52/job.json --source ben-thuy --table ho_so \
 *     --batches 40 --batch-size 5000 --concurrency 2 [--fetch 2000] [--staged] [--defer-indexes] [--workers 1]
 *
 * --defer-indexes drops the table's secondary indexes first, as `provmerge run` does on a first
 * load (target/deferred-indexes.ts); their rebuild is timed separately ("rebuildSeconds").
 * --workers N does the per-row work in N transform workers (pipelines/transform-workers.ts).
 */
import { parseArgs } from "node:util"
import { Effect } from "effect"
import { openSourceReader } from "../connectors/open-source-reader.ts"
import { parseDatabaseLocation } from "../connectors/database-location.ts"
import { createDatabaseIfMissing, dropDatabaseIfExists, openDatabase } from "../connectors/open-database.ts"
import { loadJob } from "../pipelines/job-config.ts"
import { listBatches } from "../pipelines/ledger.ts"
import { loadBatch } from "../pipelines/load-batch.ts"
import { planTable } from "../pipelines/plan-batches.ts"
import { loadJobUnits } from "../pipelines/unit-remapper.ts"
import { findVendorMapping } from "../mappings/vendors/index.ts"
import { migrateTarget } from "../target/migrate-target.ts"
import { deferIndexesIfEmpty, restoreDeferredIndexes } from "../target/deferred-indexes.ts"
import { targetTables } from "../target/tables/index.ts"
import { startTransformWorkers } from "../pipelines/transform-workers.ts"

const { values: args } = parseArgs({
  options: {
    job: { type: "string" },
    source: { type: "string" },
    table: { type: "string", default: "ho_so" },
    batches: { type: "string", default: "40" },
    "batch-size": { type: "string", default: "5000" },
    concurrency: { type: "string", default: "2" },
    fetch: { type: "string", default: "1000" },
    staged: { type: "boolean", default: false },
    "defer-indexes": { type: "boolean", default: false },
    workers: { type: "string", default: "0" },
    keep: { type: "boolean", default: false },
    target: { type: "string", default: "postgres://postgres@127.0.0.1:5432/pm_bench_engine_batches" }
  }
})
const job = await Effect.runPromise(loadJob(args.job!))
const source = job.sources.find((s) => s.name === args.source) ?? job.sources[0]!
const mapping = findVendorMapping(source.vendor)!.tables.find((t) => t.table === args.table)!
const targetLocation = parseDatabaseLocation(args.target!)
await dropDatabaseIfExists(targetLocation)
await createDatabaseIfMissing(targetLocation)
const target = await openDatabase(targetLocation, { poolSize: 4 })
await migrateTarget(target.db)
if (args["defer-indexes"]) await deferIndexesIfEmpty(target.db, targetTables[mapping.entity].name)
const units = await loadJobUnits(job.catalog, job.unitHints)
const reader = await openSourceReader(mapping.system === "tthc" ? source.tthc : source.civilStatus, Number(args.concurrency) + 1)
await planTable(target.db, reader, source.name, mapping, Number(args["batch-size"]))
const batches = (await listBatches(target.db, { source: source.name, table: mapping.table })).slice(0, Number(args.batches))

const workerCount = Number(args.workers)
const pool = workerCount > 0 ? startTransformWorkers({ count: workerCount, catalog: job.catalog, unitHints: job.unitHints }) : undefined
const location = mapping.system === "tthc" ? source.tthc : source.civilStatus
const workers = pool === undefined || location.engine === "pglite"
  ? undefined
  : { pool, sourceDsn: location.url.toString(), vendor: source.vendor, poolSize: Number(args.concurrency) + 1 }
let rows = 0
let peakRss = 0
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage.rss())), 100)
const started = performance.now()
const cpuStart = process.cpuUsage()
const queue = [...batches]
const paths = { direct: 0, staged: 0 }
await Promise.all(Array.from({ length: Number(args.concurrency) }, async () => {
  for (let b = queue.shift(); b !== undefined; b = queue.shift()) {
    const out = await loadBatch({
      target, reader, mapping, context: { source: source.name, oldProvinceCode: source.oldProvinceCode }, remapper: units,
      table: targetTables[mapping.entity], batch: b, runId: "bench", fetchSize: Number(args.fetch), directFirstLoad: !args.staged,
      workers
    })
    if (out.status !== "verified") throw new Error(out.error ?? "failed")
    rows += out.read
    paths[out.path]++
  }
}))
const seconds = (performance.now() - started) / 1000
const cpu = process.cpuUsage(cpuStart) // the whole process: every thread, workers included
await pool?.close()
clearInterval(sampler)
const rebuildStarted = performance.now()
await restoreDeferredIndexes(target.db)
const rebuildSeconds = Number(((performance.now() - rebuildStarted) / 1000).toFixed(2))
console.log(JSON.stringify({
  table: `${source.name}/${mapping.table}`, batches: batches.length, rows, seconds: Number(seconds.toFixed(2)),
  rowsPerSecond: Math.round(rows / seconds), nodeCpuMicrosPerRow: Number(((cpu.user + cpu.system) / rows).toFixed(2)),
  peakRssMb: Math.round(peakRss / 1e6), paths, rebuildSeconds
}))
await reader.close()
await target.close()
if (!args.keep) await dropDatabaseIfExists(targetLocation)

/**
 * The per-row hot path alone, without any database in the timing: `--rows` rows of one source
 * table are read into memory first, then mapped, remapped, checksummed and turned into COPY
 * lines `--passes` times. Prints CPU µs per row for each step, to see what a row costs in Node.
 *
 *   node bench/engine-transform.ts --job /work/bench-worlds/s52/job.json --source ben-thuy --table ho_so --rows 50000
 */
import { parseArgs } from "node:util"
import { Effect } from "effect"
import { openSourceReader } from "../connectors/open-source-reader.ts"
import { loadJob } from "../pipelines/job-config.ts"
import { BatchAccumulator, createRowTransformer } from "../pipelines/row-transformer.ts"
import { copyLineBuilder } from "../pipelines/copy-lines.ts"
import { loadJobUnits } from "../pipelines/unit-remapper.ts"
import { findVendorMapping } from "../mappings/vendors/index.ts"
import { targetTables } from "../target/tables/index.ts"
import type { SourceRow } from "../connectors/source-reader.ts"

const { values: args } = parseArgs({
  options: {
    job: { type: "string" },
    source: { type: "string" },
    table: { type: "string", default: "ho_so" },
    rows: { type: "string", default: "50000" },
    passes: { type: "string", default: "3" }
  }
})
const job = await Effect.runPromise(loadJob(args.job!))
const source = job.sources.find((s) => s.name === args.source) ?? job.sources[0]!
const mapping = findVendorMapping(source.vendor)!.tables.find((t) => t.table === args.table)!
const reader = await openSourceReader(mapping.system === "tthc" ? source.tthc : source.civilStatus, 1)
const units = await loadJobUnits(job.catalog, job.unitHints)
const table = targetTables[mapping.entity]
const wanted = Number(args.rows)

const readStart = performance.now()
const readCpu = process.cpuUsage()
const rows: SourceRow[] = []
for await (const chunk of reader.readRange(mapping.table, mapping.key, mapping.columns, { lo: "0", hi: "999999999999" }, 2000)) {
  for (const r of chunk) if (rows.length < wanted) rows.push(r)
  if (rows.length >= wanted) break
}
const readMs = performance.now() - readStart
const readCpuUs = process.cpuUsage(readCpu)
await reader.close()
const line = copyLineBuilder(table.columns, "target")
const context = { source: source.name, oldProvinceCode: source.oldProvinceCode }

// CPU time of the process (user + system), not wall time: the machine is shared.
const time = (f: () => void) => {
  const t = process.cpuUsage()
  f()
  const used = process.cpuUsage(t)
  return (used.user + used.system) / rows.length
}
for (let p = 0; p < Number(args.passes); p++) {
  const toRecord = time(() => {
    for (const r of rows) mapping.toRecord(r, context)
  })
  const transform = createRowTransformer({ mapping, context, remapper: units, target: table })
  const acc = new BatchAccumulator()
  const outs: Array<ReturnType<typeof transform>> = []
  const full = time(() => {
    for (const r of rows) outs.push(transform(r, acc))
  })
  const copy = time(() => {
    let n = 0
    for (const o of outs) if (o !== undefined) n += line(o.values).length
    if (n < 0) console.log(n)
  })
  console.log(JSON.stringify({
    pass: p, rows: rows.length, readMicrosPerRowWall: Number(((readMs * 1000) / rows.length).toFixed(2)),
    readCpuMicrosPerRow: Number(((readCpuUs.user + readCpuUs.system) / rows.length).toFixed(2)),
    toRecordMicros: Number(toRecord.toFixed(2)), transformMicros: Number(full.toFixed(2)), copyLineMicros: Number(copy.toFixed(2)), rejected: acc.rejects.length
  }))
}

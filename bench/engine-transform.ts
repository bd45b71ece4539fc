/**
 * The per-row hot path alone, without any database in the timing: `--rows` rows of one source
 * table are read into memory first, then mapped, remapped, checksummed and turned into COPY
 * lines `--passes` times. Prints CPU µs per row for each step, to see what a row costs in Node.
 *
 *   node bench/engine-transform.ts --job /work/bench-worlds/s52/job.json --source ben-thuy --table ho_so --rows 50000
 */
import { parseArgs } from "node:util"
import { readSourceTableRows } from "./source-table-rows.ts"
import { BatchAccumulator, createRowTransformer } from "../pipelines/row-transformer.ts"
import { copyLineBuilder } from "../pipelines/copy-lines.ts"

const { values: args } = parseArgs({
  options: {
    job: { type: "string" },
    source: { type: "string" },
    table: { type: "string", default: "ho_so" },
    rows: { type: "string", default: "50000" },
    passes: { type: "string", default: "3" }
  }
})
const { mapping, units, table, context, rows, readMs, readCpuUs } = await readSourceTableRows({
  job: args.job!, source: args.source, table: args.table!, rows: Number(args.rows)
})
const line = copyLineBuilder(table.columns, "target")

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

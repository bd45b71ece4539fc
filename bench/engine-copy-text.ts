/**
 * A batch's per-row path without any database in the timing: `--rows` rows of one source table
 * are read into memory, then, `--passes` times over fresh copies of them (structuredClone,
 * untimed: a driver hands out new strings for every row), mapped, remapped, hashed and written
 * as COPY text in chunks of `--fetch` rows exactly as `loadBatch` does it. Prints the CPU µs per
 * row of each pass and a digest of what came out (every COPY byte, the batch checksum, the
 * per-unit tallies, the rejects, the review items), so two code paths or two trees can be checked
 * for identical output and compared for speed:
 *
 *   node bench/engine-copy-text.ts --job /work/bench-worlds/s13/job.json --source ben-thuy --table ho_so \
 *     [--rows 60000] [--passes 12] [--fetch 2000] [--text-path]
 *
 * --text-path takes the row-text path (`transformedChunks`: line string, hash of the row's texts)
 * instead of the byte path (`hashedLineChunks`: lines written into the buffer, hashed from it).
 */
import { createHash } from "node:crypto"
import { parseArgs } from "node:util"
import { readSourceTableRows } from "./source-table-rows.ts"
import type { SourceReader, SourceRow } from "../connectors/source-reader.ts"
import { BatchAccumulator, createRowTransformer } from "../pipelines/row-transformer.ts"
import { lineFor, rangeCopyChunks, transformedChunks } from "../pipelines/transformed-chunks.ts"

const { values: args } = parseArgs({
  options: {
    job: { type: "string" },
    source: { type: "string" },
    table: { type: "string", default: "ho_so" },
    rows: { type: "string", default: "60000" },
    passes: { type: "string", default: "12" },
    fetch: { type: "string", default: "2000" },
    "text-path": { type: "boolean", default: false }
  }
})
const { mapping, units, table, context, rows } = await readSourceTableRows({
  job: args.job!, source: args.source, table: args.table!, rows: Number(args.rows)
})
const fetch = Number(args.fetch)
const inMemory = (data: SourceRow[]): SourceReader => ({
  engine: "mariadb",
  description: "rows in memory",
  chunkBounds: async () => [],
  readRange: async function* () {
    for (let i = 0; i < data.length; i += fetch) yield data.slice(i, i + fetch)
  },
  countRange: async () => data.length,
  close: async () => {}
})

const perPass: number[] = []
for (let p = 0; p < Number(args.passes); p++) {
  const copy = structuredClone(rows)
  const acc = new BatchAccumulator()
  const transformer = { mapping, context, remapper: units, target: table }
  const range = { lo: "0", hi: "999999999999" }
  const chunks = args["text-path"]
    ? transformedChunks(inMemory(copy), mapping, range, fetch, createRowTransformer(transformer), acc, lineFor(table, "target"))
    : rangeCopyChunks(inMemory(copy), range, fetch, transformer, acc, "target")
  const bytes = createHash("md5")
  const t = process.cpuUsage()
  for await (const chunk of chunks) if (p === 0) bytes.update(chunk)
  const used = process.cpuUsage(t)
  perPass.push((used.user + used.system) / rows.length)
  if (p === 0) {
    const digest = (x: unknown) => createHash("md5").update(JSON.stringify(x)).digest("hex")
    console.log(JSON.stringify({
      table: mapping.table, rows: rows.length, path: args["text-path"] ? "text" : "bytes", copyText: bytes.digest("hex"),
      checksum: acc.checksum.value, staged: acc.staged, rejected: acc.rejects.length, review: acc.unitReviews.length,
      units: digest([...acc.units].map(([u, t]) => [u, t.read, t.rejected, t.checksum.value]).sort()),
      rejects: digest(acc.rejects.map((r) => [r.sourceKey, r.code, r.column, r.message, r.rawValue])),
      reviews: digest(acc.unitReviews.map((r) => [r.sourceKey, r.answer.status]))
    }))
  }
}
const sorted = [...perPass].sort((a, b) => a - b)
console.log(JSON.stringify({
  cpuMicrosPerRowByPass: perPass.map((x) => Number(x.toFixed(2))),
  least: Number(sorted[0]!.toFixed(2)),
  median: Number(sorted[Math.floor(sorted.length / 2)]!.toFixed(2))
}))

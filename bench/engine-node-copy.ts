/**
 * The bare Node loop of issue 4's "measured facts": mysql2 streaming → pg-copy-streams COPY, one
 * table after the other, into all-text tables without indexes (made by the caller, as for the
 * raw pipe), with no transform, no checksum, no verification. What any Node loader built on
 * mysql2 can reach on this machine: the ceiling provmerge's own loader is measured against.
 *
 *   node bench/engine-node-copy.ts --pg postgres://…/<db> --mysql mysql://root@127.0.0.1:3306 \
 *     --tables '[{"db":"pm_bench_s13_a_tthc","table":"ho_so","target":"pm_bench_s13_a_tthc__ho_so"}]'
 *
 * mysql2 with the options the issue names (dateStrings, supportBigNumbers, bigNumberStrings), rows
 * as objects (mysql2's default; `--rows-as-array` for arrays, which skip building an object per row) from the protocol parser's 'result' events (no Readable, no per-row promise), joined into COPY
 * text in chunks of `--chunk` rows; the socket is paused while the COPY stream is full. Prints
 * one JSON line: rows per table and in all.
 */
import { parseArgs } from "node:util"
import mysql from "mysql2"
import pg from "pg"
import { from as copyFrom } from "pg-copy-streams"

const { values: args } = parseArgs({
  options: {
    pg: { type: "string" },
    mysql: { type: "string", default: "mysql://root@127.0.0.1:3306" },
    tables: { type: "string" },
    chunk: { type: "string", default: "1000" },
    "rows-as-array": { type: "boolean", default: false }
  }
})
const tables = JSON.parse(args.tables!) as Array<{ db: string; table: string; target: string }>
const chunkRows = Number(args.chunk)
const rowsAsArray = args["rows-as-array"]!

/** COPY text for one value as mysql2 gives it with dateStrings and big numbers as strings. */
const copyValue = (v: unknown): string => {
  if (v === null || v === undefined) return "\\N"
  if (typeof v === "number") return String(v)
  const s = typeof v === "string" ? v : Buffer.isBuffer(v) ? v.toString("utf8") : String(v)
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c === 92 || c === 9 || c === 10 || c === 13) {
      return s.replace(/[\\\t\n\r]/g, (ch) => (ch === "\\" ? "\\\\" : ch === "\t" ? "\\t" : ch === "\n" ? "\\n" : "\\r"))
    }
  }
  return s
}

const client = new pg.Client({ connectionString: args.pg })
await client.connect()
const counts: Record<string, number> = {}
let total = 0
for (const t of tables) {
  const connection = mysql.createConnection({
    uri: `${args.mysql}/${t.db}`,
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    charset: "utf8mb4"
  })
  const copy = client.query(copyFrom(`COPY "${t.target}" FROM STDIN`))
  const done = new Promise<void>((resolve, reject) => {
    copy.on("finish", resolve)
    copy.on("error", reject)
  })
  let rows = 0
  await new Promise<void>((resolve, reject) => {
    let chunk = ""
    let inChunk = 0
    const flush = () => {
      if (chunk === "") return
      const more = copy.write(chunk)
      chunk = ""
      inChunk = 0
      if (!more) {
        connection.pause()
        copy.once("drain", () => connection.resume())
      }
    }
    const query = connection.query({ sql: `select * from \`${t.table}\``, rowsAsArray })
    let names: string[] = []
    query.on("fields", (fields) => {
      names = (fields as unknown as Array<{ name: string }>).map((f) => f.name)
    })
    query.on("result", (row) => {
      let line: string
      if (rowsAsArray) {
        const values = row as unknown as unknown[]
        line = copyValue(values[0])
        for (let i = 1; i < values.length; i++) line += "\t" + copyValue(values[i])
      } else {
        const record = row as unknown as Record<string, unknown>
        line = copyValue(record[names[0]!])
        for (let i = 1; i < names.length; i++) line += "\t" + copyValue(record[names[i]!])
      }
      chunk += line + "\n"
      rows++
      if (++inChunk >= chunkRows) flush()
    })
    query.on("error", reject)
    query.on("end", () => {
      flush()
      resolve()
    })
  })
  copy.end()
  await done
  connection.end()
  counts[`${t.db}.${t.table}`] = rows
  total += rows
}
await client.end()
console.log(JSON.stringify({ rows: total, counts }))

/**
 * Checksum cost on 2,000,000 rows, in PostgreSQL, in MariaDB and in Node:
 *
 *   (a) baseline: a plain scan that hashes every row in the database
 *       SELECT count(*), max(md5(concat_ws(chr(31), …))) FROM t
 *   (b) our checksum: checksumSql / mariadbChecksumSql over the same rows
 *   (c) Node: rowHash + XOR over the same 2M rows as normalised texts (what a batch computes)
 *
 * Target: (b) within 2× of (a). The same rows are generated in both databases (INSERT … SELECT
 * from generate_series / MariaDB's seq_1_to_N) and in Node, and the three checksums must be equal.
 *
 *   node bench/checksum-servers.ts [--rows 2000000] [--repeat 3]
 *
 * Creates and drops its own databases (pm_bench_checksum_<random>).
 */
import { randomBytes } from "node:crypto"
import { parseArgs } from "node:util"
import { sql } from "kysely"
import { parseDatabaseLocation } from "../connectors/database-location.ts"
import { createDatabaseIfMissing, dropDatabaseIfExists, openDatabase } from "../connectors/open-database.ts"
import { rowHash } from "../pipelines/row-transformer.ts"
import { ChecksumAccumulator, checksumSql, type ColumnKind, mariadbChecksumSql, mariadbNormalisedSql, normalisedSql } from "../target/row-checksum.ts"

const { values: args } = parseArgs({ options: { rows: { type: "string", default: "2000000" }, repeat: { type: "string", default: "3" } } })
const ROWS = Number(args.rows)
const REPEAT = Number(args.repeat)
const POSTGRES = process.env.PROVMERGE_BENCH_POSTGRES ?? "postgres://postgres@127.0.0.1:5432"
const MARIADB = process.env.PROVMERGE_BENCH_MARIADB ?? "mysql://root@127.0.0.1:3306"

const COLUMNS: ReadonlyArray<{ name: string; kind: ColumnKind }> = [
  { name: "id", kind: "bigint" },
  { name: "full_name", kind: "text" },
  { name: "birth_date", kind: "date" },
  { name: "fee", kind: "numeric" },
  { name: "active", kind: "boolean" },
  { name: "commune_code", kind: "text" },
  { name: "note", kind: "text" }
]

const NULL_TEXT = "\\N"

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const time = async <T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  const t = performance.now()
  const value = await f()
  return { ms: performance.now() - t, value }
}

/** Runs `f` once to warm the cache, then `REPEAT` times; the median. */
const measure = async <T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> => {
  await f()
  const runs: Array<{ ms: number; value: T }> = []
  for (let i = 0; i < REPEAT; i++) runs.push(await time(f))
  return { ms: median(runs.map((r) => r.ms)), value: runs[0]!.value }
}

const name = `pm_bench_checksum_${randomBytes(4).toString("hex")}`
const results: Array<{ engine: string; baseline: number; checksum: number; value: string }> = []

// --- PostgreSQL
{
  const location = parseDatabaseLocation(`${POSTGRES}/${name}`)
  await createDatabaseIfMissing(location)
  const h = await openDatabase(location, { poolSize: 1 })
  try {
    const load = await time(async () => {
      await sql`create table t (id bigint primary key, full_name text, birth_date date, fee numeric(18,2), active boolean, commune_code text, note text)`.execute(h.db)
      await sql`insert into t select i, 'Nguyễn Văn ' || i, date '1950-01-01' + (i % 20000)::int, ((i % 100000) / 100.0)::numeric(18,2),
        i % 3 = 0, lpad((i % 99999)::text, 5, '0'), case when i % 7 = 0 then null else 'ghi chú ' || (i % 1000) end
        from generate_series(1, ${ROWS}::bigint) i`.execute(h.db)
      await sql`vacuum analyze t`.execute(h.db)
    })
    console.log(`postgres: ${ROWS} rows loaded in ${(load.ms / 1000).toFixed(1)} s`)
    const rowText = sql`concat_ws(chr(31), ${sql.join(COLUMNS.map((c) => sql`coalesce(${normalisedSql(c.name, c.kind)}, ${NULL_TEXT})`))})`
    const count = await measure(() => sql<{ n: string }>`select count(*)::text as n from t`.execute(h.db))
    const baseline = await measure(() => sql<{ n: string }>`select count(*)::text as n, max(md5(${rowText})) as m from t`.execute(h.db))
    const checksum = await measure(() => sql<{ n: string; c: string }>`select count(*)::text as n, ${checksumSql(COLUMNS)} as c from t`.execute(h.db))
    console.log(`postgres: count(*) ${count.ms.toFixed(0)} ms, count + md5 per row ${baseline.ms.toFixed(0)} ms, checksum ${checksum.ms.toFixed(0)} ms`)
    results.push({ engine: "PostgreSQL 15", baseline: baseline.ms, checksum: checksum.ms, value: checksum.value.rows[0]!.c })
  } finally {
    await h.close()
    await dropDatabaseIfExists(location)
  }
}

// --- MariaDB
{
  const location = parseDatabaseLocation(`${MARIADB}/${name}`)
  await createDatabaseIfMissing(location)
  const h = await openDatabase(location, { poolSize: 1 })
  try {
    const load = await time(async () => {
      await sql`create table t (id bigint primary key, full_name varchar(100), birth_date date, fee decimal(18,2), active boolean,
        commune_code varchar(5), note varchar(100)) character set utf8mb4 collate utf8mb4_unicode_ci`.execute(h.db)
      await sql`insert into t select seq, concat('Nguyễn Văn ', seq), date_add('1950-01-01', interval seq % 20000 day), (seq % 100000) / 100,
        seq % 3 = 0, lpad(seq % 99999, 5, '0'), case when seq % 7 = 0 then null else concat('ghi chú ', seq % 1000) end
        from ${sql.raw(`seq_1_to_${ROWS}`)}`.execute(h.db)
      await sql`analyze table t`.execute(h.db)
    })
    console.log(`mariadb: ${ROWS} rows loaded in ${(load.ms / 1000).toFixed(1)} s`)
    const rowText = sql`concat_ws(char(31 using utf8mb4), ${sql.join(COLUMNS.map((c) => sql`coalesce(${mariadbNormalisedSql(c.name, c.kind)}, ${NULL_TEXT})`))})`
    const count = await measure(() => sql<{ n: string }>`select count(*) as n from t`.execute(h.db))
    const baseline = await measure(() => sql<{ n: string }>`select count(*) as n, max(md5(${rowText})) as m from t`.execute(h.db))
    const checksum = await measure(() => sql<{ n: string; c: string }>`select count(*) as n, ${mariadbChecksumSql(COLUMNS)} as c from t`.execute(h.db))
    console.log(`mariadb: count(*) ${count.ms.toFixed(0)} ms, count + md5 per row ${baseline.ms.toFixed(0)} ms, checksum ${checksum.ms.toFixed(0)} ms`)
    results.push({ engine: "MariaDB", baseline: baseline.ms, checksum: checksum.ms, value: checksum.value.rows[0]!.c })
  } finally {
    await h.close()
    await dropDatabaseIfExists(location)
  }
}

// --- Node: the same rows as normalised texts, hashed as a batch does (rowHash + XOR).
{
  const day = 86_400_000
  const epoch = Date.UTC(1950, 0, 1)
  const CHUNK = 100_000
  let hashing = 0
  let building = 0
  const acc = new ChecksumAccumulator()
  for (let start = 1; start <= ROWS; start += CHUNK) {
    const t0 = performance.now()
    const rows: Array<Array<string | null>> = []
    for (let i = start; i < Math.min(start + CHUNK, ROWS + 1); i++) {
      rows.push([
        String(i),
        `Nguyễn Văn ${i}`,
        new Date(epoch + (i % 20000) * day).toISOString().slice(0, 10),
        ((i % 100000) / 100).toFixed(2),
        i % 3 === 0 ? "t" : "f",
        String(i % 99999).padStart(5, "0"),
        i % 7 === 0 ? null : `ghi chú ${i % 1000}`
      ])
    }
    const t1 = performance.now()
    for (const r of rows) acc.xorHex(rowHash(r))
    hashing += performance.now() - t1
    building += t1 - t0
  }
  console.log(`node: building the canonical rows ${building.toFixed(0)} ms, rowHash + XOR ${hashing.toFixed(0)} ms (${Math.round(ROWS / (hashing / 1000)).toLocaleString("en-US")} rows/s)`)
  results.push({ engine: "Node (rowHash + XOR)", baseline: Number.NaN, checksum: hashing, value: acc.value })
}

console.log("")
console.log("| engine | plain scan + md5 per row | our checksum | ratio | checksum value |")
console.log("|---|---:|---:|---:|---|")
for (const r of results) {
  const ratio = Number.isNaN(r.baseline) ? "–" : `${(r.checksum / r.baseline).toFixed(2)}×`
  const base = Number.isNaN(r.baseline) ? "–" : `${(r.baseline / 1000).toFixed(2)} s`
  console.log(`| ${r.engine} | ${base} | ${(r.checksum / 1000).toFixed(2)} s | ${ratio} | ${r.value} |`)
}
const values = new Set(results.map((r) => r.value))
console.log(values.size === 1 ? `\nAll ${results.length} checksums equal.` : `\nCHECKSUMS DIFFER: ${[...values].join(", ")}`)
if (values.size !== 1) process.exitCode = 1

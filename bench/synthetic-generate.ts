/**
 * Generation speed of `provmerge generate`.
 *   node bench/synthetic-generate.ts [--scale 1] [--target dry|pglite|servers] [--catalog <path>] [--province <code>]
 * dry: the generator and truth writer alone (no databases); pglite: PGlite files; servers: vendor A
 * into MariaDB and vendor B into PostgreSQL on 127.0.0.1 (databases dropped afterwards).
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseArgs } from "node:util"
import { parseDatabaseLocation } from "../connectors/database-location.ts"
import { dropDatabaseIfExists } from "../connectors/open-database.ts"
import { generateWorld } from "../synthetic/world.ts"

const { values } = parseArgs({
  options: { scale: { type: "string", default: "1" }, target: { type: "string", default: "dry" }, catalog: { type: "string" }, province: { type: "string" } }
})
const dir = await mkdtemp(join(tmpdir(), "pm-bench-generate-"))
const servers = values.target === "servers"
try {
  const world = await generateWorld({
    out: join(dir, "world"),
    scale: Number(values.scale),
    seed: 1,
    catalog: values.catalog,
    province: values.province,
    writeSources: values.target !== "dry",
    ...(servers ? { mysql: "mysql://root@127.0.0.1:3306", postgres: "postgres://postgres@127.0.0.1:5432", dbPrefix: `pm_bench_${process.pid}` } : {})
  })
  if (servers) for (const s of world.job.sources) for (const d of [s.tthc, s.civilStatus]) await dropDatabaseIfExists(parseDatabaseLocation(d))
  const rss = process.resourceUsage().maxRSS / 1024
  console.log(JSON.stringify({
    target: values.target, scale: Number(values.scale), catalog: values.catalog ?? "builtin", rows: world.totals.rows,
    dossiers: world.totals.dossiers, citizens: world.totals.citizens, seconds: +(world.elapsedMs / 1000).toFixed(1),
    rowsPerSecond: Math.round(world.rowsPerSecond), maxRssMB: Math.round(rss)
  }))
} finally {
  await rm(dir, { recursive: true, force: true })
}

/**
 * One generated world on the real servers: vendor A in MariaDB (latin1 TCVN3 columns, zero
 * dates, dd/mm/yyyy strings), vendor B in PostgreSQL (BIGINT keys as strings, Date objects), read
 * back through the mappings with the project's connectors and compared with the truth.
 * Databases get a unique prefix and are dropped afterwards.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { dropDatabaseIfExists } from "../../connectors/open-database.ts"
import { sourceKeyOf } from "../../mappings/vendor-mapping.ts"
import { generateWorld, type GeneratedWorld } from "../../synthetic/world.ts"
import { asJson, readWorld } from "./source-reader.ts"

const MYSQL = process.env.PROVMERGE_TEST_MYSQL ?? "mysql://root@127.0.0.1:3306"
const POSTGRES = process.env.PROVMERGE_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432"

let dir: string
let world: GeneratedWorld | undefined
let read: Awaited<ReturnType<typeof readWorld>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-synthetic-servers-"))
  const prefix = `pm_synth_${process.pid}_${Math.floor(Math.random() * 1e6)}`
  world = await generateWorld({ out: join(dir, "w"), scale: 0.03, seed: 3, mysql: MYSQL, postgres: POSTGRES, dbPrefix: prefix, batchSize: 700 })
  read = await readWorld(world)
}, 240_000)

afterAll(async () => {
  for (const s of world?.job.sources ?? []) {
    for (const dsn of [s.tthc, s.civilStatus]) if (!dsn.startsWith("pglite:")) await dropDatabaseIfExists(parseDatabaseLocation(dsn))
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
}, 60_000)

describe("generated world on MariaDB and PostgreSQL", () => {
  it("puts vendor A on MariaDB and vendor B on PostgreSQL", () => {
    expect(world!.job.sources[0]!.tthc).toMatch(/^mysql:\/\/.*_a_tthc$/)
    expect(world!.job.sources[0]!.civilStatus).toMatch(/_a_hotich$/)
    expect(world!.job.sources[1]!.tthc).toMatch(/^postgres:\/\/.*_b_tthc$/)
  })

  it("reads back through the mappings into exactly the truth: records, rejects", async () => {
    const rejects = new Map((parse(await readFile(join(world!.truthDir, "rejects.csv")), { columns: true }) as Record<string, string>[]).map((r) => [r.source_key!, r.code!]))
    const truth = new Map<string, unknown>()
    for (const entity of ["agency", "account", "citizen", "dossier", "civil_status_event"]) {
      for (const l of (await readFile(join(world!.truthDir, "records", `${entity}.jsonl`), "utf8")).split("\n")) {
        if (l !== "") truth.set(JSON.parse(l).sourceKey, JSON.parse(l))
      }
    }
    let loaded = 0
    for (const r of read.rows) {
      const key = sourceKeyOf(r.source, r.table, r.key)
      if (!r.result.ok) {
        expect(r.result.code, key).toBe(rejects.get(key))
        continue
      }
      if (rejects.get(key) === "UNIT_UNKNOWN") continue
      expect(asJson(r.result.record), key).toEqual(truth.get(key))
      loaded++
    }
    expect(loaded).toBe(truth.size)
    // TCVN3 names in MariaDB latin1 columns decoded to Vietnamese
    const births = read.rows.filter((r) => r.table === "khai_sinh" && r.result.ok)
    expect(births.length).toBeGreaterThan(0)
    expect(births.some((r) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test((r.result as any).record.subjectName))).toBe(true)
  })
})

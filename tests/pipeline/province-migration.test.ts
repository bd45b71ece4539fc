/**
 * The walking skeleton, end to end on the real servers: a generated world whose vendor A
 * provinces live in MariaDB and vendor B in PostgreSQL is migrated into PostgreSQL, and the
 * result is held against the world's ground truth.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { dropDatabaseIfExists, openDatabase, type DatabaseHandle } from "../../connectors/open-database.ts"
import { loadJob } from "../../pipelines/job-config.ts"
import { summaryRows } from "../../pipelines/reconcile.ts"
import { runJob, type RunResult } from "../../pipelines/run-job.ts"
import { silentProgress } from "../../pipelines/progress-events.ts"
import { generateWorld, type GeneratedWorld } from "../../synthetic/world.ts"
import { normalisedSql } from "../../target/row-checksum.ts"
import { targetTables } from "../../target/tables/index.ts"
import type { EntityKind } from "../../mappings/canonical-records.ts"
import { MARIADB_SERVER, POSTGRES_SERVER, scratchDatabase, type ScratchDatabase, uniqueName } from "../support/databases.ts"
import { readTruthCsv, readTruthRecords } from "../support/truth.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"
import JSZip from "jszip"
import { readFileSync } from "node:fs"

/** Every XML part of an xlsx as one string: what any program opening the file could show. */
const workbookText = async (path: string): Promise<string> => {
  const zip = await JSZip.loadAsync(readFileSync(path))
  const parts = await Promise.all(Object.values(zip.files).filter((f) => !f.dir).map((f) => f.async("string")))
  return parts.join("\n")
}

describe("a province migrated from MariaDB and PostgreSQL sources into PostgreSQL", () => {
  let dir: string
  let world: GeneratedWorld
  let target: ScratchDatabase
  let handle: DatabaseHandle
  let first: RunResult

  const run = async () => {
    const job = await Effect.runPromise(loadJob(world.jobFile, { target: target.dsn }))
    return Effect.runPromise(runJob(job, { progress: silentProgress, command: "test" }))
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pm-e2e-"))
    world = await generateWorld({
      out: join(dir, "world"),
      scale: 0.05,
      seed: 11,
      mysql: MARIADB_SERVER,
      postgres: POSTGRES_SERVER,
      dbPrefix: uniqueName("pm_e2e")
    })
    target = await scratchDatabase("postgres", "pm_e2e_target")
    first = await run()
    handle = await openDatabase(target.location)
  }, 600_000)

  afterAll(async () => {
    await handle?.close()
    await target?.drop()
    for (const s of world?.sources ?? []) {
      for (const dsn of [s.tthc, s.civilStatus]) if (!dsn.startsWith("pglite:")) await dropDatabaseIfExists(parseDatabaseLocation(dsn))
    }
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it("uses both server engines as sources", () => {
    const dsns = world.sources.flatMap((s) => [s.tthc, s.civilStatus])
    expect(dsns.some((d) => d.startsWith("mysql://"))).toBe(true)
    expect(dsns.some((d) => d.startsWith("postgres://"))).toBe(true)
    expect(first.status).toBe("succeeded")
    expect(first.batches.failed).toBe(0)
  })

  it("accounts for every source row per table and unit: loaded + merged + rejected = read, as the truth says", async () => {
    const expected = readTruthCsv(world.truthDir, "expected-counts.csv")
    const actual = await summaryRows(handle.db)
    const key = (s: string, t: string, u: string) => `${s}|${t}|${u}`
    const byKey = new Map(actual.map((r) => [key(r.source, r.table, r.oldUnitCode), r]))
    expect(actual.length).toBe(expected.length)
    for (const e of expected) {
      const a = byKey.get(key(e.source!, e.table!, e.unit!))
      expect(a, `summary row for ${key(e.source!, e.table!, e.unit!)}`).toBeDefined()
      expect(a!.read).toBe(Number(e.read))
      expect(a!.rejected).toBe(Number(e.rejected))
      expect(a!.loaded + a!.merged + a!.rejected).toBe(a!.read)
      expect(a!.targetChecksum).toBe(a!.sourceChecksum)
    }
  })

  it("rejects exactly the rows the truth says, each with its code, key and raw row", async () => {
    const expected = readTruthCsv(world.truthDir, "rejects.csv")
    const rows = await handle.db.withSchema("provmerge").selectFrom("rejects").select(["source_key", "error_code", "raw_row", "message"]).execute()
    expect(rows.length).toBe(expected.length)
    const actual = new Map(rows.map((r: any) => [r.source_key, r.error_code]))
    for (const e of expected) expect(actual.get(e.source_key!), e.source_key).toBe(e.code)
    for (const r of rows as any[]) {
      expect(r.raw_row).not.toBeNull()
      expect(r.message.length).toBeGreaterThan(5)
    }
  })

  it("loads every non-rejected record with the values of the ground truth", async () => {
    const entities: EntityKind[] = ["agency", "account", "citizen", "dossier", "civil_status_event"]
    for (const entity of entities) {
      const table = targetTables[entity]
      // Unit columns are checked against units.csv below; the truth never holds password hashes.
      const columns = table.columns.filter((c) =>
        !["new_province_code", "new_commune_code", "unit_status", "accounting_unit", "source_pk", "source_table", "source", "password_hash"].includes(c.name)
      )
      const truth = readTruthRecords(world.truthDir, entity)
      const rows = await sql<any>`select source_key, ${sql.join(columns.map((c) => sql`${normalisedSql(c.name, c.kind)} as ${sql.id(c.name)}`))}
        from ${sql.id(table.name)}`.execute(handle.db)
      const bySourceKey = new Map(rows.rows.map((r) => [r.source_key, r]))
      expect(rows.rows.length, `${entity} rows`).toBe(truth.length)
      for (const record of truth) {
        const values = table.toValues(record as never, {
          source: "", sourceTable: "", sourcePk: "0", sourceKey: record.sourceKey, accountingUnit: "", unit: { status: "" }
        })
        const expected = Object.fromEntries(table.columns.map((c, i) => [c.name, values[i]]))
        const actual = bySourceKey.get(record.sourceKey)
        expect(actual, record.sourceKey).toBeDefined()
        for (const c of columns) expect(actual[c.name], `${record.sourceKey} ${c.name}`).toBe(expected[c.name])
      }
    }
  })

  it("remaps every unit reference as the truth says, and sends ambiguous ones to review with their candidates", async () => {
    const expected = readTruthCsv(world.truthDir, "units.csv").filter((u) => u.expected_status !== "unknown")
    const actual = new Map<string, { unit_status: string; new_commune_code: string | null }>()
    for (const entity of Object.keys(targetTables) as EntityKind[]) {
      const rows = await handle.db.selectFrom(targetTables[entity].name).select(["source_key", "unit_status", "new_commune_code"]).execute()
      for (const r of rows as any[]) actual.set(r.source_key, r)
    }
    const reviews = new Map((await handle.db.withSchema("provmerge").selectFrom("review_items").select(["source_key", "payload"]).where("kind", "=", "unit").execute())
      .map((r: any) => [r.source_key, r.payload]))
    for (const e of expected) {
      const a = actual.get(e.source_key!)
      expect(a, e.source_key).toBeDefined()
      expect(a!.unit_status, e.source_key).toBe(e.expected_status)
      if (e.expected_status === "mapped" || e.expected_status === "population_target") {
        expect(a!.new_commune_code, e.source_key).toBe(e.expected_new_commune_code)
      }
      if (e.expected_status === "ambiguous") {
        expect(a!.new_commune_code).toBeNull()
        const review = reviews.get(e.source_key!)
        expect(review, `review item for ${e.source_key}`).toBeDefined()
        expect([...review.candidates].sort()).toEqual(e.expected_candidates!.split(";").filter((c) => c !== "").sort())
      }
    }
  })

  it("never puts two different persons into one master record", async () => {
    const persons = new Map(readTruthCsv(world.truthDir, "persons.csv").map((p) => [p.source_key, p.person_id]))
    const rows = await handle.db.selectFrom("citizen_records").select(["source_key", "master_id"]).execute()
    const personsOfMaster = new Map<string, Set<string>>()
    for (const r of rows as any[]) {
      expect(r.master_id, r.source_key).not.toBeNull()
      const set = personsOfMaster.get(r.master_id) ?? new Set()
      set.add(persons.get(r.source_key)!)
      personsOfMaster.set(r.master_id, set)
    }
    for (const [master, set] of personsOfMaster) expect(set.size, `master ${master}`).toBe(1)
    const dossiersWithoutMaster = await sql<{ n: number }>`select count(*)::int as n from dossiers
      where applicant_record_id is not null and applicant_citizen_id is null
        and exists (select 1 from citizen_records r where r.id = applicant_record_id)`.execute(handle.db)
    expect(dossiersWithoutMaster.rows[0]!.n).toBe(0)
  })

  it("merges officials' accounts: every source account has one, district accounts disabled with a reason, unverifiable hashes must reset", async () => {
    const records = await sql<any>`select r.source_key, r.account_id, r.hash_algorithm, r.password_hash, a.level as agency_level,
        o.status, o.disabled_reason, o.must_reset_password, o.password_hash as target_hash, o.username
      from account_records r left join agencies a on a.id = r.agency_id left join official_accounts o on o.id = r.account_id`.execute(handle.db)
    expect(records.rows.length).toBeGreaterThan(0)
    for (const r of records.rows) {
      expect(r.account_id, r.source_key).not.toBeNull()
      if (r.status === "disabled") expect(r.disabled_reason, r.source_key).toBeTruthy()
      if (r.target_hash !== null) expect(r.target_hash).toMatch(/^\$2[aby]\$|^\$argon2id\$/)
    }
    const md5 = records.rows.filter((r) => r.password_hash !== null && /^[0-9a-f]{32}$/i.test(r.password_hash))
    expect(md5.length).toBeGreaterThan(0)
    for (const r of md5) expect(r.must_reset_password, r.source_key).toBe(true)
    expect(records.rows.some((r) => r.agency_level === "district" && r.status === "disabled")).toBe(true)
    const usernames = await sql<{ n: number; d: number }>`select count(*)::int as n, count(distinct username)::int as d from official_accounts`.execute(handle.db)
    expect(usernames.rows[0]!.d).toBe(usernames.rows[0]!.n)
    const agencies = await sql<{ n: number }>`select count(*)::int as n from agencies a
      where a.successor_kind is null and not exists (select 1 from provmerge.review_items r where r.kind = 'agency' and r.source_key = a.source_key)`.execute(handle.db)
    expect(agencies.rows[0]!.n).toBe(0)
  })

  it("writes a workbook with no password hash anywhere in it", async () => {
    const hashes = (await sql<{ h: string }>`select password_hash as h from account_records where password_hash is not null`.execute(handle.db)).rows.map((r) => r.h)
    expect(hashes.length).toBeGreaterThan(0)
    const text = await workbookText(first.workbook)
    for (const h of hashes) expect(text.includes(h), "a password hash leaked into the workbook").toBe(false)
    const rejected = (await sql<{ raw: string }>`select raw_row::text as raw from provmerge.rejects where source_table in ('nguoi_dung', 'sys_user')`.execute(handle.db)).rows
    expect(rejected.length).toBeGreaterThan(0)
    for (const r of rejected) {
      expect(r.raw).toContain("[redacted]")
      for (const h of hashes) expect(r.raw.includes(h), "a password hash was copied into a reject row").toBe(false)
    }
    expect(text).not.toMatch(/\$2[aby]\$\d\d\$/)
  })

  it("a second run changes nothing: same rows, same checksums, no batch re-read", async () => {
    const before = await snapshotTarget(handle.db)
    const second = await run()
    expect(second.status).toBe("succeeded")
    expect(second.batches.verified).toBe(0)
    expect(second.batches.skipped).toBe(first.batches.verified)
    expect(await snapshotTarget(handle.db)).toEqual(before)
  })
})

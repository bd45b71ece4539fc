import { mkdtemp, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { builtInSyntheticCatalog } from "../../mappings/admin-units/synthetic-catalog.ts"
import { indexCatalog } from "../../mappings/admin-units/catalog.ts"
import { createUnitResolver } from "../../mappings/admin-units/unit-resolver.ts"
import { findVendorMapping } from "../../mappings/vendors/index.ts"
import { sourceKeyOf } from "../../mappings/vendor-mapping.ts"
import { generateWorld, type GeneratedWorld, SCALE_1 } from "../../synthetic/world.ts"
import { asJson, readWorld } from "./source-reader.ts"

const csv = async (path: string): Promise<Record<string, string>[]> => parse(await readFile(path), { columns: true })
const lines = async (path: string): Promise<string[]> => (await readFile(path, "utf8")).split("\n").filter((l) => l !== "")

const catalog = builtInSyntheticCatalog()
const index = indexCatalog(catalog)
let dir: string
let world: GeneratedWorld
let again: GeneratedWorld
let bigger: GeneratedWorld
let read: Awaited<ReturnType<typeof readWorld>>

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-synthetic-"))
  world = await generateWorld({ out: join(dir, "w1"), scale: 0.04, seed: 7 })
  // the same world drawn again, and a bigger one, without writing databases
  again = await generateWorld({ out: join(dir, "w2"), scale: 0.04, seed: 7, writeSources: false })
  bigger = await generateWorld({ out: join(dir, "w3"), scale: 0.08, seed: 7, writeSources: false })
  read = await readWorld(world)
}, 240_000)

afterAll(async () => {
  if (dir !== undefined) await rm(dir, { recursive: true, force: true })
})

describe("generated world", () => {
  it("writes a job.json the pipeline can read: sources, vendors, relative PGlite paths", async () => {
    const job = JSON.parse(await readFile(world.jobFile, "utf8"))
    expect(job).toEqual(world.job)
    expect(job.catalog).toBe("builtin")
    expect(job.sources.length).toBeGreaterThanOrEqual(2)
    expect(job.sources[0].vendor).toBe("vendor-a")
    expect(job.sources[1].vendor).toBe("vendor-b")
    for (const s of job.sources) {
      expect(s.tthc).toMatch(/^pglite:sources\//)
      expect(findVendorMapping(s.vendor)).toBeDefined()
      expect(index.oldProvince.get(s.oldProvinceCode)?.newProvinceCode).toBe(job.province.code)
    }
  })

  it("is deterministic: same seed gives identical truth files and source rows", async () => {
    for (const f of ["persons.csv", "rejects.csv", "units.csv", "expected-counts.csv", "records/citizen.jsonl", "records/dossier.jsonl", "records/civil_status_event.jsonl"]) {
      expect(await readFile(join(again.truthDir, f), "utf8"), f).toBe(await readFile(join(world.truthDir, f), "utf8"))
    }
    expect(again.sources.map((s) => s.checksums)).toEqual(world.sources.map((s) => s.checksums))
    expect(Object.keys(world.sources[0]!.checksums)).toContain("ho_so")
  })

  it("a different seed gives a different world", async () => {
    const other = await generateWorld({ out: join(dir, "w4"), scale: 0.04, seed: 8, writeSources: false })
    expect(other.sources[0]!.checksums.cong_dan).not.toBe(world.sources[0]!.checksums.cong_dan)
    expect(await readFile(join(other.truthDir, "persons.csv"), "utf8")).not.toBe(await readFile(join(world.truthDir, "persons.csv"), "utf8"))
  })

  it("scales linearly: twice the scale, twice the citizens, dossiers and events; same agencies", () => {
    expect(world.totals.dossiers).toBeCloseTo(SCALE_1.dossiers * 0.04, -1)
    expect(bigger.totals.dossiers).toBeCloseTo(SCALE_1.dossiers * 0.08, -1)
    expect(bigger.totals.citizens / world.totals.citizens).toBeGreaterThan(1.8)
    expect(bigger.totals.citizens / world.totals.citizens).toBeLessThan(2.2)
    expect(bigger.totals.civilStatusEvents / world.totals.civilStatusEvents).toBeGreaterThan(1.8)
    expect(bigger.totals.civilStatusEvents / world.totals.civilStatusEvents).toBeLessThan(2.2)
    expect(bigger.totals.agencies).toBe(world.totals.agencies)
    expect(Math.abs(world.totals.citizens - SCALE_1.citizens * 0.04) / (SCALE_1.citizens * 0.04)).toBeLessThan(0.1)
  })

  it("every truth reject is rejected with its code (by the mapping, or UNIT_UNKNOWN by the catalog), and nothing else is", async () => {
    const expected = new Map((await csv(join(world.truthDir, "rejects.csv"))).map((r) => [r.source_key!, r.code!]))
    const actual = new Map<string, string>()
    for (const r of read.rows) {
      const key = sourceKeyOf(r.source, r.table, r.key)
      if (!r.result.ok) actual.set(key, r.result.code)
      else if (r.result.record.unit.communeCode !== undefined && !index.oldCommune.has(r.result.record.unit.communeCode)) actual.set(key, "UNIT_UNKNOWN")
    }
    expect(actual).toEqual(expected)
    const codes = new Set(expected.values())
    for (const c of ["INVALID_DATE", "INVALID_CCCD", "UNIT_UNKNOWN", "LEGACY_DECODE_FAILED", "MISSING_REQUIRED"]) expect(codes, c).toContain(c)
  })

  it("every loaded row maps to exactly the record in records/<entity>.jsonl", async () => {
    const truth = new Map<string, unknown>()
    for (const entity of ["agency", "account", "citizen", "dossier", "civil_status_event"]) {
      for (const l of await lines(join(world.truthDir, "records", `${entity}.jsonl`))) {
        const r = JSON.parse(l)
        truth.set(r.sourceKey, r)
      }
    }
    const rejects = new Set((await csv(join(world.truthDir, "rejects.csv"))).map((r) => r.source_key))
    let compared = 0
    for (const r of read.rows) {
      if (!r.result.ok || rejects.has(r.result.record.sourceKey)) continue
      expect(asJson(r.result.record)).toEqual(truth.get(r.result.record.sourceKey))
      compared++
    }
    expect(compared).toBe(truth.size)
    const account = [...truth.values()].find((r: any) => r.kind === "account") as Record<string, unknown>
    expect(account.passwordHash).toBeUndefined()
  })

  it("expected-counts.csv matches the rows read and rejected per accounting unit", async () => {
    const rejects = new Set((await csv(join(world.truthDir, "rejects.csv"))).map((r) => r.source_key))
    const counts = new Map<string, [number, number]>()
    for (const r of read.rows) {
      const k = `${r.source},${r.table},${r.unit}`
      const c = counts.get(k) ?? [0, 0]
      c[0]++
      if (rejects.has(sourceKeyOf(r.source, r.table, r.key))) c[1]++
      counts.set(k, c)
    }
    const expected = new Map((await csv(join(world.truthDir, "expected-counts.csv"))).map((r) => [`${r.source},${r.table},${r.unit}`, [Number(r.read), Number(r.rejected)]]))
    expect(counts).toEqual(expected)
  })

  it("persons.csv groups records of one generated person: same gender and birth year, and same CCCD when both have one", async () => {
    const persons = await csv(join(world.truthDir, "persons.csv"))
    const byKey = new Map(read.rows.filter((r) => r.result.ok).map((r) => [(r.result as any).record.sourceKey, (r.result as any).record]))
    const groups = new Map<string, any[]>()
    for (const p of persons) groups.set(p.person_id!, [...(groups.get(p.person_id!) ?? []), byKey.get(p.source_key!)])
    let multi = 0, crossSource = 0
    for (const [, records] of groups) {
      expect(records.every((r) => r !== undefined && r.kind === "citizen")).toBe(true)
      if (records.length < 2) continue
      multi++
      if (new Set(records.map((r) => r.sourceKey.split("/")[0])).size > 1) crossSource++
      expect(new Set(records.map((r) => r.gender)).size).toBe(1)
      expect(new Set(records.map((r) => r.birthDate?.slice(0, 4))).size).toBe(1)
      const ids = records.map((r) => r.cccd).filter((c) => c !== undefined)
      expect(new Set(ids).size).toBeLessThanOrEqual(1)
    }
    expect(multi).toBeGreaterThan(0)
    expect(crossSource).toBeGreaterThan(0)
  })

  it("units.csv agrees with the unit resolver on code-only references", async () => {
    const resolver = createUnitResolver(catalog)
    const byKey = new Map(read.rows.filter((r) => r.result.ok).map((r) => [(r.result as any).record.sourceKey, (r.result as any).record]))
    const statuses = new Set<string>()
    for (const u of await csv(join(world.truthDir, "units.csv"))) {
      const unit = byKey.get(u.source_key!).unit
      const answer = resolver.resolve({ provinceCode: unit.provinceCode, districtCode: unit.districtCode, communeCode: unit.communeCode })
      expect(answer.status, u.source_key).toBe(u.expected_status)
      expect(answer.newCommuneCode ?? "").toBe(u.expected_new_commune_code)
      expect([...answer.candidates].sort().join(";")).toBe(u.expected_candidates)
      statuses.add(u.expected_status!)
    }
    for (const s of ["mapped", "population_target", "ambiguous", "province_only", "unknown"]) expect(statuses, s).toContain(s)
  })

  it("holds the dirt that must load: NFD names, names without diacritics, year-only dates, formula bait", async () => {
    const citizens = (await lines(join(world.truthDir, "records", "citizen.jsonl"))).map((l) => JSON.parse(l))
    expect(citizens.some((c) => /^\d{4}$/.test(c.birthDate ?? ""))).toBe(true)
    expect(citizens.some((c) => !/[^\x00-\x7f]/.test(c.fullName))).toBe(true)
    const dossiers = (await lines(join(world.truthDir, "records", "dossier.jsonl"))).map((l) => JSON.parse(l))
    expect([...citizens.map((c) => c.unit.address), ...dossiers.map((d) => d.resultSummary)].some((v) => /^[=+\-@]/.test(v ?? ""))).toBe(true)
  })
})

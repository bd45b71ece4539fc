/**
 * `generateWorld`: builds a seeded synthetic world — one new province made of two or more old
 * provinces, each with its vendor's TTHC and civil-status databases — writes it into MariaDB,
 * PostgreSQL or PGlite, and writes `job.json` and the ground truth next to it.
 *
 * Volumes at scale 1: ≈10,000 citizen records, 50,000 dossiers, 5,000 civil-status events;
 * linear in the scale (agencies and accounts follow the units). Generation streams: rows are
 * written in batches as they are drawn, and only a few numbers per citizen stay in memory.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { basename, isAbsolute, join, relative, resolve } from "node:path"
import type { UnitCatalog } from "../mappings/admin-units/catalog.ts"
import { loadUnitCatalog } from "../mappings/admin-units/load-unit-catalog.ts"
import { builtInSyntheticCatalog } from "../mappings/admin-units/synthetic-catalog.ts"
import type { SourceSystem } from "../mappings/canonical-records.ts"
import { isSafeIdentifier, parseDatabaseLocation, redactDsn } from "../connectors/database-location.ts"
import { createDatabaseIfMissing, type DatabaseHandle, openDatabase } from "../connectors/open-database.ts"
import { generateAgenciesAndAccounts, type SourceAgencies } from "./agencies-accounts.ts"
import { generateCitizens, type SourceCitizens } from "./citizens.ts"
import { generateCivilStatus } from "./civil-status.ts"
import { generateDossiers } from "./dossiers.ts"
import { Random } from "./random.ts"
import { createPgliteDatabase } from "./pglite-template.ts"
import { SourceSink } from "./source-sink.ts"
import { TruthWriter } from "./truth-writer.ts"
import { type BulkWriter, openBulkWriter } from "./vendor-schemas/source-tables.ts"
import { createVendorATables } from "./vendor-schemas/vendor-a.ts"
import { createVendorBTables } from "./vendor-schemas/vendor-b.ts"
import { chooseWorldUnits, provinceSlug, type WorldSource, type WorldUnits } from "./world-units.ts"

/** Volumes at scale 1. */
export const SCALE_1 = { citizens: 10_000, dossiers: 50_000, births: 3_000, deaths: 1_000, marriages: 1_000 } as const

export interface GenerateWorldOptions {
  /** Output directory: job.json, truth/ and (without servers) sources/ go here. */
  readonly out: string
  /** Volume multiplier (fractions allowed). Default 1. */
  readonly scale?: number
  /** Same seed → same world. Default 1. */
  readonly seed?: number | string
  /** MariaDB server DSN (mysql://user[:pass]@host:port[/ignored]) for vendor A sources; default PGlite. */
  readonly mysql?: string | undefined
  /** PostgreSQL server DSN for vendor B sources; default PGlite. */
  readonly postgres?: string | undefined
  /** Unit catalog path (cleaned directory, official workbook or CSV); default the built-in synthetic catalog. */
  readonly catalog?: string | undefined
  /** New province code to build the world around; default: the one with the most splits. */
  readonly province?: string | undefined
  /** Prefix of server database names; default derived from the output directory's name. */
  readonly dbPrefix?: string | undefined
  /** Job name in job.json; default "synthetic-<province>-s<seed>". */
  readonly jobName?: string | undefined
  /**
   * false: draw the world and write job.json and the truth, but no source databases (for tests
   * and for measuring the generator alone). Default true.
   */
  readonly writeSources?: boolean
  /** Rows per bulk insert / COPY. Default 5000. */
  readonly batchSize?: number
  readonly onProgress?: (message: string) => void
}

/** job.json as written (paths relative to the job file's directory). */
export interface JobFile {
  readonly name: string
  readonly province: { readonly code: string; readonly name: string }
  readonly catalog: string
  readonly sources: readonly {
    readonly name: string
    readonly vendor: string
    readonly oldProvinceCode: string
    readonly tthc: string
    readonly civilStatus: string
  }[]
  readonly target: string
  readonly output: string
  readonly batchSize: number
}

export interface GeneratedSource {
  readonly name: string
  readonly vendor: string
  readonly oldProvinceCode: string
  /** DSNs as in job.json (PGlite paths relative to the job file). */
  readonly tthc: string
  readonly civilStatus: string
  /** Rows written per source table. */
  readonly rows: Readonly<Record<string, number>>
  /** SHA-256 of the rows written per source table (same seed and scale → same checksums). */
  readonly checksums: Readonly<Record<string, string>>
}

export interface GeneratedWorld {
  readonly out: string
  readonly jobFile: string
  readonly truthDir: string
  readonly job: JobFile
  readonly sources: readonly GeneratedSource[]
  readonly totals: {
    readonly agencies: number
    readonly accounts: number
    readonly citizens: number
    readonly dossiers: number
    readonly civilStatusEvents: number
    readonly rows: number
    readonly rejects: number
  }
  readonly elapsedMs: number
  readonly rowsPerSecond: number
}

export class GenerateWorldError extends Error {}

/** Database-name prefix from the output directory's name: lowercase, [a-z0-9_], starting with a letter. */
export const dbPrefixFor = (out: string): string => {
  let p = basename(resolve(out)).toLowerCase().replace(/[^a-z0-9_]+/g, "_").replace(/^_+|_+$/g, "")
  if (p === "" || !/^[a-z]/.test(p)) p = `pm_${p}`
  return p.slice(0, 40)
}

/** A server DSN pointing at one database (any database in the given DSN is replaced). */
const serverDatabase = (server: string, database: string): string => {
  let url: URL
  try {
    url = new URL(server)
  } catch {
    throw new GenerateWorldError(`not a server DSN: ${redactDsn(server)}`)
  }
  url.pathname = `/${database}`
  return url.toString()
}

interface SourceLocations {
  /** As written in job.json. */
  readonly job: Record<SourceSystem, string>
  /** As opened here (absolute PGlite directories). */
  readonly open: Record<SourceSystem, string>
}

const locationsFor = (source: WorldSource, out: string, prefix: string, options: GenerateWorldOptions): SourceLocations => {
  const server = source.vendor === "vendor-a" ? options.mysql : options.postgres
  const systems: Record<SourceSystem, string> = { tthc: "tthc", civil_status: "hotich" }
  if (server !== undefined) {
    const dsn = (s: SourceSystem) => {
      const db = `${prefix}_${source.letter}_${systems[s]}`
      if (!isSafeIdentifier(db)) throw new GenerateWorldError(`database name '${db}' is not a safe identifier; choose another --db-prefix`)
      return serverDatabase(server, db)
    }
    const job = { tthc: dsn("tthc"), civil_status: dsn("civil_status") }
    return { job, open: job }
  }
  const dir = (s: SourceSystem) => `sources/${source.name}-${s === "tthc" ? "tthc" : "civil-status"}`
  return {
    job: { tthc: `pglite:${dir("tthc")}`, civil_status: `pglite:${dir("civil_status")}` },
    open: { tthc: `pglite:${join(out, dir("tthc"))}`, civil_status: `pglite:${join(out, dir("civil_status"))}` }
  }
}

interface OpenSource {
  readonly handle: DatabaseHandle | undefined
  readonly writer: BulkWriter
  readonly sink: SourceSink
}

const discardingWriter: BulkWriter = { write: async () => {}, close: async () => {} }

const openSource = async (
  dsn: string | undefined,
  source: WorldSource,
  system: SourceSystem,
  truth: TruthWriter,
  world: WorldUnits,
  batchSize: number
): Promise<OpenSource> => {
  if (dsn === undefined) {
    return { handle: undefined, writer: discardingWriter, sink: new SourceSink(source.name, discardingWriter, truth, world, batchSize) }
  }
  const location = parseDatabaseLocation(dsn)
  let handle: DatabaseHandle
  if (location.engine === "pglite" && location.dataDir !== undefined) handle = await createPgliteDatabase(location.dataDir)
  else {
    await createDatabaseIfMissing(location)
    handle = await openDatabase(location, { poolSize: 2 })
  }
  try {
    if (source.vendor === "vendor-a") await createVendorATables(handle, system)
    else await createVendorBTables(handle, system)
    const writer = await openBulkWriter(handle)
    return { handle, writer, sink: new SourceSink(source.name, writer, truth, world, batchSize) }
  } catch (e) {
    await handle.close()
    throw e
  }
}

const closeSources = async (sources: readonly OpenSource[]): Promise<void> => {
  for (const s of sources) {
    await s.sink.flush()
    await s.writer.close()
    await s.handle?.close()
  }
}

const loadCatalog = async (path: string | undefined): Promise<UnitCatalog> =>
  path === undefined ? builtInSyntheticCatalog() : (await loadUnitCatalog(path)).catalog

export const generateWorld = async (options: GenerateWorldOptions): Promise<GeneratedWorld> => {
  const started = performance.now()
  const scale = options.scale ?? 1
  if (!(scale > 0) || !Number.isFinite(scale)) throw new GenerateWorldError(`scale must be a positive number, got ${scale}`)
  const seed = options.seed ?? 1
  const batchSize = options.batchSize ?? 5000
  const out = resolve(options.out)
  const progress = options.onProgress ?? (() => {})
  const prefix = options.dbPrefix ?? dbPrefixFor(out)
  if (!/^[a-z][a-z0-9_]{0,39}$/.test(prefix)) throw new GenerateWorldError(`database prefix '${prefix}' must match [a-z][a-z0-9_]{0,39}`)

  const catalog = await loadCatalog(options.catalog)
  const world = chooseWorldUnits(catalog, options.province)
  progress(`world: new province ${world.newProvince.code} ${world.newProvince.name} = ${world.sources.map((s) => `${s.province.name} (${s.province.code}, ${s.vendor})`).join(" + ")}`)

  await mkdir(out, { recursive: true })
  const truth = await TruthWriter.create(join(out, "truth"))
  const locations = world.sources.map((s) => locationsFor(s, out, prefix, options))
  const writeSources = options.writeSources ?? true

  // TTHC systems: agencies, accounts, citizens, dossiers
  const tthc: OpenSource[] = []
  let agencyPlans: SourceAgencies[] = []
  let citizens: SourceCitizens[] = []
  let accounts = 0
  let dossiers = 0
  try {
    for (const [i, s] of world.sources.entries()) tthc.push(await openSource(writeSources ? locations[i]!.open.tthc : undefined, s, "tthc", truth, world, batchSize))
    for (const [i, s] of world.sources.entries()) {
      const r = await generateAgenciesAndAccounts(Random.forConcept(seed, `accounts:${s.name}`), s, tthc[i]!.sink, seed)
      agencyPlans.push(r.agencies)
      accounts += r.accounts
    }
    progress("agencies and accounts written")
    citizens = await generateCitizens(Random.forConcept(seed, "citizens"), world, tthc.map((t) => t.sink), Math.round(SCALE_1.citizens * scale))
    progress(`citizens written: ${citizens.map((c) => c.count).join(" + ")}`)
    const totalCitizens = citizens.reduce((n, c) => n + c.count, 0)
    for (const [i, s] of world.sources.entries()) {
      const share = totalCitizens === 0 ? 0 : citizens[i]!.count / totalCitizens
      dossiers += await generateDossiers(
        Random.forConcept(seed, `dossiers:${s.name}`), world, s, tthc[i]!.sink, citizens[i]!, agencyPlans[i]!, Math.round(SCALE_1.dossiers * scale * share)
      )
      progress(`dossiers written for ${s.name}`)
    }
  } finally {
    await closeSources(tthc)
  }

  // civil-status systems
  const civil: OpenSource[] = []
  let events = 0
  try {
    for (const [i, s] of world.sources.entries()) civil.push(await openSource(writeSources ? locations[i]!.open.civil_status : undefined, s, "civil_status", truth, world, batchSize))
    const totalCitizens = citizens.reduce((n, c) => n + c.count, 0)
    for (const [i, s] of world.sources.entries()) {
      const share = totalCitizens === 0 ? 0 : citizens[i]!.count / totalCitizens
      events += await generateCivilStatus(Random.forConcept(seed, `civil:${s.name}`), world, s, civil[i]!.sink, citizens[i]!, {
        births: Math.round(SCALE_1.births * scale * share),
        deaths: Math.round(SCALE_1.deaths * scale * share),
        marriages: Math.round(SCALE_1.marriages * scale * share)
      })
    }
    progress("civil-status events written")
  } finally {
    await closeSources(civil)
  }
  await truth.close()

  const rowsBySource = world.sources.map((s, i) => {
    const rows: Record<string, number> = {}
    for (const o of [tthc[i]!, civil[i]!]) for (const [t, n] of o.sink.rowCounts) rows[t] = n
    return rows
  })
  const checksumsBySource = world.sources.map((s, i) => ({ ...tthc[i]!.sink.checksums(), ...civil[i]!.sink.checksums() }))
  const job: JobFile = {
    name: options.jobName ?? `synthetic-${provinceSlug(world.newProvince.name) || world.newProvince.code}-s${seed}`,
    province: world.newProvince,
    catalog: options.catalog === undefined ? "builtin" : relativePath(out, options.catalog),
    sources: world.sources.map((s, i) => ({
      name: s.name,
      vendor: s.vendor,
      oldProvinceCode: s.province.code,
      tthc: locations[i]!.job.tthc,
      civilStatus: locations[i]!.job.civil_status
    })),
    target: "pglite:target",
    output: "reports",
    batchSize
  }
  const jobFile = join(out, "job.json")
  await writeFile(jobFile, JSON.stringify(job, null, 2) + "\n")
  const elapsedMs = performance.now() - started
  const rows = rowsBySource.reduce((n, r) => n + Object.values(r).reduce((a, b) => a + b, 0), 0)
  const agencies = agencyPlans.reduce((n, a) => n + a.all.length, 0)
  agencyPlans = []
  return {
    out,
    jobFile,
    truthDir: join(out, "truth"),
    job,
    sources: job.sources.map((s, i) => ({ ...s, rows: rowsBySource[i]!, checksums: checksumsBySource[i]! })),
    totals: {
      agencies,
      accounts,
      citizens: citizens.reduce((n, c) => n + c.count, 0),
      dossiers,
      civilStatusEvents: events,
      rows,
      rejects: truth.rejectCount
    },
    elapsedMs,
    rowsPerSecond: rows / (elapsedMs / 1000)
  }
}

const relativePath = (from: string, path: string): string => {
  const abs = isAbsolute(path) ? path : resolve(path)
  return relative(from, abs) || "."
}

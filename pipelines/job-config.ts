/**
 * The job file (job.json) a data team writes for one new province, validated with Schema so a
 * mistake is reported with the field it is in. Relative paths and pglite: directories are taken
 * relative to the job file's own directory.
 */
import { readFile } from "node:fs/promises"
import { createHash } from "node:crypto"
import { dirname, isAbsolute, resolve } from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { parseDatabaseLocation, type DatabaseLocation } from "../connectors/database-location.ts"

const Slug = Schema.String.pipe(Schema.check(Schema.isPattern(/^[a-z0-9][a-z0-9-]{0,40}$/, {
  message: "must be lower-case letters, digits and '-' (it becomes part of every source key)"
})))
const NonEmpty = Schema.String.pipe(Schema.check(Schema.isNonEmpty({ message: "must not be empty" })))
const Dsn = Schema.String.pipe(Schema.check(Schema.isPattern(/^(mysql|mariadb|postgres|postgresql):\/\/|^pglite:/, {
  message: "must be a DSN: mysql://user@host:3306/db, postgres://user@host:5432/db or pglite:<directory>"
})))
const PositiveInt = Schema.Number.pipe(Schema.check(Schema.isInt(), Schema.isGreaterThan(0)))

export const SourceConfig = Schema.Struct({
  name: Slug,
  vendor: NonEmpty,
  oldProvinceCode: Schema.String.pipe(Schema.check(Schema.isPattern(/^\d{2}$/, { message: "must be a 2-digit old province code" }))),
  tthc: Dsn,
  civilStatus: Dsn,
  concurrency: Schema.optional(PositiveInt)
})

export const JobConfigSchema = Schema.Struct({
  name: NonEmpty,
  province: Schema.Struct({ code: Schema.String.pipe(Schema.check(Schema.isPattern(/^\d{2}$/, { message: "must be a 2-digit new province code" }))), name: NonEmpty }),
  catalog: NonEmpty,
  sources: Schema.Array(SourceConfig).pipe(Schema.check(Schema.isMinLength(1, { message: "needs at least one source" }))),
  target: Schema.optional(Dsn),
  output: Schema.optional(NonEmpty),
  batchSize: Schema.optional(PositiveInt),
  unitHints: Schema.optional(NonEmpty),
  /** Old role → new role (null: the role is abolished). Default: DEFAULT_ROLE_MAP. */
  roleMap: Schema.optional(Schema.Record(Schema.String, Schema.NullOr(Schema.String))),
  /** CSV of agency successor rules (level, field, name_pattern, target, department, note). Default: the built-in rules. */
  agencyRules: Schema.optional(NonEmpty),
  /** Folder of scanned district results (PDF, TIFF, PNG, JPEG) to digitize and link. */
  scans: Schema.optional(NonEmpty),
  lang: Schema.optional(Schema.Literals(["vi", "en"]))
})

export type JobConfigFile = typeof JobConfigSchema.Type

/** A job with every path resolved and every DSN parsed. */
export interface Job {
  readonly file: string
  readonly name: string
  readonly province: { readonly code: string; readonly name: string }
  /** "builtin" or an absolute path to the official crosswalk (directory, CSV or xlsx). */
  readonly catalog: string
  readonly sources: ReadonlyArray<{
    readonly name: string
    readonly vendor: string
    readonly oldProvinceCode: string
    readonly tthc: DatabaseLocation
    readonly civilStatus: DatabaseLocation
    readonly concurrency: number
  }>
  readonly target: DatabaseLocation
  readonly outputDir: string
  readonly batchSize: number
  readonly unitHints: string | undefined
  readonly roleMap: Readonly<Record<string, string | null>> | undefined
  readonly agencyRules: string | undefined
  readonly scansDir: string | undefined
  readonly lang: "vi" | "en"
  /** sha256 of the job file's content, shown in the workbook header. Never includes secrets in clear. */
  readonly configHash: string
}

export class InvalidJobConfig extends Data.TaggedError("InvalidJobConfig")<{
  readonly file: string
  readonly problem: string
}> {
  override get message() {
    return `The job file ${this.file} is not valid:\n${this.problem}\nFix the field named above and run again.`
  }
}

export const loadJob = (file: string, overrides: { readonly target?: string | undefined } = {}): Effect.Effect<Job, InvalidJobConfig> =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (e) => new InvalidJobConfig({ file, problem: `cannot read it (${(e as NodeJS.ErrnoException).code ?? String(e)})` })
    })
    const json = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: (e) => new InvalidJobConfig({ file, problem: `it is not JSON: ${(e as Error).message}` })
    })
    const config = yield* Schema.decodeUnknownEffect(JobConfigSchema)(json, { errors: "all", onExcessProperty: "error" }).pipe(
      Effect.mapError((e) => new InvalidJobConfig({ file, problem: String(e.message) }))
    )
    return yield* Effect.try({
      try: () => resolveJob(file, text, config, overrides),
      catch: (e) => new InvalidJobConfig({ file, problem: (e as Error).message })
    })
  })

const resolveJob = (file: string, text: string, config: JobConfigFile, overrides: { readonly target?: string | undefined }): Job => {
  const base = dirname(resolve(file))
  const at = (p: string) => (isAbsolute(p) ? p : resolve(base, p))
  const location = (field: string, dsn: string): DatabaseLocation => {
    try {
      const parsed = parseDatabaseLocation(dsn)
      return parsed.engine === "pglite" && parsed.dataDir !== undefined ? { engine: "pglite", dataDir: at(parsed.dataDir) } : parsed
    } catch (e) {
      throw new Error(`at ["${field}"]: ${(e as Error).message}`)
    }
  }
  const names = new Set<string>()
  for (const s of config.sources) {
    if (names.has(s.name)) throw new Error(`at ["sources"]: the source name '${s.name}' is used twice`)
    names.add(s.name)
  }
  return {
    file: resolve(file),
    name: config.name,
    province: config.province,
    catalog: config.catalog === "builtin" ? "builtin" : at(config.catalog),
    sources: config.sources.map((s, i) => ({
      name: s.name,
      vendor: s.vendor,
      oldProvinceCode: s.oldProvinceCode,
      tthc: location(`sources"][${i}]["tthc`, s.tthc),
      civilStatus: location(`sources"][${i}]["civilStatus`, s.civilStatus),
      concurrency: s.concurrency ?? 2
    })),
    target: location("target", overrides.target ?? config.target ?? "pglite:target"),
    outputDir: at(config.output ?? "reports"),
    batchSize: config.batchSize ?? 5000,
    unitHints: config.unitHints === undefined ? undefined : at(config.unitHints),
    roleMap: config.roleMap,
    agencyRules: config.agencyRules === undefined ? undefined : at(config.agencyRules),
    scansDir: config.scans === undefined ? undefined : at(config.scans),
    lang: config.lang ?? "vi",
    configHash: createHash("sha256").update(text).digest("hex").slice(0, 16)
  }
}

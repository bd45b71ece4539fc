/**
 * A small generated world (vendor A in MariaDB, vendor B in PostgreSQL) migrated into a scratch
 * PostgreSQL target, for the review and diff tests; everything is dropped by `cleanup`.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import ExcelJS from "exceljs"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { dropDatabaseIfExists, openDatabase, type DatabaseHandle } from "../../connectors/open-database.ts"
import type { CitizenForMatching, CitizenMatcher } from "../../pipelines/deduplicate-citizens.ts"
import { type Job, loadJob } from "../../pipelines/job-config.ts"
import { silentProgress } from "../../pipelines/progress-events.ts"
import { runJob, type RunOptions, type RunResult } from "../../pipelines/run-job.ts"
import { generateWorld, type GeneratedWorld } from "../../synthetic/world.ts"
import { MARIADB_SERVER, POSTGRES_SERVER, scratchDatabase, type ScratchDatabase, uniqueName } from "../support/databases.ts"

export interface MigratedWorld {
  readonly dir: string
  readonly world: GeneratedWorld
  readonly target: ScratchDatabase
  readonly handle: DatabaseHandle
  readonly job: Job
  readonly first: RunResult
  run(options?: Partial<RunOptions>): Promise<RunResult>
  cleanup(): Promise<void>
}

export const migrateWorld = async (options: {
  readonly prefix: string
  readonly scale: number
  readonly seed: number
  readonly batchSize?: number
  /**
   * Default: exact CCCD matching without review pairs. (The probabilistic matcher refuses to
   * train on worlds this small, and these tests are about reconciliation and review, not linkage.)
   */
  readonly matcher?: CitizenMatcher
}): Promise<MigratedWorld> => {
  const matcher = options.matcher ?? matcherWithReviewPairs(() => [])
  const dir = mkdtempSync(join(tmpdir(), `${options.prefix}-`))
  let world: GeneratedWorld | undefined
  let target: ScratchDatabase | undefined
  let handle: DatabaseHandle | undefined
  const cleanup = async () => {
    await handle?.close().catch(() => undefined)
    await target?.drop().catch(() => undefined)
    for (const s of world?.sources ?? []) {
      for (const dsn of [s.tthc, s.civilStatus]) if (!dsn.startsWith("pglite:")) await dropDatabaseIfExists(parseDatabaseLocation(dsn)).catch(() => undefined)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    world = await generateWorld({
      out: join(dir, "world"),
      scale: options.scale,
      seed: options.seed,
      mysql: MARIADB_SERVER,
      postgres: POSTGRES_SERVER,
      dbPrefix: uniqueName(options.prefix),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize })
    })
    target = await scratchDatabase("postgres", `${options.prefix}_target`)
    const job = await Effect.runPromise(loadJob(world.jobFile, { target: target.dsn }))
    const run = (extra: Partial<RunOptions> = {}) =>
      Effect.runPromise(runJob(job, { progress: silentProgress, command: "test", matcher, ...extra }))
    const first = await run()
    handle = await openDatabase(target.location)
    return { dir, world, target, handle, job, first, run, cleanup }
  } catch (e) {
    await cleanup()
    throw e
  }
}

export const readWorkbook = async (path: string): Promise<ExcelJS.Workbook> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(path)
  return wb
}

export const sheetOf = (wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet => {
  const ws = wb.getWorksheet(name)
  if (ws === undefined) throw new Error(`no sheet '${name}' in the workbook (sheets: ${wb.worksheets.map((w) => w.name).join(", ")})`)
  return ws
}

/** A cell's value as text (formula results and rich text included). */
export const cellText = (value: ExcelJS.CellValue): string | null => {
  if (value === null || value === undefined) return null
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (value instanceof Date) return value.toISOString()
  if (typeof value === "object" && "richText" in value) return value.richText.map((r) => r.text).join("")
  if (typeof value === "object" && "result" in value) return cellText(value.result as ExcelJS.CellValue)
  if (typeof value === "object" && "text" in value) return String(value.text)
  return null
}

/**
 * Exact-CCCD matching (records sharing a CCCD are one person) plus review pairs chosen by `pick` (a test's stand-in for the
 * probabilistic matcher), honouring reviewers' merge / keep-apart decisions: a "merge" joins
 * the two clusters, a decided pair is no longer offered for review.
 */
export const matcherWithReviewPairs = (pick: (records: readonly CitizenForMatching[]) => Array<[CitizenForMatching, CitizenForMatching]>): CitizenMatcher =>
  (records, decisions) => {
    const cluster = new Map(records.map((r) => [r.id, r.cccd !== null && r.cccd !== "" ? `cccd:${r.cccd}` : `record:${r.id}`]))
    const decided = new Set(decisions.map((d) => [d.recordIdA, d.recordIdB].sort().join("|")))
    for (const d of decisions) {
      if (d.decision !== "merge") continue
      const from = cluster.get(d.recordIdB)
      const to = cluster.get(d.recordIdA)
      if (from === undefined || to === undefined) continue
      for (const [id, key] of cluster) if (key === from) cluster.set(id, to)
    }
    const size = new Map<string, number>()
    for (const key of cluster.values()) size.set(key, (size.get(key) ?? 0) + 1)
    const pairs = pick(records).filter(([a, b]) => !decided.has([a.id, b.id].sort().join("|")))
    return {
      assignments: records.map((r) => {
        const clusterKey = cluster.get(r.id)!
        const shared = (size.get(clusterKey) ?? 1) > 1
        return { recordId: r.id, clusterKey, status: shared ? "merged" as const : "unique" as const, score: shared ? 1 : null }
      }),
      reviewPairs: pairs.map(([a, b]) => ({ recordIdA: a.id, recordIdB: b.id, score: 4.2, breakdown: [{ field: "fullName", level: "similar", weight: 4.2 }] })),
      summary: { method: "test-review-pairs" }
    }
  }

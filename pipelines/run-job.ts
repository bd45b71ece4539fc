/**
 * A migration run, as one Effect program:
 *
 *   open target (migrate schema) · load unit catalog · open sources
 *   plan batches (ledger) → load agencies, accounts, citizens → deduplicate citizens
 *   → load dossiers and civil-status events → link to masters → merge accounts → reconcile (workbook)
 *
 * Verified batches are never re-read, so the same command resumes a killed run. Batches of one
 * source run with that source's bounded concurrency, sources side by side.
 */
import { randomBytes, randomUUID } from "node:crypto"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import { sql } from "kysely"
import { describeLocation } from "../connectors/database-location.ts"
import { type DatabaseHandle, openDatabase } from "../connectors/open-database.ts"
import { openSourceReader } from "../connectors/open-source-reader.ts"
import type { SourceReader } from "../connectors/source-reader.ts"
import type { EntityKind, SourceSystem } from "../mappings/canonical-records.ts"
import type { TableMapping, VendorMapping } from "../mappings/vendor-mapping.ts"
import { findVendorMapping, vendorMappings } from "../mappings/vendors/index.ts"
import { migrateTarget } from "../target/migrate-target.ts"
import { targetTables } from "../target/tables/index.ts"
import { linkCitizenMasters, runDeduplicationStage, type CitizenMatcher } from "./deduplicate-citizens.ts"
import { defaultCitizenMatcher } from "./citizen-matcher.ts"
import {
  BatchFailed,
  CatalogUnavailable,
  describeError,
  isTransientError,
  SourceUnavailable,
  StageFailed,
  TargetUnavailable,
  UnknownVendor
} from "./errors.ts"
import type { Job } from "./job-config.ts"
import { type BatchRow, isDone, listBatches, markFailed, markRunning } from "./ledger.ts"
import { loadBatch } from "./load-batch.ts"
import { withFirstLoadIndexesDeferred } from "./first-load-indexes.ts"
import { startTransformWorkers, transformWorkerCount, type TransformWorkers } from "./transform-workers.ts"
import { planTable } from "./plan-batches.ts"
import type { ProgressSink } from "./progress-events.ts"
import { type JobUnits, loadJobUnits } from "./unit-remapper.ts"
import { runAgencyStage } from "./map-agency-successors.ts"
import { runAccountStage } from "./merge-official-accounts.ts"
import { loadAgencyRules } from "./agency-rules.ts"
import { releaseMemory } from "./release-memory.ts"

import { TOOL_VERSION } from "./tool-version.ts"
export { TOOL_VERSION }

export interface RunOptions {
  readonly progress: ProgressSink
  readonly command: string
  /** Only these batches (rerun --batch); undefined: every batch not yet verified. */
  readonly batchIds?: readonly string[] | undefined
  /** Only failed batches, optionally of one source / table (rerun --failed). */
  readonly failedOnly?: { readonly source?: string | undefined; readonly table?: string | undefined } | undefined
  readonly matcher?: CitizenMatcher | undefined
  /** Run the OCR stage even on a rerun (after OCR decisions). */
  readonly forceOcr?: boolean | undefined
  /** Run the deduplication stage even when no citizen batch was loaded (after duplicate decisions). */
  readonly forceDedupe?: boolean | undefined
  readonly maskIdentifiers?: boolean | undefined
  readonly fetchSize?: number | undefined
}

export interface RunResult {
  readonly runId: string
  readonly status: "succeeded" | "failed"
  readonly workbook: string
  readonly batches: { readonly verified: number; readonly failed: number; readonly skipped: number }
  readonly failedBatches: ReadonlyArray<{ readonly batchId: string; readonly error: string }>
}

interface Environment {
  readonly job: Job
  readonly target: DatabaseHandle
  readonly remapper: JobUnits
  readonly vendors: ReadonlyMap<string, VendorMapping>
  readonly reader: (source: string, system: SourceSystem) => Effect.Effect<SourceReader, SourceUnavailable>
  readonly runId: string
  readonly options: RunOptions
  /** Sources that stayed unreachable through a batch's retries: their other batches wait for the next run. */
  readonly unavailableSources: Set<string>
  /** Transform workers for the per-row work of batches (undefined: on the loader's thread). */
  readonly workers: TransformWorkers | undefined
  /** Closes the source connections opened so far (after the last load; `reader` opens them again if asked). */
  readonly closeReaders: () => Effect.Effect<void>
}

export const openTarget = (job: Job) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: async () => {
        // Every source may load `concurrency` batches at once, plus the stages' own connections.
        const poolSize = job.sources.reduce((n, s) => n + s.concurrency, 0) + 2
        const handle = await openDatabase(job.target, { poolSize })
        await migrateTarget(handle.db)
        return handle
      },
      catch: (e) => new TargetUnavailable({ target: describeLocation(job.target), cause: describeError(e) })
    }),
    // As for the sources: a connection the server killed may never answer its goodbye, and
    // everything of the run is committed by now, so the close gets a few seconds, then is let go.
    // (Not PGlite's: its close is what writes the embedded database out.)
    (handle) => {
      const close = Effect.tryPromise(() => handle.close())
      return (handle.engine === "pglite" ? close : close.pipe(Effect.timeout("10 seconds"))).pipe(Effect.ignore)
    }
  )

const acquireEnvironment = (job: Job, options: RunOptions) =>
  Effect.gen(function*() {
    const vendors = new Map<string, VendorMapping>()
    for (const s of job.sources) {
      const mapping = findVendorMapping(s.vendor)
      if (mapping === undefined) return yield* new UnknownVendor({ source: s.name, vendor: s.vendor, known: Object.keys(vendorMappings) })
      vendors.set(s.name, mapping)
    }
    const remapper = yield* Effect.tryPromise({
      try: () => loadJobUnits(job.catalog, job.unitHints),
      catch: (e) => new CatalogUnavailable({ path: job.catalog, cause: describeError(e) })
    })
    const target = yield* openTarget(job)
    const readers = new Map<string, Promise<SourceReader>>()
    // Closing a pool waits for each connection's goodbye; one the server has killed may never
    // answer, and nothing of the run depends on it: each close gets a few seconds, then is let go.
    const closeReaders = () =>
      Effect.suspend(() => {
        const open = [...readers.values()]
        readers.clear()
        return Effect.forEach(
          open,
          (r) => Effect.tryPromise(() => r.then((x) => x.close())).pipe(Effect.timeout("5 seconds"), Effect.ignore),
          { concurrency: "unbounded", discard: true }
        )
      })
    yield* Effect.addFinalizer(closeReaders)
    const reader = (source: string, system: SourceSystem) =>
      Effect.tryPromise({
        try: () => {
          const key = `${source}/${system}`
          let r = readers.get(key)
          if (r === undefined) {
            const cfg = job.sources.find((s) => s.name === source)!
            r = openSourceReader(system === "tthc" ? cfg.tthc : cfg.civilStatus, cfg.concurrency + 1)
            r.catch(() => readers.delete(key))
            readers.set(key, r)
          }
          return r
        },
        catch: (e) => {
          const cfg = job.sources.find((s) => s.name === source)!
          return new SourceUnavailable({ source, database: describeLocation(system === "tthc" ? cfg.tthc : cfg.civilStatus), cause: describeError(e) })
        }
      })
    // The per-row work of batches from server sources runs in worker threads (a PostgreSQL target only).
    const workerCount = target.engine === "postgres" && job.sources.some((s) => s.tthc.engine !== "pglite" || s.civilStatus.engine !== "pglite")
      ? transformWorkerCount()
      : 0
    const workers = workerCount === 0 ? undefined : yield* Effect.acquireRelease(
      Effect.sync(() => startTransformWorkers({ count: workerCount, catalog: job.catalog, unitHints: job.unitHints })),
      (pool) => Effect.promise(() => pool.close())
    )
    return { job, target, remapper, vendors, reader, runId: randomUUID(), options, unavailableSources: new Set<string>(), workers, closeReaders } satisfies Environment
  })

/** Backoff for transient failures: 0.5 s, 1 s, 2 s, … with jitter. */
const retryPolicy = Schedule.exponential("500 millis", 2).pipe(Schedule.jittered)

/**
 * Runs a stage's promise as an Effect whose failure names the stage. Stages are idempotent (each
 * writes in one transaction), so a lost connection or a restarted server is retried with backoff.
 */
const stage = <A>(name: string, work: () => Promise<A>) =>
  Effect.tryPromise({
    try: work,
    catch: (e) => ({ transient: isTransientError(e), failure: new StageFailed({ stage: name, cause: describeError(e) }) })
  }).pipe(
    Effect.retry({ schedule: retryPolicy, times: 5, while: (e) => e.transient }),
    Effect.mapError((e) => e.failure)
  )

interface PhaseOutcome {
  readonly outcomes: ReadonlyArray<{ readonly batchId: string; readonly status: "verified" | "failed"; readonly error: string | null }>
  readonly skipped: number
  /** Entities of which at least one batch was loaded in this phase. */
  readonly touched: ReadonlySet<EntityKind>
}

/**
 * Loads the selected batches of some entities (all sources side by side). `afterLoad` (given the
 * entities loaded) runs once the batches are done, while a first load's indexes are still
 * deferred: a set-based UPDATE there maintains one index instead of all of them.
 */
const loadPhase = (
  env: Environment,
  entities: readonly EntityKind[],
  afterLoad: (touched: ReadonlySet<EntityKind>) => Effect.Effect<void, StageFailed> = () => Effect.void
) =>
  Effect.gen(function*() {
    const all = yield* Effect.promise(() => listBatches(env.target.db, { entities }))
    const selected = all.filter((b) => selectBatch(b, env.options))
    const touched = new Set(selected.map((b) => b.entity))
    const tables = [...new Set(selected.map((b) => targetTables[b.entity].name))]
    const load = loadBatches(env, selected).pipe(Effect.tap(() => afterLoad(touched)))
    const outcomes = yield* withFirstLoadIndexesDeferred(env.target.db, tables, env.options.progress, load)
    return { outcomes, skipped: all.length - selected.length, touched } satisfies PhaseOutcome
  })

export const runJob = (job: Job, options: RunOptions) =>
  Effect.scoped(Effect.gen(function*() {
    const env = yield* acquireEnvironment(job, options)
    const { target, runId, options: { progress } } = env
    progress.emit({ type: "run_started", runId, job: job.name, target: target.description })
    for (const warning of env.remapper.warnings.slice(0, 20)) progress.emit({ type: "stage", stage: "catalog", message: warning })
    yield* recordRunStart(env)
    return yield* runPhases(env).pipe(
      Effect.tapError((e) => recordRunEnd(env, "failed", e.message))
    )
  }))

const runPhases = (env: Environment) =>
  Effect.gen(function*() {
    const { job, target, runId, options } = env
    const { progress } = options
    const full = options.batchIds === undefined && options.failedOnly === undefined
    if (full) yield* planAll(env)

    // Phase 1: agencies, accounts and citizens, then what needs all of them.
    progress.emit({ type: "stage", stage: "load", message: "phase 1: agencies, officials' accounts, citizens" })
    const first = yield* loadPhase(env, ["agency", "account", "citizen"])
    // The batches' garbage (COPY text, fetched rows) sits in an old space V8 let grow to several
    // times the live heap, and the next stage would start from there: hand it back now.
    yield* Effect.sync(releaseMemory)
    if (full || first.touched.has("agency") || first.touched.has("account")) yield* runConsolidation(env)
    if (full || first.touched.has("citizen") || options.forceDedupe === true) {
      progress.emit({ type: "stage", stage: "dedupe", message: "deduplicating citizens" })
      const summary = yield* stage("dedupe", () => runDeduplicationStage(target, options.matcher ?? defaultCitizenMatcher()))
      if (summary.modelRefused !== undefined) {
        progress.emit({ type: "stage", stage: "dedupe", message: `WARNING: the matching model was refused, only identical CCCDs were merged: ${summary.modelRefused}` })
      }
      progress.emit({ type: "stage", stage: "dedupe", message: `${summary.records} records → ${summary.masters} persons (${summary.merged} merged, ${summary.review} to review)` })
    }

    // Phase 2: dossiers and civil-status events, linked to the citizens' masters.
    progress.emit({ type: "stage", stage: "load", message: "phase 2: dossiers, civil-status events" })
    // The link (applicant, subject and spouse → master) rewrites every row of both tables, so it
    // runs before their deferred indexes are rebuilt (s52: 2.6M rows).
    const second = yield* loadPhase(env, ["dossier", "civil_status_event"], (touched) =>
      full || first.touched.has("citizen") || touched.size > 0 || options.forceDedupe === true
        ? Effect.gen(function*() {
          // PostgreSQL's work: this process idles, and would keep the batches' garbage meanwhile.
          yield* Effect.sync(releaseMemory)
          progress.emit({ type: "stage", stage: "link", message: "linking dossiers and civil-status events to the citizens' masters" })
          yield* stage("link", () => linkCitizenMasters(target))
        })
        : Effect.void
    )
    // The sources are not read again in this run: their pools and buffers go now, not at the end.
    yield* env.closeReaders()

    // Phase 3: scanned results of the district authorities, digitized and linked to dossiers.
    if (job.scansDir !== undefined && (full || options.forceOcr === true)) {
      const scansDir = job.scansDir
      progress.emit({ type: "stage", stage: "ocr", message: `digitizing scans under ${scansDir}` })
      // Loaded only for a job with scans: the OCR stack (tesseract, pdf.js, sharp) is heavy.
      const ocr = yield* stage("ocr", async () => {
        const { pageImageDirFor, runDigitizeStage } = await import("./digitize-results.ts")
        return runDigitizeStage(target, {
          scansDir,
          pageImageDir: pageImageDirFor(job.outputDir),
          onProgress: (message) => progress.emit({ type: "stage", stage: "ocr", message })
        })
      })
      progress.emit({
        type: "stage",
        stage: "ocr",
        message: `${ocr.files} files: ${ocr.digitized} digitized (${ocr.linked} linked), ${ocr.skipped} already done, ${ocr.rejected} rejected, ${ocr.toReview} items to review`
      })
    }

    progress.emit({ type: "stage", stage: "reconcile", message: "writing the reconciliation workbook" })
    const workbook = yield* stage("reconcile", async () => {
      // exceljs is loaded for this last stage only, not carried through the loading phases.
      const { writeRunWorkbook } = await import("./reconcile.ts")
      // As after phase 1: phase 2's (and the OCR stage's) garbage, the source pools and what
      // loading exceljs left go before the workbook; the release also shrinks V8's young
      // generation, which the workbook keeps at that size (reconcile.ts).
      releaseMemory()
      return writeRunWorkbook({ job, target, runId, toolVersion: TOOL_VERSION, maskIdentifiers: options.maskIdentifiers ?? false, unitNames: env.remapper.names })
    })
    const outcomes = [...first.outcomes, ...second.outcomes]
    const skipped = first.skipped + second.skipped
    const failed = outcomes.filter((o) => o.status === "failed")
    const status = failed.length === 0 ? "succeeded" as const : "failed" as const
    const message = failed.length === 0
      ? `${outcomes.length} batches verified, ${skipped} already verified before`
      : `${failed.length} batch(es) failed: ${failed.slice(0, 5).map((f) => f.batchId).join(", ")}${failed.length > 5 ? ", …" : ""}. ` +
        `Fix the cause, then 'provmerge rerun --failed ${job.file}'.`
    yield* recordRunEnd(env, status, message)
    progress.emit({ type: "run_finished", runId, status, workbook, message })
    return {
      runId,
      status,
      workbook,
      batches: { verified: outcomes.length - failed.length, failed: failed.length, skipped },
      failedBatches: failed.map((f) => ({ batchId: f.batchId, error: f.error ?? "" }))
    } satisfies RunResult
  })

const recordRunEnd = (env: Environment, status: "succeeded" | "failed", message: string) =>
  Effect.promise(() =>
    env.target.db.withSchema("provmerge").updateTable("runs")
      .set({ finished_at: sql`now()`, status, message }).where("run_id", "=", env.runId).execute()
      .catch(() => undefined)
  )

/** Agencies get their successors, then officials' accounts are merged (they need the agencies' levels). */
const runConsolidation = (env: Environment) =>
  Effect.gen(function*() {
    const { target, options: { progress } } = env
    const rules = yield* stage("agencies", () => loadAgencyRules(env.job.agencyRules))
    const agencies = yield* stage("agencies", () => runAgencyStage(target, env.remapper.catalog, rules))
    progress.emit({ type: "stage", stage: "agencies", message: `${agencies.agencies} agencies: ${agencies.placed} with a successor, ${agencies.orphans} to review` })
    const accounts = yield* stage("accounts", () => runAccountStage(target, env.job.roleMap))
    progress.emit({
      type: "stage",
      stage: "accounts",
      message: `${accounts.records} source accounts → ${accounts.accounts} accounts (${accounts.merged} merged, ${accounts.disabled} disabled, ` +
        `${accounts.mustReset} must reset the password, ${accounts.conflicts} conflicts to review)`
    })
  })

const selectBatch = (b: BatchRow, options: RunOptions): boolean => {
  if (options.batchIds !== undefined) return options.batchIds.includes(b.batch_id)
  if (options.failedOnly !== undefined) {
    return b.status === "failed" &&
      (options.failedOnly.source === undefined || b.source === options.failedOnly.source) &&
      (options.failedOnly.table === undefined || b.source_table === options.failedOnly.table)
  }
  return !isDone(b)
}

const recordRunStart = (env: Environment) =>
  Effect.promise(() =>
    env.target.db.withSchema("provmerge").insertInto("runs").values({
      run_id: env.runId,
      job_name: env.job.name,
      province_code: env.job.province.code,
      config_hash: env.job.configHash,
      tool_version: TOOL_VERSION,
      command: env.options.command,
      signing_key: randomBytes(24).toString("hex"),
      started_at: sql`now()`,
      status: "running"
    }).execute()
  )

const planAll = (env: Environment) =>
  Effect.forEach(env.job.sources, (source) =>
    Effect.forEach(env.vendors.get(source.name)!.tables, (mapping) =>
      Effect.gen(function*() {
        const reader = yield* env.reader(source.name, mapping.system)
        const planned = yield* Effect.tryPromise({
          try: () => planTable(env.target.db, reader, source.name, mapping, env.job.batchSize),
          catch: (e) => new SourceUnavailable({ source: source.name, database: reader.description, cause: `planning ${mapping.table}: ${describeError(e)}` })
        })
        const pending = (yield* Effect.promise(() => listBatches(env.target.db, { source: source.name, table: mapping.table }))).filter((b) => !isDone(b))
        env.options.progress.emit({
          type: "planned",
          source: source.name,
          table: mapping.table,
          batches: planned.newBatches,
          pending: pending.length,
          estimatedRows: pending.length * env.job.batchSize
        })
      }), { discard: true }), { concurrency: 2, discard: true })

const loadBatches = (env: Environment, batches: readonly BatchRow[]) =>
  Effect.forEach(
    env.job.sources,
    (source) =>
      Effect.forEach(
        batches.filter((b) => b.source === source.name),
        (batch) => loadOne(env, batch),
        { concurrency: env.target.engine === "pglite" ? 1 : source.concurrency }
      ),
    { concurrency: "unbounded" }
  ).pipe(Effect.map((perSource) => perSource.flat()))


/** What a transform worker needs to read a batch of this source itself (server sources only). */
const workersFor = (env: Environment, source: Job["sources"][number], system: SourceSystem) => {
  const location = system === "tthc" ? source.tthc : source.civilStatus
  if (env.workers === undefined || location.engine === "pglite") return undefined
  return { pool: env.workers, sourceDsn: location.url.toString(), vendor: source.vendor, poolSize: source.concurrency + 1 }
}

const loadOne = (env: Environment, batch: BatchRow) => {
  const mapping: TableMapping | undefined = env.vendors.get(batch.source)?.tables.find((t) => t.table === batch.source_table)
  const source = env.job.sources.find((s) => s.name === batch.source)!
  const started = Date.now()
  let attempt = batch.attempt
  const once = Effect.gen(function*() {
    if (env.unavailableSources.has(batch.source)) {
      return yield* new BatchFailed({ batchId: batch.batch_id, attempt, cause: `not attempted: source '${batch.source}' is unavailable (run again once it is back)`, transient: false })
    }
    if (mapping === undefined) {
      return yield* new BatchFailed({ batchId: batch.batch_id, attempt, cause: `the vendor mapping of '${batch.source}' has no table '${batch.source_table}'`, transient: false })
    }
    const reader = yield* env.reader(batch.source, batch.system).pipe(
      Effect.mapError((e) => new BatchFailed({ batchId: batch.batch_id, attempt, cause: e.message, transient: true }))
    )
    attempt++
    return yield* Effect.tryPromise({
      try: async () => {
        await markRunning(env.target.db, batch.batch_id, env.runId)
        return loadBatch({
          target: env.target,
          reader,
          mapping,
          context: { source: batch.source, oldProvinceCode: source.oldProvinceCode },
          remapper: env.remapper,
          table: targetTables[mapping.entity],
          batch,
          runId: env.runId,
          fetchSize: env.options.fetchSize ?? 2000,
          workers: workersFor(env, source, batch.system)
        })
      },
      catch: (e) => new BatchFailed({ batchId: batch.batch_id, attempt, cause: describeError(e), transient: isTransientError(e) })
    })
  })
  return once.pipe(
    Effect.tapError((e) =>
      Effect.sync(() => {
        if (e.transient) env.options.progress.emit({ type: "batch_retry", batchId: batch.batch_id, attempt: e.attempt, error: e.cause })
      })
    ),
    Effect.retry({ schedule: retryPolicy, times: 5, while: (e) => e.transient }),
    Effect.map((outcome) => ({ batchId: outcome.batchId, status: outcome.status, error: outcome.error, read: outcome.read, loaded: outcome.loaded, rejected: outcome.rejected })),
    Effect.catch((e) =>
      Effect.promise(async () => {
        if (e.transient) env.unavailableSources.add(batch.source)
        // A batch not attempted stays planned: the next run takes it like any other.
        if (!e.cause.startsWith("not attempted")) await markFailed(env.target.db, batch.batch_id, e.cause, Date.now() - started).catch(() => undefined)
      }).pipe(
        Effect.as({ batchId: batch.batch_id, status: "failed" as const, error: e.cause, read: 0, loaded: 0, rejected: 0 })
      )
    ),
    Effect.tap((o) =>
      Effect.sync(() =>
        env.options.progress.emit({
          type: "batch_finished",
          source: batch.source,
          table: batch.source_table,
          batchId: o.batchId,
          status: o.status,
          read: o.read,
          loaded: o.loaded,
          rejected: o.rejected,
          durationMs: Date.now() - started,
          error: o.error
        })
      )
    )
  )
}

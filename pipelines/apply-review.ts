/**
 * `provmerge review apply`: takes a reviewed workbook back. Every answer is validated first (the
 * workbook's signed control sheet, allowed values, candidate communes, unedited keys, the run it
 * came from); if anything is wrong, every problem is reported and nothing is applied. Otherwise
 * the decisions are stored with who decided and when (a log row per change), and only what they
 * affect runs again: the batches of re-decided unit references, the deduplication stage for
 * duplicate decisions. Applying the same workbook twice changes nothing the second time.
 */
import { createHash } from "node:crypto"
import { readFile } from "node:fs/promises"
import { basename } from "node:path"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { sql } from "kysely"
import { readReviewDecisions, readWorkbookRunId, type ReviewDecision, type ReviewError } from "../reports/review-reader.ts"
import { reviewMessage } from "../reports/review-messages.ts"
import { withTargetTransaction } from "../connectors/target-session.ts"
import type { Job } from "./job-config.ts"
import { loadJobUnits } from "./unit-remapper.ts"
import { openTarget, runJob, type RunResult } from "./run-job.ts"
import type { ProgressSink } from "./progress-events.ts"
import { CatalogUnavailable, describeError, StageFailed } from "./errors.ts"

export class ReviewRejected extends Data.TaggedError("ReviewRejected")<{ readonly path: string; readonly errors: readonly ReviewError[] }> {
  override get message() {
    const lines = this.errors.slice(0, 50).map((e) =>
      `  - ${[e.sheet, e.row === null ? null : `row ${e.row}`, e.column].filter((x) => x !== null).join(", ")}${e.sheet === null ? "" : ": "}${e.message} ${e.hint}`
    )
    const more = this.errors.length > 50 ? [`  … and ${this.errors.length - 50} more`] : []
    return [`Nothing was applied from ${this.path}: ${this.errors.length} problem(s) to fix first.`, ...lines, ...more].join("\n")
  }
}

export interface ApplyReviewResult {
  /** Answers read from the workbook. */
  readonly decisions: number
  /** Decisions stored because they were new or different (a log row each). */
  readonly changed: number
  /** Review keys answered in the workbook that the migration no longer has under review (nothing to apply). */
  readonly notFound: readonly string[]
  readonly rerunBatches: readonly string[]
  readonly dedupeRerun: boolean
  readonly run: RunResult | null
}

const provinceCommuneError = (job: Job, d: ReviewDecision, code: string): ReviewError => ({
  code: "INVALID_COMMUNE_CODE",
  sheet: d.sheet,
  row: d.row,
  column: null,
  ...(job.lang === "vi"
    ? {
      message: `«${code}» không phải mã xã/phường mới của ${job.province.name} (${job.province.code}).`,
      hint: "Nhập mã 5 chữ số của một xã/phường mới thuộc tỉnh/thành phố này (xem danh mục đơn vị hành chính mới)."
    }
    : {
      message: `«${code}» is not a new commune of ${job.province.name} (${job.province.code}).`,
      hint: "Type the 5-digit code of a new commune (xã/phường) of this province, from the new unit catalog."
    })
})

export const applyReview = (job: Job, path: string, options: { readonly reviewer: string; readonly progress: ProgressSink }) =>
  Effect.gen(function*() {
    // The file is read once: its hash identifies what was applied, and both readers parse these bytes.
    const bytes = yield* Effect.tryPromise({
      try: () => readFile(path),
      catch: (e) => new ReviewRejected({ path, errors: [{ code: "FILE_UNREADABLE", sheet: null, row: null, column: null, ...reviewMessage(job.lang, "FILE_UNREADABLE", { detail: describeError(e) }) }] })
    })
    const workbookHash = createHash("sha256").update(bytes).digest("hex")
    const runId = yield* Effect.tryPromise({ try: () => readWorkbookRunId(bytes), catch: () => null }).pipe(Effect.orElseSucceed(() => null))
    const { decisions, changed, unitBatches, duplicatesChanged, ocrChanged, notFound } = yield* Effect.scoped(Effect.gen(function*() {
      const target = yield* openTarget(job)
      const runs = target.db.withSchema("provmerge").selectFrom("runs")
      const run = runId === null
        ? undefined
        : yield* Effect.promise(() => runs.select(["run_id", "signing_key"]).where("run_id", "=", runId).executeTakeFirst())
      if (runId !== null && run === undefined) {
        // A workbook of another migration (or another target): say which run it is from and which one this is.
        const latest = yield* Effect.promise(() => runs.select("run_id").orderBy("started_at", "desc").limit(1).executeTakeFirst())
        const params = { found: runId, expected: latest?.run_id ?? `(${job.name})` }
        return yield* new ReviewRejected({ path, errors: [{ code: "FOREIGN_RUN", sheet: null, row: null, column: null, ...reviewMessage(job.lang, "FOREIGN_RUN", params) }] })
      }
      const read = yield* Effect.promise(() => readReviewDecisions(bytes, run?.run_id ?? "", { signingKey: run?.signing_key ?? "" }))
      if (read.errors.length > 0) return yield* new ReviewRejected({ path, errors: read.errors })
      const units = yield* Effect.tryPromise({
        try: () => loadJobUnits(job.catalog, job.unitHints),
        catch: (e) => new CatalogUnavailable({ path: job.catalog, cause: describeError(e) })
      })
      const problems: ReviewError[] = []
      for (const d of read.decisions) {
        if (d.kind !== "unit") continue
        const chosen = units.chosen(d.communeCode)
        if (chosen === undefined || chosen.newProvinceCode !== job.province.code) problems.push(provinceCommuneError(job, d, d.communeCode))
      }
      if (problems.length > 0) return yield* new ReviewRejected({ path, errors: problems })
      return yield* Effect.tryPromise({
        try: () => storeDecisions(target, read.decisions, { reviewer: options.reviewer, workbook: basename(path), workbookHash, runId: run!.run_id }),
        catch: (e) => new StageFailed({ stage: "review apply", cause: describeError(e) })
      }).pipe(Effect.map((stored) => ({ decisions: read.decisions.length, ...stored })))
    }))
    let run: RunResult | null = null
    if (unitBatches.length > 0 || duplicatesChanged || ocrChanged) {
      options.progress.emit({ type: "stage", stage: "review", message: `${changed} decision(s) stored; rerunning ${unitBatches.length} batch(es)${duplicatesChanged ? " and the deduplication" : ""}` })
      run = yield* runJob(job, {
        progress: options.progress,
        command: "review apply",
        batchIds: unitBatches,
        forceDedupe: duplicatesChanged,
        forceOcr: ocrChanged
      })
    }
    return { decisions, changed, notFound, rerunBatches: unitBatches, dedupeRerun: duplicatesChanged, run } satisfies ApplyReviewResult
  })

const storeDecisions = async (
  target: import("../connectors/open-database.ts").DatabaseHandle,
  decisions: readonly ReviewDecision[],
  who: { readonly reviewer: string; readonly workbook: string; readonly workbookHash: string; readonly runId: string }
): Promise<{ changed: number; unitBatches: string[]; duplicatesChanged: boolean; ocrChanged: boolean; notFound: string[] }> => {
  const db = target.db
  return withTargetTransaction(target, async (session) => {
    let changed = 0
    const unitBatches = new Set<string>()
    let duplicatesChanged = false
    let ocrChanged = false
    const notFound: string[] = []
    for (const d of decisions) {
      const value = d.kind === "unit" ? d.communeCode : d.kind === "duplicate" ? (d.decision === "keepApart" ? "keep_apart" : "merge") : d.decision === "correct" ? `correct:${d.correctedValue ?? ""}` : "confirm"
      const existing = (await session.query<{ decision: string | null; batch_id: string | null }>(
        sql`select decision, batch_id from provmerge.review_items where review_key = ${d.reviewKey}`.compile(db)
      ))[0]
      let batchId = existing?.batch_id ?? null
      if (existing === undefined && d.kind === "unit") {
        // An unknown unit code was a reject, not a review item: the answer makes it one, in the reject's batch.
        const reject = (await session.query<{ batch_id: string; source: string; source_table: string; source_key: string; raw_value: string | null }>(
          sql`select batch_id, source, source_table, source_key, raw_value from provmerge.rejects
            where source_key = ${d.reviewKey.replace(/^unit:/, "")} and error_code = 'UNIT_UNKNOWN'`.compile(db)
        ))[0]
        if (reject === undefined) {
          notFound.push(d.reviewKey)
          continue
        }
        await session.query(sql`insert into provmerge.review_items (review_key, kind, batch_id, source, source_table, source_key, payload)
          values (${d.reviewKey}, 'unit', ${reject.batch_id}, ${reject.source}, ${reject.source_table}, ${reject.source_key},
            ${JSON.stringify({ status: "unknown", raw: reject.raw_value, candidates: [] })})`.compile(db))
        batchId = reject.batch_id
      } else if (existing === undefined) {
        notFound.push(d.reviewKey)
        continue
      } else if (existing.decision === value) {
        continue
      }
      await session.query(sql`update provmerge.review_items set decision = ${value}, decided_by = ${who.reviewer}, decided_at = now()
        where review_key = ${d.reviewKey}`.compile(db))
      await session.query(sql`insert into provmerge.review_log (review_key, kind, previous_decision, decision, decided_by, decided_at, workbook, workbook_sha256, run_id)
        values (${d.reviewKey}, ${d.kind}, ${existing?.decision ?? null}, ${value}, ${who.reviewer}, now(), ${who.workbook}, ${who.workbookHash}, ${who.runId})`.compile(db))
      changed++
      if (d.kind === "unit" && batchId !== null) unitBatches.add(batchId)
      if (d.kind === "duplicate") duplicatesChanged = true
      if (d.kind === "ocr") ocrChanged = true
    }
    return { changed, unitBatches: [...unitBatches].sort(), duplicatesChanged, ocrChanged, notFound }
  })
}

/** `provmerge rerun`: load chosen batches again (one batch, or every failed one). */
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { pipelines } from "../lazy-pipelines.ts"
import { makeProgressSink } from "../progress-display.ts"
import { jobFileArgument, logFormatFlag, maskFlag, optionValue, targetFlag } from "../shared-flags.ts"
import { failWhen, usageError } from "../exit-status.ts"
import { limitHeapGrowth } from "../heap-growth.ts"

export const rerunCommand = Command.make(
  "rerun",
  {
    job: jobFileArgument,
    target: targetFlag,
    batch: Flag.String("batch").pipe(Flag.withDescription("The id of one batch to load again (as 'provmerge status' shows it)"), Flag.optional),
    failed: Flag.Boolean("failed").pipe(Flag.withDescription("Load every failed batch again"), Flag.withDefault(false)),
    source: Flag.String("source").pipe(Flag.withDescription("With --failed: only this source"), Flag.optional),
    table: Flag.String("table").pipe(Flag.withDescription("With --failed: only this source table"), Flag.optional),
    logFormat: logFormatFlag,
    mask: maskFlag
  },
  (flags) =>
    Effect.gen(function*() {
      const batchId = optionValue(flags.batch)
      if ((batchId === undefined) === !flags.failed) {
        return yield* usageError("Give either --batch <id> or --failed (with optional --source / --table).")
      }
      const { loadJob } = yield* pipelines.jobConfig
      const { getBatch } = yield* pipelines.ledger
      const { BatchNotFound } = yield* pipelines.errors
      const { openTarget, runJob } = yield* pipelines.runJob
      const job = yield* loadJob(flags.job, { target: optionValue(flags.target) })
      if (batchId !== undefined) {
        const exists = yield* Effect.scoped(Effect.gen(function*() {
          const target = yield* openTarget(job)
          return yield* Effect.promise(() => getBatch(target.db, batchId))
        }))
        if (exists === undefined) return yield* new BatchNotFound({ batchId })
      }
      limitHeapGrowth()
      const progress = makeProgressSink(flags.logFormat)
      const result = yield* runJob(job, {
        progress,
        command: batchId !== undefined ? `rerun --batch ${batchId}` : "rerun --failed",
        batchIds: batchId === undefined ? undefined : [batchId],
        failedOnly: flags.failed ? { source: optionValue(flags.source), table: optionValue(flags.table) } : undefined,
        maskIdentifiers: flags.mask
      }).pipe(Effect.ensuring(Effect.sync(() => progress.close())))
      yield* failWhen(result.status === "failed", `${result.batches.failed} batch(es) still failed`)
    })
).pipe(Command.withDescription(
  "Load batches again: --batch <id> for one (a verified batch reloads to the same rows), --failed for all failed ones. " +
    "Deduplication and the workbook are refreshed afterwards."
))

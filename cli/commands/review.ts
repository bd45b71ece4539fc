/** `provmerge review apply <xlsx>`: take reviewers' answers back into the migration. */
import { userInfo } from "node:os"
import * as Effect from "effect/Effect"
import { Argument, Command, Flag } from "effect/cli"
import { pipelines } from "../lazy-pipelines.ts"
import { makeProgressSink } from "../progress-display.ts"
import { logFormatFlag, optionValue, targetFlag } from "../shared-flags.ts"
import { failWhen } from "../exit-status.ts"
import type { ApplyReviewResult } from "../../pipelines/apply-review.ts"

/** What `review apply` prints when the answers were taken. */
export const formatApplyResult = (result: ApplyReviewResult): string => {
  const lines = [
    result.changed === 0
      ? `${result.decisions} answer(s) read, all already applied: nothing to do.`
      : `${result.changed} of ${result.decisions} answer(s) stored as decisions; reran ${result.rerunBatches.length} batch(es)` +
        `${result.dedupeRerun ? " and the deduplication" : ""}.`
  ]
  if (result.notFound.length > 0) {
    lines.push(`${result.notFound.length} answer(s) are no longer under review in this migration and were left aside: ` +
      `${result.notFound.slice(0, 10).join(", ")}${result.notFound.length > 10 ? ", …" : ""}`)
  }
  if (result.run !== null) lines.push(`New workbook: ${result.run.workbook}`)
  return lines.join("\n") + "\n"
}

const applyCommand = Command.make(
  "apply",
  {
    workbook: Argument.String("workbook").pipe(Argument.withDescription("The reconciliation workbook (xlsx) with the reviewers' answers")),
    job: Flag.String("job").pipe(Flag.withDescription("The job file of the migration the workbook belongs to"), Flag.withDefault("job.json")),
    target: targetFlag,
    reviewer: Flag.String("reviewer").pipe(Flag.withDescription("Who decided (recorded with every decision); default: the OS user"), Flag.optional),
    logFormat: logFormatFlag
  },
  (flags) =>
    Effect.gen(function*() {
      const { loadJob } = yield* pipelines.jobConfig
      const { applyReview } = yield* pipelines.applyReview
      const job = yield* loadJob(flags.job, { target: optionValue(flags.target) })
      const progress = makeProgressSink(flags.logFormat)
      const result = yield* applyReview(job, flags.workbook, { reviewer: optionValue(flags.reviewer) ?? userInfo().username, progress })
        .pipe(Effect.ensuring(Effect.sync(() => progress.close())))
      yield* Effect.sync(() => process.stdout.write(formatApplyResult(result)))
      yield* failWhen(result.run?.status === "failed", "some batches failed while applying the decisions; see 'provmerge status'")
    })
).pipe(Command.withDescription(
  "Validate every answer in a reviewed workbook (nothing is applied if one is wrong), store the decisions with who and when, " +
    "and rerun only what they affect"
))

export const reviewCommand = Command.make("review").pipe(
  Command.withDescription("Work with reviewers' answers in reconciliation workbooks"),
  Command.withSubcommands([applyCommand])
)

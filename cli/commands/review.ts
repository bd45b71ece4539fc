/** `provmerge review apply <xlsx>`: take reviewers' answers back into the migration. */
import { userInfo } from "node:os"
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { pipelines } from "../lazy-pipelines.ts"
import { makeProgressSink } from "../progress-display.ts"
import { logFormatFlag, optionValue, targetFlag } from "../shared-flags.ts"
import { failWhen } from "../exit-status.ts"

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
      const { loadJob, applyReview } = yield* pipelines
      const job = yield* loadJob(flags.job, { target: optionValue(flags.target) })
      const progress = makeProgressSink(flags.logFormat)
      const result = yield* applyReview(job, flags.workbook, { reviewer: optionValue(flags.reviewer) ?? userInfo().username, progress })
        .pipe(Effect.ensuring(Effect.sync(() => progress.close())))
      yield* Effect.sync(() =>
        process.stdout.write(
          result.changed === 0
            ? `${result.decisions} answer(s) read, all already applied: nothing to do.\n`
            : `${result.changed} decision(s) applied; reran ${result.rerunBatches.length} batch(es)${result.dedupeRerun ? " and the deduplication" : ""}.\n` +
              (result.run === null ? "" : `New workbook: ${result.run.workbook}\n`)
        )
      )
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

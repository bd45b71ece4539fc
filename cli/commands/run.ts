/** `provmerge run <job.json>`: migrate (or resume migrating) one new province. */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
import { makeProgressSink } from "../progress-display.ts"
import { pipelines } from "../lazy-pipelines.ts"
import { jobFileArgument, logFormatFlag, maskFlag, optionValue, targetFlag } from "../shared-flags.ts"
import { failWhen } from "../exit-status.ts"
import { limitHeapGrowth } from "../heap-growth.ts"

export const runCommand = Command.make(
  "run",
  { job: jobFileArgument, target: targetFlag, logFormat: logFormatFlag, mask: maskFlag },
  (flags) =>
    Effect.gen(function*() {
      limitHeapGrowth()
      const { loadJob } = yield* pipelines.jobConfig
      const { runJob } = yield* pipelines.runJob
      const job = yield* loadJob(flags.job, { target: optionValue(flags.target) })
      const progress = makeProgressSink(flags.logFormat)
      const result = yield* runJob(job, { progress, command: "run", maskIdentifiers: flags.mask }).pipe(Effect.ensuring(Effect.sync(() => progress.close())))
      yield* failWhen(result.status === "failed", `${result.batches.failed} batch(es) failed; see 'provmerge status ${flags.job}'`)
    })
).pipe(Command.withDescription(
  "Migrate the sources of a job into the target: plan batches, extract, map, remap units, deduplicate, load, verify, " +
    "and write the reconciliation workbook. Run it again after a crash or a fix: verified batches are not read again."
))

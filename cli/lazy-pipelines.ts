/**
 * The pipelines, loaded when a command runs rather than when the CLI starts, and only those the
 * command uses: `--help` and argument errors answer at once, and `run` does not carry the review
 * reader (exceljs, jszip) it never calls. Each entry loads its module once.
 */
import * as Effect from "effect/Effect"

const lazy = <M>(load: () => Promise<M>): Effect.Effect<M> => {
  let loaded: Promise<M> | undefined
  return Effect.promise(() => (loaded ??= load()))
}

export const pipelines = {
  jobConfig: lazy(() => import("../pipelines/job-config.ts")),
  runJob: lazy(() => import("../pipelines/run-job.ts")),
  ledger: lazy(() => import("../pipelines/ledger.ts")),
  errors: lazy(() => import("../pipelines/errors.ts")),
  applyReview: lazy(() => import("../pipelines/apply-review.ts")),
  diffJob: lazy(() => import("../pipelines/diff-job.ts"))
}

/**
 * The pipelines, loaded when a command runs rather than when the CLI starts, so `--help` and
 * argument errors answer at once instead of after loading drivers, exceljs and the generator.
 */
import { Effect } from "effect"

const load = async () => {
  const [jobConfig, runJob, ledger, errors, applyReview] = await Promise.all([
    import("../pipelines/job-config.ts"),
    import("../pipelines/run-job.ts"),
    import("../pipelines/ledger.ts"),
    import("../pipelines/errors.ts"),
    import("../pipelines/apply-review.ts")
  ])
  return {
    loadJob: jobConfig.loadJob,
    runJob: runJob.runJob,
    openTarget: runJob.openTarget,
    listBatches: ledger.listBatches,
    getBatch: ledger.getBatch,
    BatchNotFound: errors.BatchNotFound,
    applyReview: applyReview.applyReview
  }
}

export const pipelines = Effect.promise(load)

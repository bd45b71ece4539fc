/** What a run reports as it goes; the CLI renders it as a live display, log lines or JSON. */
export type ProgressEvent =
  | { readonly type: "run_started"; readonly runId: string; readonly job: string; readonly target: string }
  | { readonly type: "planned"; readonly source: string; readonly table: string; readonly batches: number; readonly pending: number; readonly estimatedRows: number }
  | { readonly type: "batch_finished"; readonly source: string; readonly table: string; readonly batchId: string; readonly status: "verified" | "failed"; readonly read: number; readonly loaded: number; readonly rejected: number; readonly durationMs: number; readonly error: string | null }
  | { readonly type: "batch_retry"; readonly batchId: string; readonly attempt: number; readonly error: string }
  | { readonly type: "stage"; readonly stage: string; readonly message: string; readonly durationMs?: number }
  | { readonly type: "run_finished"; readonly runId: string; readonly status: "succeeded" | "failed"; readonly workbook: string | null; readonly message: string }

export interface ProgressSink {
  emit(event: ProgressEvent): void
}

export const silentProgress: ProgressSink = { emit: () => {} }

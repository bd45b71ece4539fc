/** `provmerge status`: the ledger, per source, table and state, with throughput and ETA. */
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import type { BatchRow } from "../../pipelines/ledger.ts"
import { pipelines } from "../lazy-pipelines.ts"
import { jobFileArgument, optionValue, targetFlag } from "../shared-flags.ts"

export interface TableStatus {
  readonly source: string
  readonly table: string
  readonly batches: number
  readonly byStatus: Readonly<Record<string, number>>
  readonly rowsRead: number
  readonly rowsLoaded: number
  readonly rowsRejected: number
  readonly rowsPerSecond: number | null
  readonly etaSeconds: number | null
  readonly failed: ReadonlyArray<{ readonly batchId: string; readonly error: string }>
}

/**
 * Per source table: batches by state, rows, and the throughput of the latest run that verified
 * batches of it, measured by wall clock (first start to last finish of those batches, so batches
 * loaded side by side are not counted twice), with the ETA of the batches still to load.
 */
export const summariseLedger = (batches: readonly BatchRow[]): TableStatus[] => {
  const groups = new Map<string, BatchRow[]>()
  for (const b of batches) {
    const key = `${b.source}/${b.source_table}`
    const g = groups.get(key)
    if (g === undefined) groups.set(key, [b])
    else g.push(b)
  }
  const time = (t: Date | string | null): number => (t === null ? Number.NaN : new Date(t).getTime())
  return [...groups.values()].map((g) => {
    const byStatus: Record<string, number> = {}
    for (const b of g) byStatus[b.status] = (byStatus[b.status] ?? 0) + 1
    const done = g.filter((b) => b.status === "verified")
    const rowsRead = done.reduce((s, b) => s + (b.rows_read ?? 0), 0)
    const latest = done.reduce<BatchRow | undefined>((l, b) => (l === undefined || time(b.finished_at) > time(l.finished_at) ? b : l), undefined)
    const ofLatestRun = latest === undefined ? [] : done.filter((b) => b.run_id === latest.run_id)
    const span = ofLatestRun.length === 0
      ? 0
      : Math.max(...ofLatestRun.map((b) => time(b.finished_at))) - Math.min(...ofLatestRun.map((b) => time(b.started_at)))
    const runRows = ofLatestRun.reduce((s, b) => s + (b.rows_read ?? 0), 0)
    const rate = span > 0 && Number.isFinite(span) ? (runRows * 1000) / span : null
    const remaining = g.length - done.length
    const perBatch = done.length > 0 ? rowsRead / done.length : 0
    return {
      source: g[0]!.source,
      table: g[0]!.source_table,
      batches: g.length,
      byStatus,
      rowsRead,
      rowsLoaded: done.reduce((s, b) => s + (b.rows_loaded ?? 0), 0),
      rowsRejected: done.reduce((s, b) => s + (b.rows_rejected ?? 0), 0),
      rowsPerSecond: rate === null ? null : Math.round(rate),
      etaSeconds: remaining === 0 ? 0 : rate === null || rate === 0 ? null : Math.ceil((remaining * perBatch) / rate),
      failed: g.filter((b) => b.status === "failed").map((b) => ({ batchId: b.batch_id, error: b.error ?? "" }))
    }
  })
}

export const formatStatusTable = (rows: readonly TableStatus[]): string => {
  const states = ["verified", "failed", "running", "planned"]
  const header = ["source/table".padEnd(34), ...states.map((s) => s.padStart(9)), "rows read".padStart(11), "rejected".padStart(9), "rows/s".padStart(8), "ETA".padStart(7)].join(" ")
  const lines = rows.map((r) =>
    [
      `${r.source}/${r.table}`.padEnd(34),
      ...states.map((s) => String(r.byStatus[s] ?? 0).padStart(9)),
      String(r.rowsRead).padStart(11),
      String(r.rowsRejected).padStart(9),
      String(r.rowsPerSecond ?? "-").padStart(8),
      (r.etaSeconds === null ? "?" : r.etaSeconds === 0 ? "done" : `${r.etaSeconds}s`).padStart(7)
    ].join(" ")
  )
  const failed = rows.flatMap((r) => r.failed)
  const failedLines = failed.length === 0
    ? []
    : ["", "Failed batches (rerun one with 'provmerge rerun --batch <id>', all with 'provmerge rerun --failed'):",
      ...failed.map((f) => `  ${f.batchId}: ${f.error}`)]
  return [header, ...lines, ...failedLines].join("\n")
}

export const statusCommand = Command.make(
  "status",
  {
    job: jobFileArgument,
    target: targetFlag,
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the status as JSON"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      const { loadJob } = yield* pipelines.jobConfig
      const { listBatches } = yield* pipelines.ledger
      const { openTarget } = yield* pipelines.runJob
      const job = yield* loadJob(flags.job, { target: optionValue(flags.target) })
      const batches = yield* Effect.scoped(Effect.gen(function*() {
        const target = yield* openTarget(job)
        return yield* Effect.promise(() => listBatches(target.db))
      }))
      const rows = summariseLedger(batches)
      yield* Effect.sync(() => {
        if (flags.json) process.stdout.write(JSON.stringify(rows, null, 2) + "\n")
        else if (rows.length === 0) process.stdout.write("No batches yet: run 'provmerge run' first.\n")
        else process.stdout.write(formatStatusTable(rows) + "\n")
      })
    })
).pipe(Command.withDescription("Show the batch ledger: per source and table, batches by state, rows, rows/s, ETA and the failed batches"))

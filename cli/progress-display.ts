/**
 * Renders run progress for the person or machine watching: a live table on a terminal (rows,
 * rows/s, ETA per table), one plain line per finished batch when output is not a TTY (CI, cron,
 * nohup at 2 a.m.), or one JSON object per event with --log-format json.
 */
import type { ProgressEvent, ProgressSink } from "../pipelines/progress-events.ts"

export type LogFormat = "auto" | "plain" | "json"

interface TableProgress {
  source: string
  table: string
  pendingBatches: number
  doneBatches: number
  failedBatches: number
  rows: number
  estimatedRows: number
  startedAt: number
}

const now = () => Date.now()

export const makeProgressSink = (format: LogFormat, out: NodeJS.WriteStream = process.stderr): ProgressSink & { close(): void } => {
  if (format === "json") {
    return {
      emit: (event) => out.write(JSON.stringify({ time: new Date().toISOString(), ...event }) + "\n"),
      close: () => {}
    }
  }
  const tables = new Map<string, TableProgress>()
  const live = format === "auto" && out.isTTY === true
  let drawnLines = 0
  let timer: NodeJS.Timeout | undefined
  const line = (text: string) => out.write(`${new Date().toISOString().slice(11, 19)} ${text}\n`)

  const redraw = () => {
    if (!live) return
    const rows = [...tables.values()].map((t) => {
      const elapsed = Math.max(1, now() - t.startedAt) / 1000
      const rate = t.rows / elapsed
      const remainingRows = Math.max(0, t.estimatedRows - t.rows)
      const eta = t.doneBatches >= t.pendingBatches ? "done" : rate > 0 ? `${Math.ceil(remainingRows / rate)}s` : "…"
      const failed = t.failedBatches > 0 ? `  ${t.failedBatches} FAILED` : ""
      return `  ${`${t.source}/${t.table}`.padEnd(36)} ${`${t.doneBatches}/${t.pendingBatches}`.padStart(9)} batches ${String(t.rows).padStart(10)} rows ${`${Math.round(rate)}`.padStart(8)} rows/s  ETA ${eta}${failed}`
    })
    if (drawnLines > 0) out.write(`\x1b[${drawnLines}A\x1b[0J`)
    out.write(rows.join("\n") + "\n")
    drawnLines = rows.length
  }

  const emit = (event: ProgressEvent) => {
    switch (event.type) {
      case "run_started":
        line(`run ${event.runId} of job '${event.job}' into ${event.target}`)
        if (live) timer = setInterval(redraw, 500)
        break
      case "planned": {
        tables.set(`${event.source}/${event.table}`, {
          source: event.source,
          table: event.table,
          pendingBatches: event.pending,
          doneBatches: 0,
          failedBatches: 0,
          rows: 0,
          estimatedRows: event.estimatedRows,
          startedAt: now()
        })
        if (!live) line(`planned ${event.source}/${event.table}: ${event.pending} batch(es) to load (${event.batches} new)`)
        break
      }
      case "batch_finished": {
        const t = tables.get(`${event.source}/${event.table}`)
        if (t !== undefined) {
          if (t.doneBatches === 0) t.startedAt = now() - event.durationMs
          t.doneBatches++
          t.rows += event.read
          if (event.status === "failed") t.failedBatches++
        }
        if (!live || event.status === "failed") {
          if (live) redraw()
          const rate = event.durationMs > 0 ? Math.round((event.read * 1000) / event.durationMs) : 0
          line(event.status === "verified"
            ? `verified ${event.batchId}: read ${event.read}, loaded ${event.loaded}, rejected ${event.rejected} (${rate} rows/s)`
            : `FAILED ${event.batchId}: ${event.error}`)
          if (live) drawnLines = 0
        }
        break
      }
      case "batch_retry":
        if (live) drawnLines = 0
        line(`retrying ${event.batchId} (attempt ${event.attempt} failed: ${event.error})`)
        break
      case "stage":
        redraw()
        if (live) drawnLines = 0
        line(`${event.stage}: ${event.message}`)
        break
      case "run_finished":
        if (timer !== undefined) clearInterval(timer)
        redraw()
        line(`run ${event.status}: ${event.message}`)
        if (event.workbook !== null) line(`reconciliation workbook: ${event.workbook}`)
        break
    }
  }
  return { emit, close: () => timer !== undefined && clearInterval(timer) }
}

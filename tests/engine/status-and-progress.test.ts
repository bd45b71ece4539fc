/**
 * What an operator reads: `provmerge status` per source, table and state with wall-clock rows/s
 * and ETA, and the run progress as plain log lines (not a TTY) or one JSON object per event.
 */
import { Writable } from "node:stream"
import { describe, expect, it } from "vitest"
import { formatStatusTable, summariseLedger } from "../../cli/commands/status.ts"
import { makeProgressSink } from "../../cli/progress-display.ts"
import type { BatchRow } from "../../pipelines/ledger.ts"

const batch = (seq: number, status: BatchRow["status"], extra: Partial<BatchRow> = {}): BatchRow => ({
  batch_id: `src:ho_so:${seq * 100 - 99}-${seq * 100}`,
  source: "src",
  system: "tthc",
  source_table: "ho_so",
  entity: "dossier",
  seq,
  key_lo: String(seq * 100 - 99),
  key_hi: String(seq * 100),
  status,
  attempt: status === "planned" ? 0 : 1,
  rows_read: status === "verified" ? 100 : null,
  rows_loaded: status === "verified" ? 98 : null,
  rows_rejected: status === "verified" ? 2 : null,
  rows_review: 0,
  source_checksum: null,
  target_checksum: null,
  error: status === "failed" ? "Unknown column 'trich_yeu' in 'field list' [ER_BAD_FIELD_ERROR]" : null,
  run_id: "run-2",
  started_at: null,
  finished_at: null,
  duration_ms: null,
  ...extra
})

describe("provmerge status", () => {
  // Two batches loaded side by side in 2 s of wall clock (4 s of batch time), one failed, two to go.
  const ledger: BatchRow[] = [
    batch(1, "verified", { started_at: "2025-07-01T02:00:00Z", finished_at: "2025-07-01T02:00:02Z", duration_ms: 2000 }),
    batch(2, "verified", { started_at: "2025-07-01T02:00:00Z", finished_at: "2025-07-01T02:00:02Z", duration_ms: 2000 }),
    batch(3, "failed"),
    batch(4, "running"),
    batch(5, "planned")
  ]

  it("counts batches by state and measures rows/s by wall clock, with the ETA of what is left", () => {
    const [t] = summariseLedger(ledger)
    expect(t!.byStatus).toEqual({ verified: 2, failed: 1, running: 1, planned: 1 })
    expect(t!.rowsRead).toBe(200)
    expect(t!.rowsRejected).toBe(4)
    expect(t!.rowsPerSecond).toBe(100) // 200 rows in 2 s, not 200 rows in 4 s of summed batch time
    expect(t!.etaSeconds).toBe(3) // 3 batches × 100 rows at 100 rows/s
    expect(t!.failed).toEqual([{ batchId: "src:ho_so:201-300", error: expect.stringMatching(/trich_yeu/) }])
  })

  it("prints one line per table and the failed batches with the commands that rerun them", () => {
    const text = formatStatusTable(summariseLedger(ledger))
    expect(text).toMatch(/src\/ho_so\s+2\s+1\s+1\s+1\s+200\s+4\s+100\s+3s/)
    expect(text).toMatch(/rerun --batch <id>/)
    expect(text).toMatch(/src:ho_so:201-300: Unknown column 'trich_yeu'/)
  })

  it("says done when nothing is left and ? when nothing was measured yet", () => {
    expect(summariseLedger([batch(1, "verified", { started_at: "2025-07-01T02:00:00Z", finished_at: "2025-07-01T02:00:01Z" })])[0]!.etaSeconds).toBe(0)
    expect(summariseLedger([batch(1, "planned")])[0]!.etaSeconds).toBeNull()
  })
})

describe("run progress output", () => {
  const capture = () => {
    let text = ""
    const out = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk)
        cb()
      }
    }) as unknown as NodeJS.WriteStream
    return { out, text: () => text }
  }
  const events = [
    { type: "run_started", runId: "r1", job: "j", target: "postgres://x/db" },
    { type: "planned", source: "src", table: "ho_so", batches: 2, pending: 2, estimatedRows: 200 },
    { type: "batch_finished", source: "src", table: "ho_so", batchId: "src:ho_so:1-100", status: "verified", read: 100, loaded: 99, rejected: 1, durationMs: 500, error: null },
    { type: "batch_retry", batchId: "src:ho_so:101-200", attempt: 1, error: "Connection terminated unexpectedly" },
    { type: "batch_finished", source: "src", table: "ho_so", batchId: "src:ho_so:101-200", status: "failed", read: 0, loaded: 0, rejected: 0, durationMs: 900, error: "boom" },
    { type: "run_finished", runId: "r1", status: "failed", workbook: "/tmp/w.xlsx", message: "1 batch(es) failed" }
  ] as const

  it("writes plain lines when the output is not a terminal", () => {
    const c = capture()
    const sink = makeProgressSink("auto", c.out)
    for (const e of events) sink.emit(e)
    sink.close()
    const lines = c.text().trim().split("\n")
    expect(lines.some((l) => /verified src:ho_so:1-100: read 100, loaded 99, rejected 1 \(200 rows\/s\)/.test(l))).toBe(true)
    expect(lines.some((l) => /retrying src:ho_so:101-200 .*Connection terminated/.test(l))).toBe(true)
    expect(lines.some((l) => /FAILED src:ho_so:101-200: boom/.test(l))).toBe(true)
    expect(c.text()).not.toMatch(/\x1b\[/) // no terminal control codes in a log file
  })

  it("writes one JSON object per event with --log-format json", () => {
    const c = capture()
    const sink = makeProgressSink("json", c.out)
    for (const e of events) sink.emit(e)
    const parsed = c.text().trim().split("\n").map((l) => JSON.parse(l))
    expect(parsed.map((p) => p.type)).toEqual(events.map((e) => e.type))
    expect(parsed.every((p) => typeof p.time === "string")).toBe(true)
  })
})

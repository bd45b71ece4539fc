/**
 * Peak memory and time of writing a reconciliation workbook with 1,000,000 reject rows (the
 * exceljs streaming writer, rows generated lazily as the ledger would stream them), then of
 * `review apply` reading the decisions back from that workbook.
 * Run: node --expose-gc bench/reports-rejects-workbook.ts [rows] [out.xlsx]
 * Target (issue 7): peak RSS < 300 MB for the write.
 */
import { statSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { writeReconciliationWorkbook } from "../reports/reconciliation-workbook.ts"
import { readReviewDecisions } from "../reports/review-reader.ts"
import type { RejectRow } from "../reports/report-rows.ts"

const count = Number(process.argv[2] ?? 1_000_000)
const out = process.argv[3] ?? join(tmpdir(), `pm-bench-rejects-${process.pid}.xlsx`)

const stages = ["extract", "normalize", "unit-mapping", "dedupe", "load"]
const codes = ["INVALID_DATE", "INVALID_CCCD", "UNIT_UNKNOWN", "MISSING_REQUIRED", "LEGACY_DECODE_FAILED"]
const raws = ["31/02/2019", "=HYPERLINK(\"http://x\")", "0011223344", "Thôn Đoài, xã Phú Minh", "-12", null]

async function* rejects(): AsyncGenerator<RejectRow> {
  for (let i = 0; i < count; i++) {
    yield {
      source: i % 2 === 0 ? "mot-cua-hanoi" : "hotich-hatay",
      table: i % 3 === 0 ? "citizen" : "dossier",
      sourceKey: `HS-${String(i).padStart(9, "0")}`,
      stage: stages[i % stages.length] ?? "load",
      errorCode: codes[i % codes.length] ?? "LOAD_FAILED",
      message: `Giá trị không hợp lệ ở cột ngay_sinh của hồ sơ số ${i}`,
      rawValue: raws[i % raws.length] ?? null
    }
  }
}

let peak = 0
const peaks = { heapUsed: 0, external: 0, arrayBuffers: 0 }
const sample = (): void => {
  const m = process.memoryUsage()
  peak = Math.max(peak, m.rss)
  peaks.heapUsed = Math.max(peaks.heapUsed, m.heapUsed)
  peaks.external = Math.max(peaks.external, m.external)
  peaks.arrayBuffers = Math.max(peaks.arrayBuffers, m.arrayBuffers)
}
const timer = setInterval(sample, 50)
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`

const header = {
  runId: "bench-run",
  province: "Thành phố Hà Nội (01)",
  sources: ["mot-cua-hanoi", "hotich-hatay"],
  startedAt: new Date(),
  finishedAt: new Date(),
  toolVersion: "bench",
  configHash: "bench"
}
const started = performance.now()
const result = await writeReconciliationWorkbook(out, { header, summary: [], rejects: rejects(), units: [], duplicates: [], accounts: [], ocr: [] })
const writeSeconds = (performance.now() - started) / 1000
sample()
const writePeak = peak
console.log(
  `write: ${result.rowCounts.rejects.toLocaleString("en-US")} reject rows in ${writeSeconds.toFixed(1)} s ` +
    `(${Math.round(result.rowCounts.rejects / writeSeconds).toLocaleString("en-US")} rows/s), ` +
    `peak RSS ${mb(writePeak)} (sampled every 50 ms; peak heap ${mb(peaks.heapUsed)}, external ${mb(peaks.external)}), ` +
    `file ${mb(statSync(out).size)}`
)

;(globalThis as { gc?: () => void }).gc?.()
peak = 0
const readStarted = performance.now()
const review = await readReviewDecisions(out, "bench-run")
const readSeconds = (performance.now() - readStarted) / 1000
sample()
console.log(`review apply read: ${readSeconds.toFixed(1)} s, errors ${review.errors.length}, peak RSS ${mb(peak)}`)
console.log(`process max RSS (getrusage): ${mb(process.resourceUsage().maxRSS * 1024)}`)
clearInterval(timer)
if (process.argv[3] === undefined) rmSync(out, { force: true })

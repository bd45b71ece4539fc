/**
 * CSV export of report rows with the same cell safety as the workbooks: formula guard on every
 * string, password hashes redacted, optional identifier masking. UTF-8 with a byte-order mark so
 * Excel opens Vietnamese text correctly. Streams: a million rows keep memory flat.
 */
import { createWriteStream } from "node:fs"
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { stringify } from "csv-stringify"
import { safeCellValue, type CellData } from "./cell-safety.ts"
import { maskValue } from "./masking.ts"
import { labelsFor, translate, type Lang } from "./labels.ts"
import type { RejectRow } from "./report-rows.ts"

/** One CSV column: its header and how a row gives its value. */
export interface CsvColumn<R> {
  readonly header: string
  readonly value: (row: R) => CellData
  /** Field name used by identifier masking (a column named "citizenId" is masked whole). */
  readonly maskAs?: string
}

export interface CsvExportOptions {
  /** Mask CCCD/CMND and phone numbers (keep the last 3–4 digits). Default false. */
  readonly maskIdentifiers?: boolean
  /** Write a UTF-8 byte-order mark (Excel needs it for Vietnamese). Default true. */
  readonly bom?: boolean
}

/** A data value as CSV text: safe, masked when asked, dates as ISO 8601. */
export const csvCell = (value: CellData, maskIdentifiers: boolean, maskAs?: string): string => {
  const masked = maskIdentifiers ? maskValue(value, maskAs) : value
  const safe = safeCellValue(masked)
  if (safe === null) return ""
  if (safe instanceof Date) return safe.toISOString()
  return String(safe)
}

/** Writes rows to a CSV file with a header line; returns how many data rows were written. */
export const writeCsv = async <R>(
  path: string,
  columns: ReadonlyArray<CsvColumn<R>>,
  rows: Iterable<R> | AsyncIterable<R>,
  options: CsvExportOptions = {}
): Promise<{ readonly path: string; readonly rowCount: number }> => {
  const mask = options.maskIdentifiers ?? false
  let rowCount = 0
  async function* records(): AsyncGenerator<ReadonlyArray<string>> {
    // Headers are ours, but guard them too: a translated label must never start a formula.
    yield columns.map((c) => csvCell(c.header, false))
    for await (const row of rows) {
      rowCount++
      yield columns.map((c) => csvCell(c.value(row), mask, c.maskAs))
    }
  }
  await pipeline(
    Readable.from(records()),
    stringify({ bom: options.bom ?? true, record_delimiter: "windows" }),
    createWriteStream(path)
  )
  return { path, rowCount }
}

/** The Rejects sheet as CSV columns, for runs whose rejects are too many to browse in Excel. */
export const rejectCsvColumns = (lang: Lang): ReadonlyArray<CsvColumn<RejectRow>> => {
  const l = labelsFor(lang)
  const c = l.rejectColumns
  return [
    { header: c.source, value: (r) => r.source },
    { header: c.table, value: (r) => r.table },
    { header: c.sourceKey, value: (r) => r.sourceKey },
    { header: c.stage, value: (r) => translate(l.stages, r.stage) },
    { header: c.errorCode, value: (r) => r.errorCode },
    { header: c.message, value: (r) => r.message },
    { header: c.rawValue, value: (r) => r.rawValue }
  ]
}

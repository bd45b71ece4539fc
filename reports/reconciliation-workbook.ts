/**
 * The reconciliation workbook (bảng đối soát) of one migration run: Summary, Rejects, Units,
 * Duplicates, Accounts and OCR sheets, plus a hidden `_meta` sheet that lets `review apply`
 * take the reviewers' answers back safely.
 *
 * Written with exceljs' streaming WorkbookWriter, one sheet after the other, each row committed
 * as soon as it is built, and the event loop given a turn regularly so the zip stream drains:
 * a million reject rows keep memory flat. Every data string goes through cell-safety (formula
 * guard, secret redaction) and, when asked, identifier masking; formulas in the workbook are
 * only ones this module writes (the conservation check and the totals).
 */
import ExcelJS from "exceljs"
import * as Data from "effect/Data"
import { safeCellValue, type CellData } from "./cell-safety.ts"
import { maskValue } from "./masking.ts"
import { formatTimestamp, labelsFor, translate, type Labels, type Lang, type SheetId, type SummaryStatus } from "./labels.ts"
import {
  META_FIRST_CHOICE_COLUMN,
  META_FIRST_ENTRY_ROW,
  META_FORMAT_VERSION,
  META_MARKER,
  META_ROW,
  META_SHEET_NAME,
  REVIEW_KEY_PATTERN,
  candidateLabel,
  signReviewMeta,
  type ReviewKind,
  type ReviewMeta,
} from "./review-meta.ts"
import { ReviewMetaEntries } from "./review-meta-entries.ts"
import type {
  AccountRow,
  DuplicatePairRow,
  FieldValue,
  OcrReviewRow,
  RejectRow,
  RunHeader,
  SummaryRow,
  UnitReviewRow
} from "./report-rows.ts"

/** Rows may come as an array or streamed from the ledger. */
export type Rows<R> = Iterable<R> | AsyncIterable<R>

export interface ReconciliationInput {
  readonly header: RunHeader
  readonly summary: Rows<SummaryRow>
  readonly rejects: Rows<RejectRow>
  readonly units: Rows<UnitReviewRow>
  readonly duplicates: Rows<DuplicatePairRow>
  readonly accounts: Rows<AccountRow>
  readonly ocr: Rows<OcrReviewRow>
}

export interface ReconciliationOptions {
  /** Language of every label; default "vi". */
  readonly lang?: Lang
  /** Mask CCCD/CMND and phone numbers (keep the last 3–4 digits); default false. */
  readonly maskIdentifiers?: boolean
  /** Secret for the `_meta` signature (a per-run secret from the ledger); default a fixed key. */
  readonly signingKey?: string
  /** When the report is made; default now. Fixed in tests for reproducible files. */
  readonly generatedAt?: Date
}

export interface ReconciliationResult {
  readonly path: string
  /** Input items written per sheet (a duplicate pair counts once, though it spans several rows). */
  readonly rowCounts: Readonly<Record<SheetId, number>>
}

/** The pipeline handed the writer something it cannot put in a workbook (a programming error, said plainly). */
export class InvalidReportInput extends Data.TaggedError("InvalidReportInput")<{
  readonly sheet: string
  readonly message: string
}> {}

/** Layout facts tests and the review reader rely on. */
export const SUMMARY_HEADER_ROW = 11
export const TABLE_HEADER_ROW = 1

// ---------------------------------------------------------------------------------------------
// Styles

const COLORS = {
  headerFill: "FFDDEBF7",
  good: { fill: "FFC6EFCE", font: "FF006100" },
  bad: { fill: "FFFFC7CE", font: "FF9C0006" },
  warn: { fill: "FFFFEB9C", font: "FF9C5700" },
  todoFill: "FFFFF2CC"
} as const

const fillStyle = (tone: { readonly fill: string; readonly font: string }): Partial<ExcelJS.Style> => ({
  fill: { type: "pattern", pattern: "solid", bgColor: { argb: tone.fill } },
  font: { color: { argb: tone.font } }
})

const todoStyle: Partial<ExcelJS.Style> = { fill: { type: "pattern", pattern: "solid", bgColor: { argb: COLORS.todoFill } } }

/** How a column shows its values. `input` columns are text so "00004" typed by a reviewer stays "00004". */
type ColumnKind = "text" | "count" | "decimal" | "percent" | "input"

const NUM_FMT: Readonly<Record<ColumnKind, string | undefined>> = {
  text: undefined,
  count: "#,##0",
  decimal: "0.00",
  percent: "0.0%",
  input: "@"
}

interface ColumnSpec {
  readonly header: string
  readonly kind: ColumnKind
  readonly maxWidth?: number
  readonly minWidth?: number
}

const col = (header: string, kind: ColumnKind = "text", maxWidth?: number, minWidth?: number): ColumnSpec => ({
  header,
  kind,
  ...(maxWidth === undefined ? {} : { maxWidth }),
  ...(minWidth === undefined ? {} : { minWidth })
})

type Cell = ExcelJS.CellValue

interface SheetRow {
  readonly cells: ReadonlyArray<Cell>
  readonly emphasis?: boolean
}

// ---------------------------------------------------------------------------------------------
// Column widths: measured on the header and the first rows, in characters, for Vietnamese text
// (NFC, so a letter with diacritics counts once; a little slack for wider glyphs).

const WIDTH_SAMPLE_ROWS = 200
const DEFAULT_MAX_WIDTH = 50
const DEFAULT_MIN_WIDTH = 8
const EXCELJS_DEFAULT_WIDTH = 9

const displayLength = (value: Cell): number => {
  if (value === null || value === undefined) return 0
  if (typeof value === "string") return value.length
  if (typeof value === "number") return value.toLocaleString("en-US").length
  if (typeof value === "boolean") return 5
  if (value instanceof Date) return 19
  if (typeof value === "object" && "text" in value && typeof value.text === "string") return value.text.length
  if (typeof value === "object" && "result" in value) return displayLength(value.result as Cell)
  return 10
}

const headerWidth = (header: string): number => {
  const longestWord = Math.max(...header.split(/\s+/).map((w) => w.length))
  return Math.max(longestWord, Math.ceil(header.length / 2))
}

const measureWidths = (columns: ReadonlyArray<ColumnSpec>, rows: ReadonlyArray<SheetRow>): ReadonlyArray<number> =>
  columns.map((spec, index) => {
    let widest = headerWidth(spec.header)
    for (const row of rows) widest = Math.max(widest, displayLength(row.cells[index]))
    const width = Math.ceil(widest * 1.1) + 2
    return Math.min(spec.maxWidth ?? DEFAULT_MAX_WIDTH, Math.max(spec.minWidth ?? DEFAULT_MIN_WIDTH, width))
  })

// ---------------------------------------------------------------------------------------------
// Streaming

/** Rows between two turns of the event loop, so archiver and zlib drain what was written. */
const ROWS_PER_TURN = 256

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** Buffers (64 KB each) a sheet may queue while the zip is still busy with the previous entry. */
const MAX_QUEUED_BUFFERS = 32

/** What exceljs' StreamBuf exposes of its state: its consumers (the zip's deflate stream) and its queue. */
interface SheetStream {
  readonly pipes: ReadonlyArray<NodeJS.WritableStream & QueueState>
  readonly buffers: ReadonlyArray<unknown>
}

/** Node streams say it through writableLength; the readable-stream copy archiver uses through _writableState. */
interface QueueState {
  readonly writableLength?: number
  readonly writableHighWaterMark?: number
  readonly _writableState?: { readonly length?: number; readonly highWaterMark?: number }
}

/** Bytes a consumer may hold before the writer waits for it to drain. */
const MAX_PENDING_BYTES = 1024 * 1024

const pendingBytes = (pipe: QueueState): number => pipe.writableLength ?? pipe._writableState?.length ?? 0

const waitForDrain = (pipe: NodeJS.EventEmitter): Promise<void> =>
  new Promise((resolve) => {
    const done = (): void => {
      pipe.off("drain", done)
      pipe.off("close", done)
      pipe.off("error", done)
      resolve()
    }
    pipe.on("drain", done)
    pipe.on("close", done)
    pipe.on("error", done)
  })

/**
 * Backpressure the streaming writer lacks: exceljs writes every row into the zip's deflate
 * stream without looking at its buffer, so a fast producer piles the sheet up in memory. Wait
 * until the deflate stream has room (or, before the zip reaches this sheet, until the queue is
 * short) before producing more rows.
 */
const drainSheet = async (ws: ExcelJS.Worksheet): Promise<void> => {
  const stream = (ws as unknown as { stream?: SheetStream }).stream
  if (stream === undefined || !Array.isArray(stream.pipes)) return nextTurn()
  for (;;) {
    const pipe = stream.pipes[0]
    if (pipe === undefined) {
      if (stream.buffers.length <= MAX_QUEUED_BUFFERS) return nextTurn()
      await new Promise((resolve) => setTimeout(resolve, 2))
      continue
    }
    if (pendingBytes(pipe) <= MAX_PENDING_BYTES) return nextTurn()
    await waitForDrain(pipe)
  }
}

async function* asAsync<R>(rows: Rows<R>): AsyncGenerator<R> {
  if (Symbol.asyncIterator in rows) {
    yield* rows
  } else {
    yield* rows
  }
}

const columnLetter = (index1: number): string => {
  let n = index1
  let out = ""
  while (n > 0) {
    const rem = (n - 1) % 26
    out = String.fromCharCode(65 + rem) + out
    n = Math.floor((n - 1) / 26)
  }
  return out
}

type Writer = ExcelJS.stream.xlsx.WorkbookWriter

/** The streaming writer keeps validations in a plain model; the public typings omit it. */
interface ValidationHolder {
  readonly dataValidations: { add(address: string, validation: ExcelJS.DataValidation): void }
}
const validationsOf = (ws: ExcelJS.Worksheet): ValidationHolder["dataValidations"] =>
  (ws as unknown as ValidationHolder).dataValidations

/** Resolves once the zip has taken a committed sheet, so the next sheet never queues behind it. */
const commitSheet = (ws: ExcelJS.Worksheet): Promise<void> =>
  new Promise((resolve) => {
    const stream = (ws as unknown as { stream: NodeJS.EventEmitter }).stream
    stream.once("zipped", () => resolve())
    ws.commit()
  })

interface TableRange {
  readonly headerRow: number
  readonly firstDataRow: number
  /** Last data row; equals headerRow when the table is empty. */
  readonly lastDataRow: number
  readonly columnCount: number
}

interface TableSpec<R> {
  readonly name: string
  readonly columns: ReadonlyArray<ColumnSpec>
  /** Rows above the table header (the run header of the Summary sheet). */
  readonly preamble?: ReadonlyArray<SheetRow>
  readonly items: Rows<R>
  /** The sheet rows of one input item; `firstRow` is the sheet row number the first one lands on. */
  readonly toRows: (item: R, firstRow: number, ws: ExcelJS.Worksheet) => ReadonlyArray<SheetRow>
  /** Rows after the data (totals), outside the filter range. */
  readonly trailer?: (range: TableRange) => ReadonlyArray<SheetRow>
  /** Conditional formats and validations, once the data range is known. */
  readonly finish?: (ws: ExcelJS.Worksheet, range: TableRange) => void
  readonly state?: ExcelJS.WorksheetState
}

const writeRow = (ws: ExcelJS.Worksheet, row: SheetRow): void => {
  const added = ws.addRow([...row.cells])
  if (row.emphasis === true) added.font = { bold: true }
  added.commit()
}

/** Writes one sheet as a table: sized columns, styled frozen header, data, filter, formats. */
const writeTable = async <R>(wb: Writer, spec: TableSpec<R>): Promise<{ readonly count: number; readonly range: TableRange }> => {
  const preamble = spec.preamble ?? []
  const headerRow = preamble.length + 1
  const ws = wb.addWorksheet(spec.name, {
    views: [{ state: "frozen", xSplit: 0, ySplit: headerRow, activeCell: `A${headerRow + 1}`, showGridLines: true }],
    ...(spec.state === undefined ? {} : { state: spec.state })
  })

  // Buffer the first items to size the columns (exceljs writes <cols> before the first row).
  const iterator = asAsync(spec.items)[Symbol.asyncIterator]()
  const sampled: Array<ReadonlyArray<SheetRow>> = []
  let nextRow = headerRow + 1
  let sampledRows = 0
  while (sampledRows < WIDTH_SAMPLE_ROWS) {
    const next = await iterator.next()
    if (next.done === true) break
    const rows = spec.toRows(next.value, nextRow, ws)
    sampled.push(rows)
    nextRow += rows.length
    sampledRows += rows.length
  }
  const widths = measureWidths(spec.columns, [
    ...preamble.filter((r) => r.cells.length > 1),
    ...sampled.flat()
  ])
  // Only columns that need a number format get a style: exceljs registers every styled cell
  // with its style manager, which costs more than writing the cell (3x on a million rejects).
  // exceljs leaves out of <cols> an unstyled column of its default width (9) and the second of
  // two equal unstyled neighbours (the range merge is lost on writing): nudge those invisibly.
  let previous = Number.NaN
  ws.columns = spec.columns.map((c, i) => {
    const numFmt = NUM_FMT[c.kind]
    let width = widths[i] ?? DEFAULT_MIN_WIDTH
    if (width === EXCELJS_DEFAULT_WIDTH) width += 0.01
    if (width === previous) width += 0.02
    previous = width
    return { width, ...(numFmt === undefined ? {} : { style: { numFmt } }) }
  })

  for (const row of preamble) writeRow(ws, row)
  const header = ws.addRow(spec.columns.map((c) => c.header))
  header.height = 33
  header.eachCell((cell) => {
    cell.font = { bold: true }
    cell.alignment = { wrapText: true, vertical: "middle" }
    cell.fill = { type: "pattern", pattern: "solid", fgColor: { argb: COLORS.headerFill } }
    cell.border = { bottom: { style: "thin" } }
  })
  header.commit()

  let count = 0
  let sinceTurn = 0
  const emit = async (rows: ReadonlyArray<SheetRow>): Promise<void> => {
    for (const row of rows) writeRow(ws, row)
    count++
    sinceTurn += rows.length
    if (sinceTurn >= ROWS_PER_TURN) {
      sinceTurn = 0
      await drainSheet(ws)
    }
  }
  for (const rows of sampled) await emit(rows)
  sampled.length = 0
  for (;;) {
    const next = await iterator.next()
    if (next.done === true) break
    const rows = spec.toRows(next.value, nextRow, ws)
    nextRow += rows.length
    await emit(rows)
  }

  const range: TableRange = {
    headerRow,
    firstDataRow: headerRow + 1,
    lastDataRow: nextRow - 1,
    columnCount: spec.columns.length
  }
  for (const row of spec.trailer?.(range) ?? []) writeRow(ws, row)
  ws.autoFilter = `A${headerRow}:${columnLetter(spec.columns.length)}${range.lastDataRow}`
  spec.finish?.(ws, range)
  await commitSheet(ws)
  return { count, range }
}

/** The data range of one column, e.g. "M12:M80"; at least the first data row so formats stay valid. */
const columnRange = (range: TableRange, column: number): string => {
  const letter = columnLetter(column)
  return `${letter}${range.firstDataRow}:${letter}${Math.max(range.firstDataRow, range.lastDataRow)}`
}

// ---------------------------------------------------------------------------------------------
// Cells

interface CellContext {
  readonly labels: Labels
  readonly mask: boolean
}

/** A data cell: masked when asked (by field name if known), then made safe. */
const dataCell = (ctx: CellContext, value: CellData, maskAs?: string): Cell =>
  safeCellValue(ctx.mask ? maskValue(value, maskAs) : value)

/** A cell whose value the pipeline controls (codes, checksums, keys): made safe, never masked. */
const plainCell = (value: CellData): Cell => safeCellValue(value)

const fieldText = (value: FieldValue): CellData => {
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso
  }
  return value
}

const requireReviewKey = (sheet: string, key: string): void => {
  if (!REVIEW_KEY_PATTERN.test(key)) {
    throw new InvalidReportInput({
      sheet,
      message: `review key ${JSON.stringify(key)} must match ${REVIEW_KEY_PATTERN} (letters, digits, . _ : / # -)`
    })
  }
}

/** Adds a review row's `_meta` entry and returns its `_meta` row; a key a sheet already asked about is refused. */
const addMetaEntry = (
  meta: ReviewMetaEntries,
  sheet: string,
  kind: ReviewKind,
  key: string,
  status: string,
  choices: ReadonlyArray<string>
): number => {
  const offset = meta.add(kind, key, status, choices)
  if (offset === undefined) throw new InvalidReportInput({ sheet, message: `review key ${JSON.stringify(key)} appears twice` })
  return META_FIRST_ENTRY_ROW + offset
}

// ---------------------------------------------------------------------------------------------
// Sheets

/** khớp when checksums are equal and nothing is unaccounted for; chưa đối soát without checksums. */
export const summaryStatus = (row: SummaryRow): SummaryStatus => {
  if (row.sourceChecksum === null || row.targetChecksum === null) return "notChecked"
  const balanced = row.read - row.loaded - row.merged - row.rejected === 0
  return balanced && row.sourceChecksum === row.targetChecksum ? "match" : "mismatch"
}

const writeSummary = async (wb: Writer, ctx: CellContext, header: RunHeader, rows: Rows<SummaryRow>, generatedAt: Date, lang: Lang) => {
  const l = ctx.labels
  const h = l.runHeader
  const c = l.summaryColumns
  const preamble: SheetRow[] = [
    { cells: [h.title], emphasis: true },
    { cells: [h.runId, plainCell(header.runId)] },
    { cells: [h.province, plainCell(header.province)] },
    { cells: [h.sources, plainCell(header.sources.join(", "))] },
    { cells: [h.startedAt, formatTimestamp(header.startedAt, lang)] },
    { cells: [h.finishedAt, header.finishedAt === null ? h.inProgress : formatTimestamp(header.finishedAt, lang)] },
    { cells: [h.toolVersion, plainCell(header.toolVersion)] },
    { cells: [h.configHash, plainCell(header.configHash)] },
    { cells: [h.generatedAt, formatTimestamp(generatedAt, lang)] },
    { cells: [h.conservationNote] }
  ]
  // Column numbers (1-based) used by formulas and formats.
  const READ = 5, LOADED = 6, MERGED = 7, REJECTED = 8, PENDING = 9, DIFF = 10, STATUS = 13
  const totals = { read: 0, loaded: 0, merged: 0, rejected: 0, pendingReview: 0, mismatches: 0, unchecked: 0 }
  const letter = columnLetter
  const { count } = await writeTable(wb, {
    name: l.sheets.summary,
    preamble,
    columns: [
      col(c.source, "text", 30),
      col(c.table, "text", 30),
      col(c.oldUnitCode),
      col(c.oldUnitName, "text", 40),
      col(c.read, "count"),
      col(c.loaded, "count"),
      col(c.merged, "count"),
      col(c.rejected, "count"),
      col(c.pendingReview, "count"),
      col(c.conservation, "count"),
      col(c.sourceChecksum, "text", 36),
      col(c.targetChecksum, "text", 36),
      col(c.status, "text", 20, 14)
    ],
    items: rows,
    toRows: (r, rowNumber) => {
      const status = summaryStatus(r)
      totals.read += r.read
      totals.loaded += r.loaded
      totals.merged += r.merged
      totals.rejected += r.rejected
      totals.pendingReview += r.pendingReview
      if (status === "mismatch") totals.mismatches++
      if (status === "notChecked") totals.unchecked++
      const diff = r.read - r.loaded - r.merged - r.rejected
      return [
        {
          cells: [
            plainCell(r.source),
            plainCell(r.table),
            plainCell(r.oldUnitCode),
            plainCell(r.oldUnitName),
            r.read,
            r.loaded,
            r.merged,
            r.rejected,
            r.pendingReview,
            {
              formula: `${letter(READ)}${rowNumber}-${letter(LOADED)}${rowNumber}-${letter(MERGED)}${rowNumber}-${letter(REJECTED)}${rowNumber}`,
              result: diff
            },
            plainCell(r.sourceChecksum),
            plainCell(r.targetChecksum),
            l.status[status]
          ]
        }
      ]
    },
    trailer: (range) => {
      const r = range.lastDataRow + 1
      const sum = (column: number, result: number): Cell => ({
        formula: `SUBTOTAL(109,${letter(column)}${range.firstDataRow}:${letter(column)}${Math.max(range.firstDataRow, range.lastDataRow)})`,
        result
      })
      const overall: SummaryStatus = totals.mismatches > 0 ? "mismatch" : totals.unchecked > 0 ? "notChecked" : "match"
      return [
        {
          emphasis: true,
          cells: [
            l.totals,
            null,
            null,
            null,
            sum(READ, totals.read),
            sum(LOADED, totals.loaded),
            sum(MERGED, totals.merged),
            sum(REJECTED, totals.rejected),
            sum(PENDING, totals.pendingReview),
            {
              formula: `${letter(READ)}${r}-${letter(LOADED)}${r}-${letter(MERGED)}${r}-${letter(REJECTED)}${r}`,
              result: totals.read - totals.loaded - totals.merged - totals.rejected
            },
            null,
            null,
            l.status[overall]
          ]
        }
      ]
    },
    finish: (ws, range) => {
      const withTotals: TableRange = { ...range, lastDataRow: range.lastDataRow + 1 }
      ws.addConditionalFormatting({
        ref: columnRange(withTotals, STATUS),
        rules: [
          { type: "cellIs", operator: "equal", formulae: [`"${l.status.mismatch}"`], style: fillStyle(COLORS.bad), priority: 1 },
          { type: "cellIs", operator: "equal", formulae: [`"${l.status.match}"`], style: fillStyle(COLORS.good), priority: 2 },
          { type: "cellIs", operator: "equal", formulae: [`"${l.status.notChecked}"`], style: fillStyle(COLORS.warn), priority: 3 }
        ]
      })
      ws.addConditionalFormatting({
        ref: columnRange(withTotals, DIFF),
        rules: [
          { type: "expression", formulae: [`${letter(DIFF)}${range.firstDataRow}<>0`], style: fillStyle(COLORS.bad), priority: 4 },
          { type: "cellIs", operator: "equal", formulae: ["0"], style: fillStyle(COLORS.good), priority: 5 }
        ]
      })
      ws.addConditionalFormatting({
        ref: columnRange(withTotals, PENDING),
        rules: [{ type: "cellIs", operator: "greaterThan", formulae: ["0"], style: fillStyle(COLORS.warn), priority: 6 }]
      })
      // Two checksums that differ are the first thing a reviewer should see.
      const src = `$${letter(11)}${range.firstDataRow}`
      const dst = `$${letter(12)}${range.firstDataRow}`
      ws.addConditionalFormatting({
        ref: `${letter(11)}${range.firstDataRow}:${letter(12)}${Math.max(range.firstDataRow, range.lastDataRow)}`,
        rules: [{ type: "expression", formulae: [`AND(${src}<>"",${dst}<>"",${src}<>${dst})`], style: fillStyle(COLORS.bad), priority: 7 }]
      })
    }
  })
  return count
}

const writeRejects = async (wb: Writer, ctx: CellContext, rows: Rows<RejectRow>) => {
  const l = ctx.labels
  const c = l.rejectColumns
  const { count } = await writeTable(wb, {
    name: l.sheets.rejects,
    columns: [
      col(c.source, "text", 30),
      col(c.table, "text", 30),
      col(c.sourceKey, "text", 30),
      col(c.stage, "text", 30),
      col(c.errorCode, "text", 28),
      col(c.message, "text", 60),
      col(c.rawValue, "text", 40)
    ],
    items: rows,
    toRows: (r) => [
      {
        cells: [
          plainCell(r.source),
          plainCell(r.table),
          dataCell(ctx, r.sourceKey),
          plainCell(translate(l.stages, r.stage)),
          plainCell(r.errorCode),
          dataCell(ctx, r.message),
          dataCell(ctx, r.rawValue)
        ]
      }
    ]
  })
  return count
}

/**
 * Consecutive unit rows whose drop-downs have the same number of choices. Their `_meta` rows
 * follow the sheet rows one for one, so one validation with a row-relative reference
 * (`'_meta'!$D12:$E12` on K2:K40: K3 lists D13:E13, …) gives every row exactly its own
 * candidates. One validation per row made exceljs hold and then render them all at once when
 * the sheet is committed (+300 MB and 8 s for the 116,000 unit rows of a 1× world).
 */
interface ValidationRun {
  readonly firstRow: number
  lastRow: number
  readonly metaRow: number
  readonly choices: number
}

/** Candidate labels repeat (a few thousand communes): one string each, not one per row. */
const internLabel = (labels: Map<string, string>, label: string): string => {
  const known = labels.get(label)
  if (known !== undefined) return known
  labels.set(label, label)
  return label
}

const writeUnits = async (wb: Writer, ctx: CellContext, rows: Rows<UnitReviewRow>, meta: ReviewMetaEntries) => {
  const l = ctx.labels
  const c = l.unitColumns
  const DECISION = 11
  const labels = new Map<string, string>()
  let run: ValidationRun | undefined
  const closeRun = (ws: ExcelJS.Worksheet): void => {
    if (run === undefined) return
    const column = columnLetter(DECISION)
    const first = `$${columnLetter(META_FIRST_CHOICE_COLUMN)}${run.metaRow}`
    const last = `$${columnLetter(META_FIRST_CHOICE_COLUMN + run.choices - 1)}${run.metaRow}`
    validationsOf(ws).add(run.lastRow === run.firstRow ? `${column}${run.firstRow}` : `${column}${run.firstRow}:${column}${run.lastRow}`, {
      type: "list",
      allowBlank: true,
      formulae: [`'${META_SHEET_NAME}'!${first}:${last}`],
      showInputMessage: true,
      promptTitle: l.prompts.unitTitle,
      prompt: l.prompts.unit,
      showErrorMessage: true,
      errorStyle: "stop",
      errorTitle: l.prompts.invalidTitle,
      error: l.prompts.invalid
    })
    run = undefined
  }
  const { count } = await writeTable(wb, {
    name: l.sheets.units,
    columns: [
      col(c.reviewKey, "text", 24),
      col(c.source, "text", 24),
      col(c.table, "text", 24),
      col(c.sourceKey, "text", 24),
      col(c.oldProvinceCode),
      col(c.oldDistrictCode),
      col(c.oldCommuneCode),
      col(c.address, "text", 50),
      col(c.status, "text", 30),
      col(c.candidates, "text", 60),
      col(c.decision, "input", 40, 28),
      col(c.note, "input", 40, 20)
    ],
    items: rows,
    toRows: (r, rowNumber, ws) => {
      requireReviewKey(l.sheets.units, r.reviewKey)
      const choices = r.candidates.map((k) => internLabel(labels, candidateLabel(k.code, k.name.normalize("NFC"))))
      const metaRow = addMetaEntry(meta, l.sheets.units, "unit", r.reviewKey, r.status, choices)
      const continues = run !== undefined && run.choices === choices.length && run.lastRow === rowNumber - 1 &&
        metaRow - rowNumber === run.metaRow - run.firstRow
      if (continues) run!.lastRow = rowNumber
      else {
        closeRun(ws)
        if (choices.length > 0) run = { firstRow: rowNumber, lastRow: rowNumber, metaRow, choices: choices.length }
      }
      const prefilled =
        r.decision === undefined || r.decision === null
          ? null
          : (choices.find((_, i) => r.candidates[i]?.code === r.decision) ?? r.decision)
      return [
        {
          cells: [
            r.reviewKey,
            plainCell(r.source),
            plainCell(r.table),
            dataCell(ctx, r.sourceKey),
            plainCell(r.oldProvinceCode),
            plainCell(r.oldDistrictCode),
            plainCell(r.oldCommuneCode),
            dataCell(ctx, r.address),
            l.unitStatus[r.status],
            plainCell(choices.join("; ")),
            plainCell(prefilled),
            null
          ]
        }
      ]
    },
    finish: (ws, range) => {
      closeRun(ws)
      ws.addConditionalFormatting({
        ref: columnRange(range, DECISION),
        rules: [{ type: "expression", formulae: [`LEN(TRIM(${columnLetter(DECISION)}${range.firstDataRow}))=0`], style: todoStyle, priority: 1 }]
      })
    }
  })
  return count
}

const writeDuplicates = async (wb: Writer, ctx: CellContext, rows: Rows<DuplicatePairRow>, meta: ReviewMetaEntries) => {
  const l = ctx.labels
  const c = l.duplicateColumns
  const DECISION = 10
  const { count } = await writeTable(wb, {
    name: l.sheets.duplicates,
    columns: [
      col(c.reviewKey, "text", 24),
      col(c.clusterId, "text", 20),
      col(c.recordType, "text", 22),
      col(c.score, "decimal"),
      col(c.field, "text", 28),
      col(c.valueA, "text", 40),
      col(c.valueB, "text", 40),
      col(c.level, "text", 16),
      col(c.weight, "decimal"),
      col(c.decision, "input", 20, 14),
      col(c.note, "input", 40, 20)
    ],
    items: rows,
    toRows: (pair) => {
      requireReviewKey(l.sheets.duplicates, pair.reviewKey)
      addMetaEntry(meta, l.sheets.duplicates, "duplicate", pair.reviewKey, "", [])
      const recordType = plainCell(translate(l.recordTypes, pair.recordType))
      const decision = pair.decision === undefined || pair.decision === null ? null : l.decisions[pair.decision]
      const base = (field: Cell, a: Cell, b: Cell, level: Cell, weight: Cell, decisionCell: Cell): ReadonlyArray<Cell> => [
        pair.reviewKey,
        plainCell(pair.clusterId),
        recordType,
        pair.score,
        field,
        a,
        b,
        level,
        weight,
        decisionCell,
        null
      ]
      const out: SheetRow[] = [
        {
          emphasis: true,
          cells: base(
            l.duplicateOriginField,
            dataCell(ctx, `${pair.recordA.source}: ${pair.recordA.sourceKey}`),
            dataCell(ctx, `${pair.recordB.source}: ${pair.recordB.sourceKey}`),
            null,
            null,
            decision
          )
        }
      ]
      const listed = new Set<string>()
      const fieldRow = (field: string, level: string | null, weight: number | null): SheetRow => ({
        cells: base(
          plainCell(translate(l.fields, field)),
          dataCell(ctx, fieldText(pair.recordA.fields[field] ?? null), field),
          dataCell(ctx, fieldText(pair.recordB.fields[field] ?? null), field),
          level === null ? null : plainCell(translate(l.levels, level)),
          weight,
          null
        )
      })
      for (const s of pair.breakdown) {
        listed.add(s.field)
        out.push(fieldRow(s.field, s.level, s.weight))
      }
      for (const field of new Set([...Object.keys(pair.recordA.fields), ...Object.keys(pair.recordB.fields)])) {
        if (!listed.has(field)) out.push(fieldRow(field, null, null))
      }
      return out
    },
    finish: (ws, range) => {
      if (range.lastDataRow >= range.firstDataRow) {
        validationsOf(ws).add(columnRange(range, DECISION), {
          type: "list",
          allowBlank: true,
          formulae: [`"${l.decisions.merge},${l.decisions.keepApart}"`],
          showInputMessage: true,
          promptTitle: l.prompts.duplicateTitle,
          prompt: l.prompts.duplicate,
          showErrorMessage: true,
          errorStyle: "stop",
          errorTitle: l.prompts.invalidTitle,
          error: l.prompts.invalid
        })
      }
      const key = `$${columnLetter(1)}${range.firstDataRow}`
      const field = `$${columnLetter(5)}${range.firstDataRow}`
      const decision = `$${columnLetter(DECISION)}${range.firstDataRow}`
      const all = `$${columnLetter(1)}$${range.firstDataRow}:$${columnLetter(1)}$${Math.max(range.firstDataRow, range.lastDataRow)}`
      const decisions = `$${columnLetter(DECISION)}$${range.firstDataRow}:$${columnLetter(DECISION)}$${Math.max(range.firstDataRow, range.lastDataRow)}`
      // Highlight the origin row of every pair nobody has decided yet.
      ws.addConditionalFormatting({
        ref: columnRange(range, DECISION),
        rules: [
          {
            type: "expression",
            formulae: [`AND(${field}="${l.duplicateOriginField}",COUNTIFS(${all},${key},${decisions},"?*")=0,LEN(${decision})=0)`],
            style: todoStyle,
            priority: 1
          }
        ]
      })
      ws.addConditionalFormatting({
        ref: columnRange(range, 8),
        rules: [
          { type: "cellIs", operator: "equal", formulae: [`"${l.levels.different}"`], style: fillStyle(COLORS.bad), priority: 2 },
          { type: "cellIs", operator: "equal", formulae: [`"${l.levels.exact}"`], style: fillStyle(COLORS.good), priority: 3 }
        ]
      })
    }
  })
  return count
}

const writeAccounts = async (wb: Writer, ctx: CellContext, rows: Rows<AccountRow>) => {
  const l = ctx.labels
  const c = l.accountColumns
  const { count } = await writeTable(wb, {
    name: l.sheets.accounts,
    columns: [
      col(c.source, "text", 24),
      col(c.oldUsername, "text", 30),
      col(c.newUsername, "text", 30),
      col(c.fullName, "text", 30),
      col(c.oldUnitCode),
      col(c.newUnitCode),
      col(c.action, "text", 30),
      col(c.mergedInto, "text", 30),
      col(c.note, "text", 50)
    ],
    items: rows,
    toRows: (r) => [
      {
        cells: [
          plainCell(r.source),
          dataCell(ctx, r.oldUsername, "username"),
          dataCell(ctx, r.newUsername, "username"),
          plainCell(r.fullName),
          plainCell(r.oldUnitCode),
          plainCell(r.newUnitCode),
          l.accountActions[r.action],
          dataCell(ctx, r.mergedInto, "username"),
          dataCell(ctx, r.note)
        ]
      }
    ],
    finish: (ws, range) => {
      ws.addConditionalFormatting({
        ref: columnRange(range, 7),
        rules: [
          { type: "cellIs", operator: "equal", formulae: [`"${l.accountActions.mustReset}"`], style: fillStyle(COLORS.warn), priority: 1 },
          { type: "cellIs", operator: "equal", formulae: [`"${l.accountActions.disabled}"`], style: fillStyle(COLORS.bad), priority: 2 }
        ]
      })
    }
  })
  return count
}

/** A local page image path becomes a link; anything with a scheme or a formula trigger stays text. */
const pageImageCell = (ctx: CellContext, path: string | null): Cell => {
  if (path === null) return null
  const text = dataCell(ctx, path)
  if (ctx.mask || typeof text !== "string" || text !== path || /^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return text
  return { text, hyperlink: path }
}

const writeOcr = async (wb: Writer, ctx: CellContext, rows: Rows<OcrReviewRow>, meta: ReviewMetaEntries) => {
  const l = ctx.labels
  const c = l.ocrColumns
  const DECISION = 9
  const CONFIDENCE = 7
  const { count } = await writeTable(wb, {
    name: l.sheets.ocr,
    columns: [
      col(c.reviewKey, "text", 24),
      col(c.file, "text", 40),
      col(c.page, "count"),
      col(c.pageImage, "text", 40),
      col(c.field, "text", 24),
      col(c.value, "text", 40),
      col(c.confidence, "percent"),
      col(c.linkStatus, "text", 24),
      col(c.decision, "input", 24, 16),
      col(c.correctedValue, "input", 40, 20),
      col(c.note, "input", 40, 20)
    ],
    items: rows,
    toRows: (r) => {
      requireReviewKey(l.sheets.ocr, r.reviewKey)
      addMetaEntry(meta, l.sheets.ocr, "ocr", r.reviewKey, r.field === null ? "unlinked" : "field", [])
      return [
        {
          cells: [
            r.reviewKey,
            dataCell(ctx, r.file),
            r.page,
            pageImageCell(ctx, r.pageImagePath),
            r.field === null ? null : plainCell(translate(l.fields, r.field)),
            dataCell(ctx, r.value, r.field ?? undefined),
            r.confidence,
            l.ocrLinkStatus[r.linkStatus],
            null,
            null,
            null
          ]
        }
      ]
    },
    finish: (ws, range) => {
      if (range.lastDataRow >= range.firstDataRow) {
        validationsOf(ws).add(columnRange(range, DECISION), {
          type: "list",
          allowBlank: true,
          formulae: [`"${l.decisions.confirm},${l.decisions.correct}"`],
          showInputMessage: true,
          promptTitle: l.prompts.ocrTitle,
          prompt: l.prompts.ocr,
          showErrorMessage: true,
          errorStyle: "stop",
          errorTitle: l.prompts.invalidTitle,
          error: l.prompts.invalid
        })
      }
      const first = range.firstDataRow
      ws.addConditionalFormatting({
        ref: columnRange(range, CONFIDENCE),
        rules: [
          { type: "expression", formulae: [`AND(ISNUMBER(${columnLetter(CONFIDENCE)}${first}),${columnLetter(CONFIDENCE)}${first}<0.5)`], style: fillStyle(COLORS.bad), priority: 1 },
          { type: "expression", formulae: [`AND(ISNUMBER(${columnLetter(CONFIDENCE)}${first}),${columnLetter(CONFIDENCE)}${first}<0.8)`], style: fillStyle(COLORS.warn), priority: 2 }
        ]
      })
      ws.addConditionalFormatting({
        ref: columnRange(range, DECISION),
        rules: [
          {
            type: "expression",
            formulae: [`AND(LEN(${columnLetter(5)}${first})>0,LEN(${columnLetter(DECISION)}${first})=0,LEN(${columnLetter(DECISION + 1)}${first})=0)`],
            style: todoStyle,
            priority: 3
          }
        ]
      })
    }
  })
  return count
}

const writeMeta = async (wb: Writer, meta: ReviewMeta, signature: string): Promise<void> => {
  const ws = wb.addWorksheet(META_SHEET_NAME, { state: "veryHidden" })
  const put = (row: number, cells: ReadonlyArray<Cell>): void => {
    const r = ws.getRow(row)
    r.values = [...cells]
    r.commit()
  }
  put(META_ROW.marker, [META_MARKER, META_FORMAT_VERSION])
  put(META_ROW.runId, ["runId", meta.runId])
  put(META_ROW.lang, ["lang", meta.lang])
  put(META_ROW.generatedAt, ["generatedAt", meta.generatedAt])
  put(META_ROW.signature, ["signature", signature])
  put(META_ROW.unitsSheet, ["sheet:units", meta.sheetNames.units])
  put(META_ROW.duplicatesSheet, ["sheet:duplicates", meta.sheetNames.duplicates])
  put(META_ROW.ocrSheet, ["sheet:ocr", meta.sheetNames.ocr])
  put(META_ROW.entryCount, ["entries", meta.entries.length])
  put(META_ROW.entryHeader, ["kind", "reviewKey", "status", "choices"])
  let row = META_FIRST_ENTRY_ROW
  let sinceTurn = 0
  for (const e of meta.entries) {
    put(row++, [e.kind, e.reviewKey, e.status, ...e.choices])
    if (++sinceTurn >= ROWS_PER_TURN) {
      sinceTurn = 0
      await drainSheet(ws)
    }
  }
  await commitSheet(ws)
}

/**
 * Writes the reconciliation workbook of one run to `path` and returns how many items each sheet
 * holds. Rows are streamed: pass async iterables straight from the ledger for large runs.
 * Throws InvalidReportInput for a malformed or repeated review key.
 */
export const writeReconciliationWorkbook = async (
  path: string,
  input: ReconciliationInput,
  options: ReconciliationOptions = {}
): Promise<ReconciliationResult> => {
  const lang = options.lang ?? "vi"
  const generatedAt = options.generatedAt ?? new Date()
  const ctx: CellContext = { labels: labelsFor(lang), mask: options.maskIdentifiers ?? false }
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false })
  wb.creator = "provmerge"
  wb.lastModifiedBy = "provmerge"
  wb.created = generatedAt
  wb.modified = generatedAt

  const metaEntries = new ReviewMetaEntries()
  const summary = await writeSummary(wb, ctx, input.header, input.summary, generatedAt, lang)
  const rejects = await writeRejects(wb, ctx, input.rejects)
  const units = await writeUnits(wb, ctx, input.units, metaEntries)
  const duplicates = await writeDuplicates(wb, ctx, input.duplicates, metaEntries)
  const accounts = await writeAccounts(wb, ctx, input.accounts)
  const ocr = await writeOcr(wb, ctx, input.ocr, metaEntries)

  const meta: ReviewMeta = {
    runId: input.header.runId,
    lang,
    generatedAt: generatedAt.toISOString(),
    sheetNames: { units: ctx.labels.sheets.units, duplicates: ctx.labels.sheets.duplicates, ocr: ctx.labels.sheets.ocr },
    entries: metaEntries
  }
  await writeMeta(wb, meta, signReviewMeta(meta, options.signingKey))
  await wb.commit()
  return { path, rowCounts: { summary, rejects, units, duplicates, accounts, ocr } }
}

/**
 * Takes a reviewed reconciliation workbook back: reads the decision columns of the Units,
 * Duplicates and OCR sheets and checks every answer against the signed `_meta` sheet.
 *
 * All or nothing: when any answer is wrong (a value not in the list, a commune that is not a
 * candidate, an edited review key, a workbook of another run, tampered control data) the result
 * holds every error found, each with sheet, row, column, what is wrong and what to do, and no
 * decision at all. Blank answers are not errors: the item simply stays pending.
 *
 * Only `_meta` and the review sheets are parsed (see loadSheets), so a workbook with a million
 * reject rows can be taken back too.
 */
import { readFile } from "node:fs/promises"
import ExcelJS from "exceljs"
import JSZip from "jszip"
import { startsLikeFormula } from "./cell-safety.ts"
import { LANGS, isLang, labelsFor, type Lang } from "./labels.ts"
import {
  COMMUNE_CODE_PATTERN,
  META_FIRST_ENTRY_ROW,
  META_FORMAT_VERSION,
  META_MARKER,
  META_ROW,
  META_SHEET_NAME,
  communeCodeOf,
  verifyReviewMeta,
  type ReviewKind,
  type ReviewMeta,
  type ReviewMetaEntry
} from "./review-meta.ts"
import { reviewMessage, type MessageParams, type ReviewErrorCode } from "./review-messages.ts"
import type { DuplicateDecisionValue, OcrDecisionValue } from "./report-rows.ts"

interface DecisionOrigin {
  readonly reviewKey: string
  /** The reviewer's note, if any. */
  readonly note: string | null
  readonly sheet: string
  /** Sheet row of the answer (1-based, as Excel shows it). */
  readonly row: number
}

export interface DuplicateDecision extends DecisionOrigin {
  readonly kind: "duplicate"
  readonly decision: DuplicateDecisionValue
}

export interface UnitDecision extends DecisionOrigin {
  readonly kind: "unit"
  /** The chosen new commune (xã/phường) code. */
  readonly communeCode: string
  /**
   * true when the code was one of the offered candidates; false for an unknown unit where the
   * reviewer typed a code, which the pipeline must still check against the unit catalogue.
   */
  readonly fromCandidates: boolean
}

export interface OcrDecision extends DecisionOrigin {
  readonly kind: "ocr"
  readonly decision: OcrDecisionValue
  /** The value to store, for decision "correct"; null for "confirm". */
  readonly correctedValue: string | null
}

export type ReviewDecision = DuplicateDecision | UnitDecision | OcrDecision

export interface ReviewError {
  readonly code: ReviewErrorCode
  readonly sheet: string | null
  readonly row: number | null
  /** Column letter and header, e.g. `K "Quyết định: xã/phường mới"`. */
  readonly column: string | null
  readonly message: string
  readonly hint: string
}

export interface ReviewReadResult {
  /** Empty whenever `errors` is not. */
  readonly decisions: ReadonlyArray<ReviewDecision>
  readonly errors: ReadonlyArray<ReviewError>
}

export interface ReadReviewOptions {
  /** The key the workbook was signed with (see ReconciliationOptions.signingKey). */
  readonly signingKey?: string
  /** Language of error messages; default the workbook's own language. */
  readonly lang?: Lang
}

// ---------------------------------------------------------------------------------------------
// Cells

interface CellText {
  readonly text: string | null
  readonly formula: boolean
}

const EMPTY: CellText = { text: null, formula: false }

const textOf = (value: unknown): string | null => {
  if (value === null || value === undefined) return null
  if (typeof value === "string") return value
  if (typeof value === "number" || typeof value === "boolean") return String(value)
  if (value instanceof Date) {
    const iso = value.toISOString()
    return iso.endsWith("T00:00:00.000Z") ? iso.slice(0, 10) : iso
  }
  if (typeof value === "object") {
    const v = value as Record<string, unknown>
    if (Array.isArray(v["richText"])) return (v["richText"] as Array<{ text?: unknown }>).map((r) => String(r.text ?? "")).join("")
    if (typeof v["text"] === "string") return v["text"]
    if (typeof v["error"] === "string") return v["error"]
  }
  return null
}

/** A cell as trimmed NFC text (null when blank), and whether it holds a formula. */
const readCell = (value: unknown): CellText => {
  if (value === null || value === undefined) return EMPTY
  const isFormula = typeof value === "object" && !(value instanceof Date) && ("formula" in value || "sharedFormula" in value)
  const raw = isFormula ? textOf((value as { result?: unknown }).result) : textOf(value)
  const text = raw?.normalize("NFC").trim() ?? ""
  return { text: text === "" ? null : text, formula: isFormula }
}

/** Undoes the workbook's formula guard on a value a reviewer copied from a data cell. */
const unguard = (text: string): string => (text.startsWith("'") && startsLikeFormula(text.slice(1)) ? text.slice(1) : text)

const normalizeChoice = (text: string): string => text.normalize("NFC").trim().replace(/\s+/g, " ").toLowerCase()

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

// ---------------------------------------------------------------------------------------------
// Reading the file

interface SheetRows {
  readonly name: string
  /** rowNumber -> values (1-based, as exceljs gives them). */
  readonly rows: Map<number, ReadonlyArray<unknown>>
}

/** Sheets `review apply` reads: `_meta` and the review sheets, under their names in any language. */
const KEPT_SHEET_NAMES: ReadonlySet<string> = new Set([
  META_SHEET_NAME,
  ...LANGS.flatMap((lang) => {
    const s = labelsFor(lang).sheets
    return [s.units, s.duplicates, s.ocr]
  })
])

const EMPTY_WORKSHEET_XML =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
  '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/></worksheet>'

const xmlAttributes = (tag: string): Map<string, string> => {
  const out = new Map<string, string>()
  for (const m of tag.matchAll(/([\w:]+)="([^"]*)"/g)) {
    const [, name, value] = m
    if (name !== undefined && value !== undefined) {
      out.set(
        name,
        value.replace(/&(lt|gt|quot|apos|amp);/g, (_, e: string) => ({ lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" })[e] ?? "")
      )
    }
  }
  return out
}

/** Sheet name -> its part in the zip, from xl/workbook.xml and its relationships. */
const sheetParts = async (zip: JSZip): Promise<Map<string, string>> => {
  const workbook = (await zip.file("xl/workbook.xml")?.async("string")) ?? ""
  const rels = (await zip.file("xl/_rels/workbook.xml.rels")?.async("string")) ?? ""
  const targets = new Map<string, string>()
  for (const m of rels.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const a = xmlAttributes(m[0])
    const id = a.get("Id")
    const target = a.get("Target")
    if (id !== undefined && target !== undefined) targets.set(id, target.startsWith("/") ? target.slice(1) : `xl/${target}`)
  }
  const parts = new Map<string, string>()
  for (const m of workbook.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)) {
    const a = xmlAttributes(m[0])
    const name = a.get("name")
    const rid = [...a.entries()].find(([k]) => k === "r:id" || k.endsWith(":id"))?.[1]
    const part = rid === undefined ? undefined : targets.get(rid)
    if (name !== undefined && part !== undefined) parts.set(name, part)
  }
  return parts
}

/** A workbook by its path, or its bytes already read (`review apply` hashes them too). */
export type WorkbookFile = string | Uint8Array

/**
 * Loads `_meta` and the review sheets. Every other worksheet (the Summary, a million rejects) is
 * replaced by an empty one before exceljs parses the file, so memory follows the review sheets,
 * not the workbook. (exceljs' streaming reader is not used: on this Node it stops reading the zip
 * early and misses sheet names and shared strings.)
 */
const loadSheets = async (file: WorkbookFile, kept: ReadonlySet<string> = KEPT_SHEET_NAMES): Promise<Map<string, SheetRows>> => {
  const zip = await JSZip.loadAsync(typeof file === "string" ? await readFile(file) : file)
  for (const [name, part] of await sheetParts(zip)) {
    if (!kept.has(name) && zip.file(part) !== null) zip.file(part, EMPTY_WORKSHEET_XML)
  }
  const slim = await zip.generateAsync({ type: "nodebuffer", compression: "STORE" })
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(slim as unknown as ArrayBuffer)
  const sheets = new Map<string, SheetRows>()
  for (const worksheet of workbook.worksheets) {
    if (!kept.has(worksheet.name)) continue
    const rows = new Map<number, ReadonlyArray<unknown>>()
    worksheet.eachRow((row, rowNumber) => {
      const values = row.values
      rows.set(rowNumber, Array.isArray(values) ? values : [])
    })
    sheets.set(worksheet.name, { name: worksheet.name, rows })
  }
  return sheets
}

// ---------------------------------------------------------------------------------------------
// _meta

/**
 * The run id written on a workbook's control sheet, read before its signature can be checked
 * (the signing key is the run's). Null when the file has no readable control sheet; throws only
 * when the file cannot be read as a zip.
 */
export const readWorkbookRunId = async (file: WorkbookFile): Promise<string | null> => {
  const sheet = (await loadSheets(file, new Set([META_SHEET_NAME]))).get(META_SHEET_NAME)
  if (sheet === undefined || readCell(sheet.rows.get(META_ROW.marker)?.[1]).text !== META_MARKER) return null
  return readCell(sheet.rows.get(META_ROW.runId)?.[2]).text
}

type MetaOutcome = { readonly ok: true; readonly meta: ReviewMeta } | { readonly ok: false; readonly code: ReviewErrorCode; readonly params?: MessageParams }

const parseMeta = (sheet: SheetRows | undefined, signingKey: string | undefined): MetaOutcome => {
  if (sheet === undefined) return { ok: false, code: "NOT_A_REVIEW_WORKBOOK" }
  const at = (row: number, column: number): string | null => readCell(sheet.rows.get(row)?.[column]).text
  if (at(META_ROW.marker, 1) !== META_MARKER) return { ok: false, code: "NOT_A_REVIEW_WORKBOOK" }
  if (at(META_ROW.marker, 2) !== String(META_FORMAT_VERSION)) return { ok: false, code: "META_TAMPERED" }
  const runId = at(META_ROW.runId, 2)
  const lang = at(META_ROW.lang, 2)
  const generatedAt = at(META_ROW.generatedAt, 2)
  const signature = at(META_ROW.signature, 2)
  const units = at(META_ROW.unitsSheet, 2)
  const duplicates = at(META_ROW.duplicatesSheet, 2)
  const ocr = at(META_ROW.ocrSheet, 2)
  const count = Number(at(META_ROW.entryCount, 2))
  if (
    runId === null || lang === null || !isLang(lang) || generatedAt === null || signature === null ||
    units === null || duplicates === null || ocr === null || !Number.isInteger(count) || count < 0
  ) {
    return { ok: false, code: "META_TAMPERED" }
  }
  const entries: ReviewMetaEntry[] = []
  for (let i = 0; i < count; i++) {
    const values = sheet.rows.get(META_FIRST_ENTRY_ROW + i) ?? []
    const kind = readCell(values[1]).text
    const reviewKey = readCell(values[2]).text
    if ((kind !== "unit" && kind !== "duplicate" && kind !== "ocr") || reviewKey === null) return { ok: false, code: "META_TAMPERED" }
    const choices: string[] = []
    for (let c = 4; c < values.length; c++) {
      const choice = readCell(values[c]).text
      if (choice !== null) choices.push(choice)
    }
    entries.push({ kind, reviewKey, status: readCell(values[3]).text ?? "", choices })
  }
  if (sheet.rows.has(META_FIRST_ENTRY_ROW + count)) return { ok: false, code: "META_TAMPERED" }
  const meta: ReviewMeta = { runId, lang, generatedAt, sheetNames: { units, duplicates, ocr }, entries }
  if (!verifyReviewMeta(meta, signature, signingKey)) return { ok: false, code: "META_TAMPERED" }
  return { ok: true, meta }
}

// ---------------------------------------------------------------------------------------------
// Review sheets

type ColumnRole = "reviewKey" | "decision" | "correctedValue" | "note"

interface SheetContext {
  readonly lang: Lang
  readonly kind: ReviewKind
  readonly sheet: SheetRows
  readonly columns: Readonly<Partial<Record<ColumnRole, { readonly index: number; readonly header: string }>>>
}

/** Header labels of a role on a kind's sheet, in every language. */
const headersFor = (kind: ReviewKind, role: ColumnRole): ReadonlyArray<string> =>
  LANGS.flatMap((lang) => {
    const l = labelsFor(lang)
    const columns = kind === "unit" ? l.unitColumns : kind === "duplicate" ? l.duplicateColumns : l.ocrColumns
    const label = (columns as unknown as Record<string, string | undefined>)[role]
    return label === undefined ? [] : [label]
  })

const REQUIRED: Readonly<Record<ReviewKind, ReadonlyArray<ColumnRole>>> = {
  unit: ["reviewKey", "decision"],
  duplicate: ["reviewKey", "decision"],
  ocr: ["reviewKey", "decision", "correctedValue"]
}

/** The allowed answers of a two-way decision, in both languages plus the code names. */
const choiceMap = <V extends string>(pick: (l: ReturnType<typeof labelsFor>) => ReadonlyArray<readonly [V, string]>): ReadonlyMap<string, V> => {
  const map = new Map<string, V>()
  for (const lang of LANGS) for (const [value, label] of pick(labelsFor(lang))) map.set(normalizeChoice(label), value)
  for (const lang of LANGS) for (const [value] of pick(labelsFor(lang))) map.set(normalizeChoice(value), value)
  return map
}

const DUPLICATE_CHOICES = choiceMap<DuplicateDecisionValue>((l) => [["merge", l.decisions.merge], ["keepApart", l.decisions.keepApart]])
const OCR_CHOICES = choiceMap<OcrDecisionValue>((l) => [["confirm", l.decisions.confirm], ["correct", l.decisions.correct]])

/**
 * Reads and validates the answers of a reviewed workbook produced for run `expectedRunId`.
 * Never throws for a bad file or bad answers: those come back as errors.
 */
export const readReviewDecisions = async (
  file: WorkbookFile,
  expectedRunId: string,
  options: ReadReviewOptions = {}
): Promise<ReviewReadResult> => {
  let lang: Lang = options.lang ?? "vi"
  const errors: ReviewError[] = []
  const fail = (code: ReviewErrorCode, where: { sheet?: string; row?: number; column?: string }, params: MessageParams = {}): void => {
    const text = reviewMessage(lang, code, params)
    errors.push({ code, sheet: where.sheet ?? null, row: where.row ?? null, column: where.column ?? null, ...text })
  }

  let sheets: Map<string, SheetRows>
  try {
    sheets = await loadSheets(file)
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split("\n")[0] ?? cause.name : String(cause)
    fail("FILE_UNREADABLE", {}, { detail })
    return { decisions: [], errors }
  }

  const outcome = parseMeta(sheets.get(META_SHEET_NAME), options.signingKey)
  if (!outcome.ok) {
    fail(outcome.code, { sheet: META_SHEET_NAME }, outcome.params)
    return { decisions: [], errors }
  }
  const meta = outcome.meta
  lang = options.lang ?? meta.lang
  if (meta.runId !== expectedRunId) {
    fail("FOREIGN_RUN", {}, { expected: expectedRunId, found: meta.runId })
    return { decisions: [], errors }
  }

  const byKind = new Map<ReviewKind, Map<string, ReviewMetaEntry>>([
    ["unit", new Map()],
    ["duplicate", new Map()],
    ["ocr", new Map()]
  ])
  for (const e of meta.entries) byKind.get(e.kind)?.set(e.reviewKey, e)

  const sheetNameOf: Readonly<Record<ReviewKind, string>> = {
    unit: meta.sheetNames.units,
    duplicate: meta.sheetNames.duplicates,
    ocr: meta.sheetNames.ocr
  }

  const decisions: ReviewDecision[] = []
  for (const kind of ["unit", "duplicate", "ocr"] as const) {
    const entries = byKind.get(kind) ?? new Map<string, ReviewMetaEntry>()
    const name = sheetNameOf[kind]
    const sheet = sheets.get(name)
    if (sheet === undefined) {
      if (entries.size > 0) fail("MISSING_SHEET", { sheet: name }, { sheet: name })
      continue
    }
    const header = sheet.rows.get(1) ?? []
    const columns: Partial<Record<ColumnRole, { index: number; header: string }>> = {}
    for (const role of ["reviewKey", "decision", "correctedValue", "note"] as const) {
      const accepted = headersFor(kind, role)
      for (let c = 1; c < header.length; c++) {
        const text = readCell(header[c]).text
        if (text !== null && accepted.includes(text)) {
          columns[role] = { index: c, header: text }
          break
        }
      }
    }
    const missing = REQUIRED[kind].filter((role) => columns[role] === undefined)
    if (missing.length > 0) {
      const l = labelsFor(meta.lang)
      const own = kind === "unit" ? l.unitColumns : kind === "duplicate" ? l.duplicateColumns : l.ocrColumns
      for (const role of missing) {
        const label = (own as unknown as Record<string, string>)[role] ?? role
        fail("MISSING_COLUMN", { sheet: name, row: 1 }, { sheet: name, column: label })
      }
      continue
    }
    const ctx: SheetContext = { lang, kind, sheet, columns }
    decisions.push(...readSheetDecisions(ctx, entries, fail))
  }

  return errors.length > 0 ? { decisions: [], errors } : { decisions, errors }
}

type Fail = (code: ReviewErrorCode, where: { sheet?: string; row?: number; column?: string }, params?: MessageParams) => void

const readSheetDecisions = (ctx: SheetContext, entries: ReadonlyMap<string, ReviewMetaEntry>, fail: Fail): ReviewDecision[] => {
  const { kind, sheet, columns } = ctx
  const where = (row: number, role: ColumnRole): { sheet: string; row: number; column: string } => {
    const c = columns[role]
    return { sheet: sheet.name, row, column: c === undefined ? role : `${columnLetter(c.index)} "${c.header}"` }
  }
  const cell = (values: ReadonlyArray<unknown>, role: ColumnRole): CellText => {
    const c = columns[role]
    return c === undefined ? EMPTY : readCell(values[c.index])
  }

  const out: ReviewDecision[] = []
  const seenKeys = new Set<string>()
  // Duplicates: a pair spans several rows; the decision may sit on any of them, consistently.
  const pairAnswers = new Map<string, { row: number; raw: string; value: DuplicateDecisionValue; note: string | null }[]>()

  const rowNumbers = [...sheet.rows.keys()].filter((r) => r > 1).sort((a, b) => a - b)
  for (const rowNumber of rowNumbers) {
    const values = sheet.rows.get(rowNumber) ?? []
    const key = cell(values, "reviewKey")
    const decision = cell(values, "decision")
    const corrected = cell(values, "correctedValue")
    const note = cell(values, "note").text
    const answered = decision.text !== null || corrected.text !== null
    if (key.text === null) {
      if (answered) fail("MISSING_REVIEW_KEY", where(rowNumber, "reviewKey"))
      continue
    }
    const entry = entries.get(key.text)
    if (entry === undefined) {
      fail("UNKNOWN_REVIEW_KEY", where(rowNumber, "reviewKey"), { value: key.text })
      continue
    }
    if (kind !== "duplicate") {
      if (seenKeys.has(key.text)) {
        fail("REPEATED_REVIEW_KEY", where(rowNumber, "reviewKey"), { value: key.text })
        continue
      }
      seenKeys.add(key.text)
    }
    if (decision.formula) {
      fail("FORMULA_NOT_ALLOWED", where(rowNumber, "decision"))
      continue
    }
    if (corrected.formula) {
      fail("FORMULA_NOT_ALLOWED", where(rowNumber, "correctedValue"))
      continue
    }
    if (!answered) continue
    const origin = { reviewKey: key.text, note, sheet: sheet.name, row: rowNumber }

    if (kind === "duplicate") {
      if (decision.text === null) continue
      const value = DUPLICATE_CHOICES.get(normalizeChoice(decision.text))
      if (value === undefined) {
        fail("INVALID_DECISION", where(rowNumber, "decision"), { value: decision.text, allowed: allowedLabels("duplicate", ctx.lang) })
        continue
      }
      const list = pairAnswers.get(key.text) ?? []
      list.push({ row: rowNumber, raw: decision.text, value, note })
      pairAnswers.set(key.text, list)
    } else if (kind === "unit") {
      const answer = decision.text === null ? null : unguard(decision.text)
      if (answer === null) continue
      const code = communeAnswerCode(values[columns.decision?.index ?? 0], answer)
      if (entry.choices.length > 0) {
        const allowed = new Set(entry.choices.map((c) => communeCodeOf(c)))
        if (code === null || !allowed.has(code)) {
          fail("NOT_A_CANDIDATE", where(rowNumber, "decision"), { value: answer, allowed: entry.choices })
          continue
        }
        out.push({ kind: "unit", ...origin, communeCode: code, fromCandidates: true })
      } else {
        if (code === null || !COMMUNE_CODE_PATTERN.test(code)) {
          fail("INVALID_COMMUNE_CODE", where(rowNumber, "decision"), { value: answer })
          continue
        }
        out.push({ kind: "unit", ...origin, communeCode: code, fromCandidates: false })
      }
    } else {
      if (entry.status === "unlinked") {
        fail("DECISION_NOT_EXPECTED", where(rowNumber, decision.text !== null ? "decision" : "correctedValue"))
        continue
      }
      const correctedValue = corrected.text === null ? null : unguard(corrected.text)
      let value: OcrDecisionValue | undefined
      if (decision.text === null) {
        value = "correct" // a corrected value on its own says what the reviewer wants
      } else {
        value = OCR_CHOICES.get(normalizeChoice(decision.text))
        if (value === undefined) {
          fail("INVALID_DECISION", where(rowNumber, "decision"), { value: decision.text, allowed: allowedLabels("ocr", ctx.lang) })
          continue
        }
      }
      if (value === "correct" && correctedValue === null) {
        fail("CORRECTED_VALUE_MISSING", where(rowNumber, "correctedValue"))
        continue
      }
      if (value === "confirm" && correctedValue !== null) {
        fail("CONFLICTING_ANSWER", where(rowNumber, "correctedValue"))
        continue
      }
      out.push({ kind: "ocr", ...origin, decision: value, correctedValue: value === "correct" ? correctedValue : null })
    }
  }

  for (const [reviewKey, answers] of pairAnswers) {
    const distinct = new Set(answers.map((a) => a.value))
    const first = answers[0]
    if (first === undefined) continue
    if (distinct.size > 1) {
      fail("CONFLICTING_DECISIONS", where(first.row, "decision"), { value: reviewKey, allowed: answers.map((a) => a.raw) })
      continue
    }
    const note = answers.find((a) => a.note !== null)?.note ?? null
    out.push({ kind: "duplicate", reviewKey, note, sheet: sheet.name, row: first.row, decision: first.value })
  }
  return out
}

/** A commune answer as a code: a drop-down label, a typed code, or a number Excel stripped of its leading zeros. */
const communeAnswerCode = (raw: unknown, text: string): string | null => {
  if (typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw <= 99_999) return String(raw).padStart(5, "0")
  return communeCodeOf(text)
}

const allowedLabels = (kind: "duplicate" | "ocr", lang: Lang): ReadonlyArray<string> => {
  const d = labelsFor(lang).decisions
  return kind === "duplicate" ? [d.merge, d.keepApart] : [d.confirm, d.correct]
}

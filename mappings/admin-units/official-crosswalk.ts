/**
 * Reading the statistics office's crosswalk sheet ("Bảng chuyển đổi ĐVHC mới – cũ", sheet
 * "Tổng hợp_không merge") as users receive it: a workbook or its CSV export, one row per
 * (old commune -> new commune) edge, with title/header lines, one banner row per new province,
 * and the cell defects of a hand-kept sheet (embedded newlines, stray spaces, non-NFC text,
 * labels "Name (NN)" for provinces and districts).
 *
 * This module turns sheet rows into clean, typed edge rows and tallies every cell it had to
 * fix. Cross-row consistency (wrong codes, wrong labels, missing edges) is checked in
 * `official-catalog.ts`.
 */
import { cleanText, foldKey, nfc } from "../../text/vietnamese.ts"
import { normalizeUnitCode } from "./codes.ts"
import type { EdgeRelation } from "./catalog.ts"
import type { DefectLog } from "./catalog-defects.ts"

export type SheetCell = string | number | boolean | null | undefined

export interface SheetRow {
  /** 1-based row number as Excel shows it (CSV: the record number, not the line number). */
  readonly sheetRow: number
  readonly cells: readonly SheetCell[]
}

/** One crosswalk edge as read from the sheet, cleaned but not yet cross-checked. */
export interface OfficialEdgeRow {
  readonly sheetRow: number
  newProvinceCode: string
  newProvinceName: string
  newCommuneName: string
  newCommuneCode: string
  oldCommuneName: string
  /** Undefined for island-district rows and for the non-unit area row. */
  oldCommuneCode: string | undefined
  note: string
  relation: EdgeRelation
  areaOnly: boolean
  oldDistrictName: string
  oldDistrictCode: string
  oldProvinceName: string
  oldProvinceCode: string
  /** Corrections applied to this row (filled by the cross-checks). */
  fixes: string[]
}

type Column =
  | "newProvince"
  | "newCommuneName"
  | "newCommuneCode"
  | "oldCommuneName"
  | "oldCommuneCode"
  | "note"
  | "oldDistrict"
  | "oldProvince"

/** Header texts (folded) of the official sheet, and the column order used when no header is found. */
const HEADERS: ReadonlyArray<readonly [Column, readonly string[]]> = [
  ["newProvince", ["tinh, thanh pho", "tinh thanh pho", "tinh/thanh pho"]],
  ["newCommuneName", ["ten xa moi"]],
  ["newCommuneCode", ["ma xa moi"]],
  ["oldCommuneName", ["ten xa cu"]],
  ["oldCommuneCode", ["ma xa cu"]],
  ["note", ["ghi chu"]],
  ["oldDistrict", ["quan/huyen", "quan, huyen", "quan huyen"]],
  ["oldProvince", ["tinh cu"]]
]
const DEFAULT_COLUMNS: Readonly<Record<Column, number>> = {
  newProvince: 0,
  newCommuneName: 1,
  newCommuneCode: 2,
  oldCommuneName: 3,
  oldCommuneCode: 4,
  note: 5,
  oldDistrict: 6,
  oldProvince: 7
}

/** "Thành phố Hà Nội (01)" -> name + code. */
const LABEL = /^(.*?)\s*\(\s*(\d{1,3})\s*\)$/

const hasNewline = (s: string): boolean => s.includes("\n") || s.includes("\r")

/**
 * Cleans one text cell and tallies what was wrong with it. Returns the cleaned text ("" for
 * empty cells).
 */
function cleanCell(raw: SheetCell, row: number, log: DefectLog): string {
  if (raw === null || raw === undefined) return ""
  if (typeof raw === "number") {
    return String(raw)
  }
  if (typeof raw === "boolean") return String(raw)
  if (raw.length === 0) return ""
  if (hasNewline(raw)) log.tally("embedded_newline", "info", "Cells with a line break inside", "joined into one line", row)
  if (raw !== raw.trim()) log.tally("stray_whitespace", "info", "Cells with leading or trailing spaces", "trimmed", row)
  if (/\S[ \t]{2,}\S/.test(raw)) log.tally("repeated_whitespace", "info", "Cells with repeated spaces inside", "collapsed to one space", row)
  if (raw !== nfc(raw)) log.tally("not_nfc", "info", "Cells not in Unicode NFC (decomposed accents)", "normalised to NFC", row)
  if (/[\u2018\u2019\u02bc`]/.test(raw)) log.tally("curly_apostrophe", "info", "Cells with typographic apostrophes", "replaced by '", row)
  const cleaned = cleanText(raw)
  const plain = nfc(raw).replace(/\s+/g, " ").trim().replace(/[\u2018\u2019\u02bc`]/g, "'")
  if (cleaned !== plain) {
    log.tally("tone_mark_placement", "info", "Names with the other tone-mark placement (Hoà/Hòa, Thuỷ/Thủy)", "rewritten to the canonical placement; both spellings still match", row)
  }
  return cleaned
}

/** Classifies the Ghi chú note. Unknown notes count as a partial edge that carries population. */
export function classifyNote(note: string): { relation: EdgeRelation; areaOnly: boolean; known: boolean } {
  const k = foldKey(note)
  if (k.startsWith("nhap toan bo") || k.startsWith("sap xep toan bo")) return { relation: "whole", areaOnly: false, known: true }
  if (k.startsWith("giu nguyen")) return { relation: "unchanged", areaOnly: false, known: true }
  if (k === "doi ten" || k === "doi loai hinh" || k === "doi ten, doi loai hinh") return { relation: "renamed_or_retyped", areaOnly: false, known: true }
  if (k.includes("mot phan") || k.includes("phan con lai")) {
    const areaOnly = k.includes("dien tich") && !k.includes("dan so")
    return { relation: "partial", areaOnly, known: true }
  }
  return { relation: "partial", areaOnly: false, known: false }
}

function locateColumns(cells: readonly string[]): Record<Column, number> | undefined {
  const keys = cells.map((c) => foldKey(c))
  const found: Partial<Record<Column, number>> = {}
  for (const [col, names] of HEADERS) {
    const i = keys.findIndex((k) => names.includes(k))
    if (i >= 0) found[col] = i
  }
  if (found.newCommuneCode === undefined || found.oldCommuneCode === undefined) return undefined
  return { ...DEFAULT_COLUMNS, ...found }
}

/**
 * Turns the sheet into edge rows. Never throws on content: rows it cannot use are reported in
 * `log` and skipped.
 */
export function readOfficialSheet(rows: Iterable<SheetRow>, log: DefectLog): OfficialEdgeRow[] {
  let columns: Record<Column, number> = { ...DEFAULT_COLUMNS }
  const out: OfficialEdgeRow[] = []
  for (const { sheetRow, cells: rawCells } of rows) {
    const cells = rawCells.map((c) => cleanCell(c, sheetRow, log))
    const at = (col: Column): string => cells[columns[col]] ?? ""
    const nonEmpty = cells.filter((c) => c.length > 0)
    if (nonEmpty.length === 0) continue

    const header = locateColumns(cells)
    if (header !== undefined) {
      columns = header
      log.tally("header_row", "info", "Header rows", "skipped", sheetRow)
      continue
    }
    if (foldKey(cells[0] ?? "").startsWith("don vi hanh chinh")) {
      log.tally("header_row", "info", "Header rows", "skipped", sheetRow)
      continue
    }

    const newCommuneCodeRaw = rawCells[columns.newCommuneCode]
    const oldCommuneCodeRaw = rawCells[columns.oldCommuneCode]
    if (typeof newCommuneCodeRaw === "number" || typeof oldCommuneCodeRaw === "number") {
      log.tally("numeric_code_cell", "info", "Code cells stored as numbers (leading zeros lost)", "left-padded with zeros", sheetRow)
    }
    const newCommuneCode = normalizeUnitCode(at("newCommuneCode"), "commune")
    const newCommuneName = at("newCommuneName")
    if (newCommuneCode === undefined && newCommuneName.length === 0 && at("oldCommuneCode").length === 0) {
      // a province banner ("THÀNH PHỐ HÀ NỘI") or a stray label row ("Tỉnh Bắc Ninh (24)")
      if (nonEmpty.length === 1 && LABEL.test(nonEmpty[0]!)) {
        log.add({
          code: "stray_label_row",
          severity: "info",
          message: `Row ${sheetRow} holds only the label "${nonEmpty[0]}" and no edge`,
          action: "skipped",
          rows: [sheetRow]
        })
      } else {
        log.tally("banner_row", "info", "Province banner rows", "skipped", sheetRow)
      }
      continue
    }

    const newProvince = LABEL.exec(at("newProvince"))
    const oldDistrict = LABEL.exec(at("oldDistrict"))
    const oldProvince = LABEL.exec(at("oldProvince"))
    const newProvinceCode = normalizeUnitCode(newProvince?.[2], "province")
    const oldDistrictCode = normalizeUnitCode(oldDistrict?.[2], "district")
    const oldProvinceCode = normalizeUnitCode(oldProvince?.[2], "province")
    const oldCommuneText = at("oldCommuneCode")
    const oldCommuneCode = normalizeUnitCode(oldCommuneText, "commune")
    const problems: string[] = []
    if (newCommuneCode === undefined) problems.push(`new commune code "${at("newCommuneCode")}"`)
    if (newProvinceCode === undefined) problems.push(`new province label "${at("newProvince")}"`)
    if (oldDistrictCode === undefined) problems.push(`old district label "${at("oldDistrict")}"`)
    if (oldProvinceCode === undefined) problems.push(`old province label "${at("oldProvince")}"`)
    if (oldCommuneText.length > 0 && oldCommuneCode === undefined) problems.push(`old commune code "${oldCommuneText}"`)
    if (problems.length > 0 || newCommuneCode === undefined || newProvinceCode === undefined || oldDistrictCode === undefined || oldProvinceCode === undefined) {
      log.add({
        code: "unreadable_row",
        severity: "error",
        message: `Row ${sheetRow} cannot be read: bad ${problems.join(", ")}`,
        action: "row skipped; its old unit resolves as unknown unless another row covers it",
        rows: [sheetRow]
      })
      continue
    }

    const note = at("note")
    const cls = classifyNote(note)
    if (!cls.known) {
      log.add({
        code: "unknown_note",
        severity: "warning",
        message: `Row ${sheetRow}: note "${note}" is not a known kind of change`,
        action: "treated as a partial edge that carries population (never as a sole target by guess)",
        rows: [sheetRow]
      })
    }
    out.push({
      sheetRow,
      newProvinceCode,
      newProvinceName: newProvince![1]!,
      newCommuneName,
      newCommuneCode,
      oldCommuneName: at("oldCommuneName"),
      oldCommuneCode,
      note,
      relation: cls.relation,
      areaOnly: cls.areaOnly,
      oldDistrictName: oldDistrict![1]!,
      oldDistrictCode,
      oldProvinceName: oldProvince![1]!,
      oldProvinceCode,
      fixes: []
    })
  }
  return out
}

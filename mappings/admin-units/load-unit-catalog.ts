/**
 * `loadUnitCatalog(path)`: the one entry point for getting a unit catalog from what the user
 * has. The path may be
 * - a directory in the cleaned layout (ward_mapping_old_to_new_nso.csv + registries),
 * - the official workbook (.xlsx, sheet "Tổng hợp_không merge"),
 * - the official sheet exported to CSV (UTF-8, UTF-16 or Windows-1258; comma, semicolon or tab),
 * - a cleaned mapping CSV on its own.
 * The kind is detected from the file itself, not only its extension. Defects are returned,
 * never thrown; only an unusable input throws (UnitTableError with a stable code).
 */
import { readFile, stat } from "node:fs/promises"
import { basename, dirname } from "node:path"
import { parse } from "csv-parse/sync"
import iconv from "iconv-lite"
import { foldKey } from "../../text/vietnamese.ts"
import type { UnitCatalog } from "./catalog.ts"
import { type CatalogDefect, DefectLog } from "./catalog-defects.ts"
import { loadCleanedCatalog } from "./cleaned-catalog.ts"
import { buildCatalogFromOfficialRows } from "./official-catalog.ts"
import { readOfficialSheet, type SheetCell, type SheetRow } from "./official-crosswalk.ts"
import { readOldUnitRegistry } from "./old-unit-registry.ts"
import { UnitTableError } from "./unit-tables.ts"

export interface LoadUnitCatalogOptions {
  /**
   * Path of the old-unit registry (old_wards_2025-06-30.csv) to cross-check a workbook or raw
   * CSV against. Ignored for the cleaned layout (which has its own registry).
   */
  readonly oldUnitRegistry?: string
}

export interface LoadedUnitCatalog {
  readonly catalog: UnitCatalog
  readonly defects: CatalogDefect[]
  /** What was detected: cleaned directory, workbook, official CSV. */
  readonly format: "cleaned" | "xlsx" | "official-csv"
}

const XLSX_MAGIC = [0x50, 0x4b, 0x03, 0x04] // a zip archive

/** The sheet users receive; matched accent-insensitively ("Tổng hợp_không merge"). */
const OFFICIAL_SHEET_KEY = "khong merge"

export async function loadUnitCatalog(path: string, options: LoadUnitCatalogOptions = {}): Promise<LoadedUnitCatalog> {
  let info
  try {
    info = await stat(path)
  } catch (e) {
    throw new UnitTableError({ code: "unit_table_unreadable", message: `Unit catalog ${path} not found: ${(e as Error).message}` })
  }
  const log = new DefectLog()
  if (info.isDirectory()) {
    const catalog = await loadCleanedCatalog(path, log)
    return { catalog, defects: log.toArray(), format: "cleaned" }
  }
  const bytes = await readFile(path)
  const registry = options.oldUnitRegistry === undefined ? undefined : await readOldUnitRegistry(options.oldUnitRegistry)
  if (XLSX_MAGIC.every((b, i) => bytes[i] === b)) {
    const rows = await readWorkbookRows(path)
    const edgeRows = readOfficialSheet(rows, log)
    const catalog = buildCatalogFromOfficialRows(edgeRows, log, { source: `workbook ${basename(path)}`, ...(registry ? { registry } : {}) })
    return { catalog, defects: log.toArray(), format: "xlsx" }
  }
  const text = decodeCsv(bytes, log)
  const firstLine = text.slice(0, text.indexOf("\n") >>> 0)
  if (firstLine.includes("old_ward_code") && firstLine.includes("new_ward_code")) {
    // a cleaned mapping table given on its own: load its directory (registries are optional there)
    const catalog = await loadCleanedCatalog(dirname(path), log)
    return { catalog, defects: log.toArray(), format: "cleaned" }
  }
  const rows = csvSheetRows(text)
  const edgeRows = readOfficialSheet(rows, log)
  if (edgeRows.length === 0) {
    throw new UnitTableError({ code: "unit_table_format", message: `${path} has no crosswalk rows: expected the official sheet (Mã Xã mới, Mã Xã cũ, …) or a cleaned mapping table` })
  }
  const catalog = buildCatalogFromOfficialRows(edgeRows, log, { source: `official CSV ${basename(path)}`, ...(registry ? { registry } : {}) })
  return { catalog, defects: log.toArray(), format: "official-csv" }
}

/** UTF-8 (with or without BOM), UTF-16 with BOM, or Windows-1258 when the bytes are not UTF-8. */
function decodeCsv(bytes: Buffer, log: DefectLog): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes, "utf16le")
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes, "utf16be")
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes)
  } catch {
    log.add({
      code: "unreadable_row",
      severity: "warning",
      message: "The CSV is not UTF-8",
      action: "decoded as Windows-1258 (the Vietnamese Windows code page)",
      rows: []
    })
    return iconv.decode(bytes, "windows1258")
  }
}

function csvSheetRows(text: string): SheetRow[] {
  const head = text.slice(0, 4096)
  const count = (ch: string): number => head.split(ch).length - 1
  const delimiter = count(";") > count(",") && count(";") > count("\t") ? ";" : count("\t") > count(",") ? "\t" : ","
  let records: string[][]
  try {
    records = parse(text, { bom: true, relax_column_count: true, relax_quotes: true, delimiter, skip_empty_lines: false }) as string[][]
  } catch (e) {
    throw new UnitTableError({ code: "unit_table_format", message: `Not a readable CSV: ${(e as Error).message}` })
  }
  return records.map((cells, i) => ({ sheetRow: i + 1, cells }))
}

/** Plain value of an exceljs cell: rich text joined, formulas by their result, numbers kept. */
function cellValue(v: unknown): SheetCell {
  if (v === null || v === undefined) return undefined
  if (typeof v === "string" || typeof v === "number" || typeof v === "boolean") return v
  if (v instanceof Date) return v.toISOString()
  if (typeof v === "object") {
    const o = v as { richText?: { text: string }[]; result?: unknown; text?: unknown; error?: string }
    if (Array.isArray(o.richText)) return o.richText.map((t) => t.text).join("")
    if ("result" in o) return cellValue(o.result)
    if (typeof o.text === "string") return o.text
    if (typeof o.error === "string") return undefined
  }
  return String(v)
}

async function readWorkbookRows(path: string): Promise<SheetRow[]> {
  const ExcelJS = (await import("exceljs")).default
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.readFile(path)
  } catch (e) {
    throw new UnitTableError({ code: "unit_table_unreadable", message: `${path} is not a readable workbook: ${(e as Error).message}` })
  }
  const sheets = workbook.worksheets
  const sheet =
    sheets.find((s) => foldKey(s.name).includes(OFFICIAL_SHEET_KEY)) ??
    sheets.find((s) => {
      let found = false
      s.eachRow({ includeEmpty: false }, (row, n) => {
        if (n > 5 || found) return
        const texts = (row.values as unknown[]).map((v) => foldKey(String(cellValue(v) ?? "")))
        found = texts.includes("ma xa cu")
      })
      return found
    })
  if (sheet === undefined) {
    throw new UnitTableError({
      code: "unit_table_format",
      message: `${path} has no sheet "Tổng hợp_không merge" and no sheet with a "Mã Xã cũ" header (sheets: ${sheets.map((s) => s.name).join(", ")})`
    })
  }
  const rows: SheetRow[] = []
  sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
    const values = row.values as unknown[]
    // exceljs row.values is 1-based
    rows.push({ sheetRow: rowNumber, cells: values.slice(1).map(cellValue) })
  })
  return rows
}

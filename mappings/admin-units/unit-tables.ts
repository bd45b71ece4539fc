/**
 * Reading the small CSV tables of the unit catalog (cleaned layout, registries, hint tables),
 * and the one error they raise when a table cannot be used at all.
 */
import { readFile } from "node:fs/promises"
import { parseCsvText } from "./csv-records.ts"
import * as Data from "effect/Data"

/** A unit table (catalog file, registry, hint table) that cannot be used at all. */
export class UnitTableError extends Data.TaggedError("UnitTableError")<{
  /** Stable code: unit_table_unreadable, unit_table_columns, unit_table_format. */
  readonly code: "unit_table_unreadable" | "unit_table_columns" | "unit_table_format"
  readonly message: string
}> {}

/** Reads a small UTF-8 CSV with a header into records (BOM tolerated). */
export async function readCsvRecords(path: string): Promise<Record<string, string>[]> {
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (e) {
    throw new UnitTableError({ code: "unit_table_unreadable", message: `Cannot read ${path}: ${(e as Error).message}` })
  }
  try {
    const rows = parseCsvText(text)
    const header = (rows[0] ?? []).map((h) => h.trim())
    const records: Record<string, string>[] = []
    for (let i = 1; i < rows.length; i++) {
      const r = rows[i]!
      const rec: Record<string, string> = {}
      for (let k = 0; k < header.length; k++) rec[header[k]!] = r[k] ?? ""
      records.push(rec)
    }
    return records
  } catch (e) {
    throw new UnitTableError({ code: "unit_table_unreadable", message: `${path} is not a readable CSV: ${(e as Error).message}` })
  }
}

export function requireColumns(path: string, records: readonly Record<string, string>[], columns: readonly string[]): void {
  const first = records[0]
  if (first === undefined) return
  const missing = columns.filter((c) => !(c in first))
  if (missing.length > 0) {
    throw new UnitTableError({ code: "unit_table_columns", message: `${path} lacks column(s) ${missing.join(", ")}` })
  }
}


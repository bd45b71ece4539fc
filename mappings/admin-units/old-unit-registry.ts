/**
 * The old-unit registry (danh mục ĐVHC as of 2025-06-30: `old_wards_2025-06-30.csv`): one row
 * per old commune with its district and province. Optional input to the workbook loader, used
 * to cross-check the crosswalk's old codes and names.
 */
import { cleanText } from "../../text/vietnamese.ts"
import { normalizeUnitCode } from "./codes.ts"
import { readCsvRecords, requireColumns } from "./unit-tables.ts"

export interface OldUnitRegistryRow {
  readonly provinceCode: string
  readonly provinceName: string
  readonly districtCode: string
  readonly districtName: string
  readonly code: string
  readonly name: string
}

const OLD_WARD_COLUMNS = ["old_province_code", "old_district_code", "old_ward_code", "old_ward_name"] as const

/** Reads `old_wards_2025-06-30.csv` (cleaned layout). Rows with unreadable codes are dropped. */
export async function readOldUnitRegistry(path: string): Promise<OldUnitRegistryRow[]> {
  const records = await readCsvRecords(path)
  requireColumns(path, records, OLD_WARD_COLUMNS)
  const out: OldUnitRegistryRow[] = []
  for (const r of records) {
    const provinceCode = normalizeUnitCode(r.old_province_code, "province")
    const districtCode = normalizeUnitCode(r.old_district_code, "district")
    const code = normalizeUnitCode(r.old_ward_code, "commune")
    if (provinceCode === undefined || districtCode === undefined || code === undefined) continue
    out.push({
      provinceCode,
      provinceName: cleanText(r.old_province_name ?? ""),
      districtCode,
      districtName: cleanText(r.old_district_name ?? ""),
      code,
      name: cleanText(r.old_ward_name ?? "")
    })
  }
  return out
}

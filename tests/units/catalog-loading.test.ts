import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import ExcelJS from "exceljs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { catalogStats, type UnitCatalog } from "../../mappings/admin-units/catalog.ts"
import type { CatalogDefect } from "../../mappings/admin-units/catalog-defects.ts"
import { loadUnitCatalog } from "../../mappings/admin-units/load-unit-catalog.ts"
import { UnitTableError } from "../../mappings/admin-units/unit-tables.ts"

const DATA = new URL("../../../shared/data/admin-units/", import.meta.url).pathname
const RAW = join(DATA, "raw/BangChuyendoiDVHCmoi_cu_khong_merge.csv")
const REGISTRY = join(DATA, "old_wards_2025-06-30.csv")

const byCode = (defects: readonly CatalogDefect[], code: string) => defects.filter((d) => d.code === code)
const edgeSet = (c: UnitCatalog) => new Set(c.edges.map((e) => `${e.oldCommuneCode}>${e.newCommuneCode}:${e.relation}:${e.areaOnly}`))

describe("loading the real 2025 catalog", () => {
  let cleaned: UnitCatalog
  let tmp: string
  beforeAll(async () => {
    cleaned = (await loadUnitCatalog(DATA)).catalog
    tmp = mkdtempSync(join(tmpdir(), "pm-units-"))
  })
  afterAll(() => rmSync(tmp, { recursive: true, force: true }))

  it("cleaned layout: 63 -> 34 provinces, 696 districts, 10,035 old and 3,321 new communes, the README's trap counts", () => {
    const s = catalogStats(cleaned)
    expect(s).toMatchObject({ oldProvinces: 63, newProvinces: 34, oldDistricts: 696, oldCommunes: 10_035, newCommunes: 3_321, splits: 441, populationOnlySplits: 60, islandDistricts: 5 })
    expect(s.edges).toBe(10_572 - 5 - 1) // minus 5 island-district rows and the non-unit area row
    expect(s.reusedCommuneCodes).toBe(3_316)
    expect(s.reusedProvinceCodes).toEqual(["15", "24", "44", "52", "80", "82", "91"])
    expect(cleaned.districtEdges.map((e) => e.newCommuneCode).sort()).toEqual(["11948", "19742", "20333", "21548", "26732"])
  })

  it("raw official CSV without a registry: reports every documented defect and guesses nothing", async () => {
    const { catalog, defects, format } = await loadUnitCatalog(RAW)
    expect(format).toBe("official-csv")
    expect(byCode(defects, "embedded_newline")[0]!.count).toBe(875)
    expect(byCode(defects, "stray_whitespace")[0]!.count).toBe(1_566)
    expect(byCode(defects, "not_nfc")[0]!.count).toBe(91)
    expect(byCode(defects, "banner_row")[0]!.count + byCode(defects, "stray_label_row").length).toBe(34)
    expect(byCode(defects, "header_row")[0]!.count).toBe(2)
    // the three wrong old-province labels, each corrected to the right code
    const labels = byCode(defects, "wrong_old_province_label")
    expect(labels.map((d) => [d.rows[0], d.action.match(/\((\d+)\)$/)?.[1]])).toEqual([
      [6211, "45"],
      [8914, "80"],
      [10030, "91"]
    ])
    // the missing edge, added from the resolution
    const missing = byCode(defects, "missing_edge")
    expect(missing).toHaveLength(1)
    expect(catalog.edges.some((e) => e.oldCommuneCode === "23053" && e.newCommuneCode === "23041" && e.areaOnly)).toBe(true)
    // the row without an old code that is not a unit, and the five island districts
    expect(byCode(defects, "unitless_area_row")).toHaveLength(1)
    expect(catalog.unitlessEdges[0]!.oldAreaName).toContain("bãi bồi")
    expect(byCode(defects, "island_district_row")).toHaveLength(5)
    // wrong commune codes: the sheet proves one (Đặng Xá is 00556 elsewhere); the other two are
    // two communes under one code, left for review instead of guessed
    expect(byCode(defects, "wrong_old_commune_code").map((d) => d.action)).toEqual(["corrected to 00556"])
    expect(byCode(defects, "old_commune_code_conflict").map((d) => d.message.match(/code (\d+)/)?.[1])).toEqual(["01615", "02485"])
    expect(catalog.oldCommunes).toHaveLength(10_033)
  })

  it("raw official CSV with the old-unit registry: all three wrong codes corrected, same catalog as the cleaned tables", async () => {
    const { catalog, defects } = await loadUnitCatalog(RAW, { oldUnitRegistry: REGISTRY })
    expect(byCode(defects, "wrong_old_commune_code").map((d) => d.action)).toEqual(["corrected to 00556", "corrected to 01651", "corrected to 02482"])
    expect(byCode(defects, "old_commune_code_conflict")).toHaveLength(0)
    expect(byCode(defects, "registry_commune_missing_from_crosswalk")).toHaveLength(0)
    expect(catalogStats(catalog)).toEqual(catalogStats(cleaned))
    expect(edgeSet(catalog)).toEqual(edgeSet(cleaned))
    const place = (c: UnitCatalog) => new Map(c.oldCommunes.map((x) => [x.code, `${x.districtCode}/${x.provinceCode}`]))
    expect(place(catalog)).toEqual(place(cleaned))
    const province = (c: UnitCatalog) => new Map(c.oldProvinces.map((x) => [x.code, x.newProvinceCode]))
    expect(province(catalog)).toEqual(province(cleaned))
    const newNames = (c: UnitCatalog) => new Map(c.newCommunes.map((x) => [x.code, `${x.provinceCode} ${x.name}`]))
    expect(newNames(catalog)).toEqual(newNames(cleaned))
  })

  it("the workbook (xlsx, sheet 'Tổng hợp_không merge', codes stored as numbers) loads like its CSV export", async () => {
    const rows = parse(readFileSync(RAW, "utf8"), { relax_column_count: true }) as string[][]
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet("Ghi chú").addRow(["Bảng chuyển đổi ĐVHC mới – cũ"])
    const ws = wb.addWorksheet("Tổng hợp_không merge")
    for (const [i, r] of rows.entries()) {
      // Excel users get codes as numbers with the zeros gone
      ws.addRow(i % 7 === 3 ? r.map((v, k) => ((k === 2 || k === 4) && /^\d+$/.test(v) ? Number(v) : v)) : r)
    }
    const path = join(tmp, "BangChuyendoi.xlsx")
    await wb.xlsx.writeFile(path)
    const fromXlsx = await loadUnitCatalog(path, { oldUnitRegistry: REGISTRY })
    expect(fromXlsx.format).toBe("xlsx")
    expect(edgeSet(fromXlsx.catalog)).toEqual(edgeSet(cleaned))
    expect(byCode(fromXlsx.defects, "numeric_code_cell")[0]!.count).toBeGreaterThan(1_000)
    expect(byCode(fromXlsx.defects, "wrong_old_province_label")).toHaveLength(3)
  })

  it("unusable inputs fail with a stable code, not a stack trace", async () => {
    await expect(loadUnitCatalog(join(tmp, "nope.csv"))).rejects.toMatchObject({ _tag: "UnitTableError", code: "unit_table_unreadable" })
    const junk = join(tmp, "junk.csv")
    writeFileSync(junk, "a,b,c\n1,2,3\n")
    const err = await loadUnitCatalog(junk).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnitTableError)
    expect((err as UnitTableError).code).toBe("unit_table_format")
  })
})

import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import ExcelJS from "exceljs"
import JSZip from "jszip"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { startsLikeFormula } from "../../reports/cell-safety.ts"
import { labelsFor } from "../../reports/labels.ts"
import {
  InvalidReportInput,
  SUMMARY_HEADER_ROW,
  writeReconciliationWorkbook,
  type ReconciliationInput
} from "../../reports/reconciliation-workbook.ts"
import { META_SHEET_NAME } from "../../reports/review-meta.ts"
import type { RejectRow, UnitReviewRow } from "../../reports/report-rows.ts"
import { BCRYPT_HASH, INJECTION_VALUES, buildWorld, type World } from "./world-fixture.ts"

const dir = mkdtempSync(join(tmpdir(), "pm-reports-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const world: World = buildWorld()
const vi = labelsFor("vi")
const en = labelsFor("en")

async function* streamed<R>(rows: ReadonlyArray<R>): AsyncGenerator<R> {
  for (const r of rows) {
    await Promise.resolve()
    yield r
  }
}

const inputOf = (w: World): ReconciliationInput => ({
  header: w.header,
  summary: w.summary.map((s) => s.row),
  rejects: streamed(w.rejects),
  units: w.units,
  duplicates: streamed(w.duplicates),
  accounts: w.accounts,
  ocr: w.ocr
})

const open = async (path: string): Promise<ExcelJS.Workbook> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(path)
  return wb
}

const sheet = (wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet => {
  const ws = wb.getWorksheet(name)
  if (ws === undefined) throw new Error(`sheet ${name} missing`)
  return ws
}

const validationsOf = (ws: ExcelJS.Worksheet): Record<string, ExcelJS.DataValidation | undefined> =>
  (ws as unknown as { dataValidations: { model: Record<string, ExcelJS.DataValidation | undefined> } }).dataValidations.model

const conditionalFormatsOf = (ws: ExcelJS.Worksheet): Array<{ ref: string; rules: Array<{ type: string; formulae?: unknown[] }> }> =>
  (ws as unknown as { conditionalFormattings: Array<{ ref: string; rules: Array<{ type: string; formulae?: unknown[] }> }> }).conditionalFormattings

/** Every string value of every cell of every sheet, with where it is. */
const allStrings = (wb: ExcelJS.Workbook): Array<{ where: string; text: string }> => {
  const out: Array<{ where: string; text: string }> = []
  wb.eachSheet((ws) => {
    ws.eachRow((row) => {
      row.eachCell((cell) => {
        const v = cell.value
        if (typeof v === "string") out.push({ where: `${ws.name}!${cell.address}`, text: v })
        else if (v !== null && typeof v === "object" && "text" in v && typeof v.text === "string") out.push({ where: `${ws.name}!${cell.address}`, text: v.text })
      })
    })
  })
  return out
}

/**
 * The units sheet's drop-downs as written: rows with as many candidates share one validation
 * whose reference is row-relative (anchored on the range's first row). Checks that every unit
 * row lists exactly its own candidates from its own `_meta` row; returns the validation count.
 */
const expectOwnCandidates = async (path: string, wb: ExcelJS.Workbook, units: ReadonlyArray<UnitReviewRow>): Promise<number> => {
  const xml = (await (await JSZip.loadAsync(readFileSync(path))).file("xl/worksheets/sheet3.xml")!.async("string")).replaceAll("&apos;", "'")
  const ranges = [...xml.matchAll(/<dataValidation [^>]*sqref="K(\d+)(?::K(\d+))?"[^>]*><formula1>'_meta'!\$D(\d+):\$([A-Z]+)(\d+)<\/formula1>/g)]
    .map((m) => ({ first: Number(m[1]), last: Number(m[2] ?? m[1]), metaRow: Number(m[3]), lastColumn: m[4]!.charCodeAt(0) - 64 }))
  const meta = sheet(wb, META_SHEET_NAME)
  units.forEach((u, i) => {
    const row = i + 2
    const range = ranges.find((r) => r.first <= row && row <= r.last)
    if (u.candidates.length === 0) return expect(range, `K${row}`).toBeUndefined()
    expect(range, `K${row}`).toBeDefined()
    const metaRow = range!.metaRow + (row - range!.first)
    const listed = Array.from({ length: range!.lastColumn - 3 }, (_, k) => meta.getCell(metaRow, 4 + k).value)
    expect(listed, `K${row}`).toEqual(u.candidates.map((c) => (c.name === "" ? c.code : `${c.code} — ${c.name}`)))
    expect(meta.getCell(metaRow, 2).value, `K${row}`).toBe(u.reviewKey)
  })
  return ranges.length
}

describe("reconciliation workbook (vi)", () => {
  const path = join(dir, "world-vi.xlsx")
  let wb: ExcelJS.Workbook
  let rowCounts: Record<string, number>

  beforeAll(async () => {
    const result = await writeReconciliationWorkbook(path, inputOf(world), { lang: "vi", generatedAt: new Date("2025-07-01T03:00:00Z") })
    rowCounts = { ...result.rowCounts }
    wb = await open(path)
  })

  it("reports how many items each sheet holds", () => {
    expect(rowCounts).toEqual({
      summary: world.summary.length,
      rejects: world.rejects.length,
      units: world.units.length,
      duplicates: world.duplicates.length,
      accounts: world.accounts.length,
      ocr: world.ocr.length
    })
  })

  it("has the sheets in order with Vietnamese names and a very hidden _meta", () => {
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      vi.sheets.summary,
      vi.sheets.rejects,
      vi.sheets.units,
      vi.sheets.duplicates,
      vi.sheets.accounts,
      vi.sheets.ocr,
      META_SHEET_NAME
    ])
    expect(sheet(wb, META_SHEET_NAME).state).toBe("veryHidden")
    expect(sheet(wb, vi.sheets.summary).state).toBe("visible")
  })

  it("prints the run header above the summary table", () => {
    const ws = sheet(wb, vi.sheets.summary)
    const header = new Map<string, unknown>()
    for (let r = 2; r < SUMMARY_HEADER_ROW; r++) header.set(String(ws.getCell(r, 1).value), ws.getCell(r, 2).value)
    expect(header.get(vi.runHeader.runId)).toBe(world.header.runId)
    expect(header.get(vi.runHeader.province)).toBe("Thành phố Hà Nội (01)")
    expect(header.get(vi.runHeader.sources)).toBe("mot-cua-hanoi, hotich-hatay")
    expect(header.get(vi.runHeader.startedAt)).toBe("01/07/2025 08:00:00 (giờ Việt Nam)")
    expect(header.get(vi.runHeader.finishedAt)).toBe("01/07/2025 09:30:00 (giờ Việt Nam)")
    expect(header.get(vi.runHeader.configHash)).toBe("sha256:4f1c0a")
    expect(header.get(vi.runHeader.toolVersion)).toBe("0.1.0")
  })

  it("shows per source, table and old unit the ground-truth numbers, the conservation check and the status", () => {
    const ws = sheet(wb, vi.sheets.summary)
    const c = vi.summaryColumns
    expect(ws.getRow(SUMMARY_HEADER_ROW).values).toEqual([
      undefined, c.source, c.table, c.oldUnitCode, c.oldUnitName, c.read, c.loaded, c.merged, c.rejected,
      c.pendingReview, c.conservation, c.sourceChecksum, c.targetChecksum, c.status
    ])
    world.summary.forEach((truth, i) => {
      const r = SUMMARY_HEADER_ROW + 1 + i
      const row = ws.getRow(r)
      const t = truth.row
      expect([row.getCell(1).value, row.getCell(2).value, row.getCell(3).value, row.getCell(4).value]).toEqual([t.source, t.table, t.oldUnitCode, t.oldUnitName])
      expect([5, 6, 7, 8, 9].map((n) => row.getCell(n).value)).toEqual([t.read, t.loaded, t.merged, t.rejected, t.pendingReview])
      // exceljs' full reader drops a cached result of 0 (the file holds <v>0</v>), hence `?? 0`.
      const diff = row.getCell(10).value as { formula: string; result?: number }
      expect(diff.formula).toBe(`E${r}-F${r}-G${r}-H${r}`)
      expect(diff.result ?? 0).toBe(t.read - t.loaded - t.merged - t.rejected)
      expect(row.getCell(11).value).toBe(t.sourceChecksum)
      expect(row.getCell(12).value).toBe(t.targetChecksum)
      expect(row.getCell(13).value).toBe(vi.status[truth.expectedStatus])
    })
    const totalRow = ws.getRow(SUMMARY_HEADER_ROW + 1 + world.summary.length)
    expect(totalRow.getCell(1).value).toBe(vi.totals)
    const sum = (f: (s: World["summary"][number]) => number): number => world.summary.reduce((a, s) => a + f(s), 0)
    const totalRead = totalRow.getCell(5).value as { formula: string; result: number }
    expect(totalRead.formula).toBe(`SUBTOTAL(109,E${SUMMARY_HEADER_ROW + 1}:E${SUMMARY_HEADER_ROW + world.summary.length})`)
    expect(totalRead.result).toBe(sum((s) => s.row.read))
    expect((totalRow.getCell(10).value as { result: number }).result).toBe(2)
    expect(totalRow.getCell(13).value).toBe(vi.status.mismatch)
  })

  it("freezes every table header and puts a filter on it", () => {
    const expectations: Array<[string, number, number]> = [
      [vi.sheets.summary, SUMMARY_HEADER_ROW, 13],
      [vi.sheets.rejects, 1, 7],
      [vi.sheets.units, 1, 12],
      [vi.sheets.duplicates, 1, 11],
      [vi.sheets.accounts, 1, 9],
      [vi.sheets.ocr, 1, 11]
    ]
    for (const [name, headerRow, columns] of expectations) {
      const ws = sheet(wb, name)
      expect(ws.views[0]).toMatchObject({ state: "frozen", ySplit: headerRow })
      expect(String(ws.autoFilter)).toMatch(new RegExp(`^A${headerRow}:${String.fromCharCode(64 + columns)}\\d+$`))
      expect(ws.getRow(headerRow).getCell(1).font?.bold).toBe(true)
    }
    expect(sheet(wb, vi.sheets.rejects).autoFilter).toBe(`A1:G${world.rejects.length + 1}`)
  })

  it("sizes columns for Vietnamese text within bounds", async () => {
    // Widths straight from the <cols> of each sheet (exceljs' reader loses merged col ranges).
    const zip = await JSZip.loadAsync(readFileSync(path))
    const widthsOf = async (sheetNumber: number): Promise<number[]> => {
      const xml = (await zip.file(`xl/worksheets/sheet${sheetNumber}.xml`)?.async("string")) ?? ""
      const widths: number[] = []
      for (const m of xml.matchAll(/<col min="(\d+)" max="(\d+)" width="([\d.]+)"/g)) {
        for (let c = Number(m[1]); c <= Number(m[2]); c++) widths[c - 1] = Number(m[3])
      }
      return widths
    }
    const units = await widthsOf(3)
    expect(units).toHaveLength(12)
    const longest = Math.max(...world.units.map((u) => (u.address ?? "").length))
    expect(units[7]).toBeGreaterThanOrEqual(Math.min(50, longest))
    expect(units[7]).toBeLessThanOrEqual(50)
    for (let sheetNumber = 1; sheetNumber <= 6; sheetNumber++) {
      for (const width of await widthsOf(sheetNumber)) {
        expect(width).toBeGreaterThanOrEqual(8)
        expect(width).toBeLessThanOrEqual(60)
      }
    }
  })

  it("colours status, conservation and pending cells with conditional formats", () => {
    const formats = conditionalFormatsOf(sheet(wb, vi.sheets.summary))
    const last = SUMMARY_HEADER_ROW + world.summary.length + 1
    const status = formats.find((f) => f.ref === `M${SUMMARY_HEADER_ROW + 1}:M${last}`)
    expect(status?.rules.map((r) => r.formulae?.[0])).toEqual(['"lệch"', '"khớp"', '"chưa đối soát"'])
    const conservation = formats.find((f) => f.ref === `J${SUMMARY_HEADER_ROW + 1}:J${last}`)
    expect(conservation?.rules[0]?.formulae?.[0]).toBe(`J${SUMMARY_HEADER_ROW + 1}<>0`)
    expect(formats.some((f) => f.ref.startsWith("I"))).toBe(true)
    expect(conditionalFormatsOf(sheet(wb, vi.sheets.units)).length).toBeGreaterThan(0)
    expect(conditionalFormatsOf(sheet(wb, vi.sheets.ocr)).length).toBeGreaterThan(0)
  })

  it("puts drop-downs on every decision column", async () => {
    const units = validationsOf(sheet(wb, vi.sheets.units))
    world.units.forEach((u, i) => {
      const v = units[`K${i + 2}`]
      if (u.candidates.length === 0) {
        expect(v).toBeUndefined()
      } else {
        expect(v?.type).toBe("list")
        expect(String(v?.formulae[0])).toMatch(/^'_meta'!\$D\d+:\$[A-Z]+\d+$/)
        expect(v?.showErrorMessage).toBe(true)
      }
    })
    await expectOwnCandidates(path, wb, world.units)

    const dups = validationsOf(sheet(wb, vi.sheets.duplicates))
    expect(dups["J2"]).toMatchObject({ type: "list", formulae: ['"Gộp,Giữ riêng"'] })
    const ocr = validationsOf(sheet(wb, vi.sheets.ocr))
    expect(ocr["I2"]).toMatchObject({ type: "list", formulae: ['"Giữ nguyên giá trị,Sửa theo giá trị đúng"'] })
  })

  it("shows duplicate pairs side by side with the per-field breakdown", () => {
    const ws = sheet(wb, vi.sheets.duplicates)
    const pair = world.duplicates[0]
    const origin = ws.getRow(2)
    expect(origin.getCell(1).value).toBe(pair?.reviewKey)
    expect(origin.getCell(5).value).toBe(vi.duplicateOriginField)
    expect(origin.getCell(6).value).toBe("mot-cua-hanoi: A0")
    expect(origin.getCell(7).value).toBe("hotich-hatay: B0")
    const byField = new Map<unknown, ExcelJS.Row>()
    for (let r = 3; r <= 6; r++) byField.set(ws.getRow(r).getCell(5).value, ws.getRow(r))
    const name = byField.get(vi.fields["fullName"])
    expect([name?.getCell(6).value, name?.getCell(7).value, name?.getCell(8).value, name?.getCell(9).value]).toEqual(["Nguyễn Văn An", "Nguyen Van An", "gần giống", 2.5])
    expect(byField.get(vi.fields["birthDate"])?.getCell(6).value).toBe("1990-01-02")
    const phone = byField.get(vi.fields["phone"])
    // A negative weight is a number, and a lone "-" is text guarded against formula use.
    expect(phone?.getCell(9).value).toBe(-3.5)
    expect(phone?.getCell(7).value).toBe("'-")
    expect(phone?.getCell(6).value).toBe("0912345678")
  })

  it("writes every hostile value inert: no string cell can start a formula", () => {
    const strings = allStrings(wb)
    const live = strings.filter((s) => startsLikeFormula(s.text))
    expect(live).toEqual([])
    const rejects = sheet(wb, vi.sheets.rejects)
    for (let i = 1; i < 6; i++) {
      // XML turns a carriage return into a line feed on reading; the apostrophe is what matters.
      expect(rejects.getCell(`G${i + 2}`).value).toBe(`'${INJECTION_VALUES[i]?.replace("\r", "\n")}`)
    }
    expect(sheet(wb, vi.sheets.units).getCell(`H${world.units.length + 1}`).value).toBe("'=1+1 thôn Đoài")
    // The only formulas are ours.
    wb.eachSheet((ws) =>
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          if (cell.type === ExcelJS.ValueType.Formula) expect(cell.formula).toMatch(/^(SUBTOTAL\(109,[A-Z]+\d+:[A-Z]+\d+\)|[A-Z]\d+-[A-Z]\d+-[A-Z]\d+-[A-Z]\d+)$/)
        })
      )
    )
  })

  it("never lets a password hash through", () => {
    const strings = allStrings(wb)
    expect(strings.filter((s) => s.text.includes("$2b$10$"))).toEqual([])
    expect(sheet(wb, vi.sheets.rejects).getCell("G2").value).toBe("password_hash=[đã ẩn/redacted]")
    expect(strings.some((s) => s.text.includes(BCRYPT_HASH.slice(7)))).toBe(false)
  })

  it("keeps identifiers visible when masking is off", () => {
    expect(allStrings(wb).some((s) => s.text.includes("001090012345"))).toBe(true)
  })

  it("links page images and labels OCR fields", () => {
    const ws = sheet(wb, vi.sheets.ocr)
    expect(ws.getCell("D2").value).toEqual({ text: "pages/ho-tich-1995-p3.png", hyperlink: "pages/ho-tich-1995-p3.png" })
    expect(ws.getCell("E2").value).toBe("Họ và tên")
    expect(ws.getCell("G2").value).toBe(0.42)
    expect(ws.getCell("H5").value).toBe(vi.ocrLinkStatus.unlinked)
  })
})

describe("reconciliation workbook options", () => {
  it("masks CCCD and phone numbers everywhere when asked", async () => {
    const path = join(dir, "masked.xlsx")
    await writeReconciliationWorkbook(path, inputOf(world), { maskIdentifiers: true })
    const wb = await open(path)
    const strings = allStrings(wb)
    expect(strings.filter((s) => /\d{9,}/.test(s.text.replace(/[ .-]/g, "")) && !s.where.startsWith(vi.sheets.summary) && !s.where.startsWith(META_SHEET_NAME))).toEqual([])
    const dups = sheet(wb, vi.sheets.duplicates)
    const citizenRow = [3, 4, 5, 6].find((r) => dups.getCell(`E${r}`).value === vi.fields["citizenId"]) ?? 0
    expect(dups.getCell(`F${citizenRow}`).value).toBe("********2340")
    const phoneRow = [3, 4, 5, 6].find((r) => dups.getCell(`E${r}`).value === vi.fields["phone"]) ?? 0
    expect(dups.getCell(`F${phoneRow}`).value).toBe("*******678")
    expect(sheet(wb, vi.sheets.rejects).getCell("F2").value).toBe("Số CCCD ********2345 không hợp lệ, SĐT *******678")
    // A masked path is no link: the target would show what the text hides.
    expect(sheet(wb, vi.sheets.ocr).getCell("D2").value).toBe("pages/ho-tich-1995-p3.png")
    expect(sheet(wb, vi.sheets.ocr).getCell("F4").value).toBe("********2345")
  })

  it("speaks English with --lang en", async () => {
    const path = join(dir, "world-en.xlsx")
    await writeReconciliationWorkbook(path, inputOf(world), { lang: "en" })
    const wb = await open(path)
    expect(wb.worksheets.map((w) => w.name).slice(0, 6)).toEqual(["Summary", "Rejects", "Units", "Duplicates", "Accounts", "OCR"])
    const ws = sheet(wb, "Summary")
    expect(ws.getCell(1, 1).value).toBe(en.runHeader.title)
    expect(ws.getCell(SUMMARY_HEADER_ROW, 5).value).toBe("Read")
    const statuses = new Set(world.summary.map((_, i) => ws.getCell(SUMMARY_HEADER_ROW + 1 + i, 13).value))
    expect(statuses).toEqual(new Set(["match", "mismatch", "not checked"]))
    expect(sheet(wb, "Rejects").getCell("D3").value).toBe("Normalize")
    expect(validationsOf(sheet(wb, "Duplicates"))["J2"]?.formulae).toEqual(['"merge,keep apart"'])
  })

  it("gives consecutive unit rows with as many candidates one shared drop-down, each row still listing its own", async () => {
    const candidates = (i: number, n: number) => Array.from({ length: n }, (_, k) => ({ code: String(27000 + ((i * 7 + k) % 900)), name: `Xã ${(i + k) % 37}` }))
    const units: UnitReviewRow[] = Array.from({ length: 1200 }, (_, i) => {
      const n = i < 500 ? 2 : i < 520 ? 0 : i < 1100 ? 3 : 2
      return {
        reviewKey: `unit:src/ho_so/${String(i).padStart(5, "0")}`, source: "src", table: "ho_so", sourceKey: `src/ho_so/${i}`,
        oldProvinceCode: "97", oldDistrictCode: "970", oldCommuneCode: String(97000 + i), address: null,
        status: n === 0 ? "unknown" as const : "ambiguous" as const, candidates: candidates(i, n)
      }
    })
    const path = join(dir, "units-runs.xlsx")
    await writeReconciliationWorkbook(path, { ...inputOf(world), units }, { lang: "vi" })
    expect(await expectOwnCandidates(path, await open(path), units)).toBe(3)
  })

  it("writes empty sheets when there is nothing to review", async () => {
    const path = join(dir, "empty.xlsx")
    const result = await writeReconciliationWorkbook(path, { header: world.header, summary: [], rejects: [], units: [], duplicates: [], accounts: [], ocr: [] })
    expect(Object.values(result.rowCounts)).toEqual([0, 0, 0, 0, 0, 0])
    const wb = await open(path)
    expect(sheet(wb, vi.sheets.rejects).getRow(1).getCell(1).value).toBe(vi.rejectColumns.source)
    expect(sheet(wb, vi.sheets.rejects).actualRowCount).toBe(1)
  })

  it("refuses review keys a spreadsheet could mangle, and repeated keys", async () => {
    const bad = { ...world.units[0], reviewKey: "=1+1" } as (typeof world.units)[number]
    await expect(writeReconciliationWorkbook(join(dir, "bad.xlsx"), { ...inputOf(world), units: [bad] })).rejects.toBeInstanceOf(InvalidReportInput)
    const twice = world.units[0]
    if (twice === undefined) throw new Error("fixture has units")
    await expect(writeReconciliationWorkbook(join(dir, "bad2.xlsx"), { ...inputOf(world), units: [twice, twice] })).rejects.toThrow(/appears twice/)
  })

  it("streams rejects from an async source", async () => {
    async function* many(): AsyncGenerator<RejectRow> {
      for (let i = 0; i < 5000; i++) {
        yield { source: "s", table: "t", sourceKey: String(i), stage: "load", errorCode: "LOAD_FAILED", message: "m", rawValue: i % 2 === 0 ? `-${i}` : null }
      }
    }
    const path = join(dir, "many.xlsx")
    const result = await writeReconciliationWorkbook(path, { header: world.header, summary: [], rejects: many(), units: [], duplicates: [], accounts: [], ocr: [] })
    expect(result.rowCounts.rejects).toBe(5000)
    const wb = await open(path)
    const ws = sheet(wb, vi.sheets.rejects)
    expect(ws.actualRowCount).toBe(5001)
    expect(ws.getCell("G5001").value).toBe(null)
    expect(ws.getCell("G5000").value).toBe("'-4998")
  })
})

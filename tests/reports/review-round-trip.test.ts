/**
 * The review round trip at the file level: provmerge writes the workbook, a reviewer fills the
 * decision columns (simulated with exceljs, which rewrites the whole file the way Excel does),
 * and readReviewDecisions takes the answers back, or refuses all of them with clear errors.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import ExcelJS from "exceljs"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { labelsFor } from "../../reports/labels.ts"
import { writeReconciliationWorkbook } from "../../reports/reconciliation-workbook.ts"
import { META_SHEET_NAME } from "../../reports/review-meta.ts"
import { readReviewDecisions, readWorkbookRunId, type ReviewDecision } from "../../reports/review-reader.ts"
import { buildWorld } from "./world-fixture.ts"

const dir = mkdtempSync(join(tmpdir(), "pm-review-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const world = buildWorld()
const vi = labelsFor("vi")
const RUN = world.header.runId
let counter = 0

const writeFresh = async (options: { lang?: "vi" | "en"; signingKey?: string } = {}): Promise<string> => {
  const path = join(dir, `review-${counter++}.xlsx`)
  await writeReconciliationWorkbook(
    path,
    {
      header: world.header,
      summary: world.summary.map((s) => s.row),
      rejects: world.rejects,
      units: world.units,
      duplicates: world.duplicates,
      accounts: world.accounts,
      ocr: world.ocr
    },
    { lang: options.lang ?? "vi", ...(options.signingKey === undefined ? {} : { signingKey: options.signingKey }) }
  )
  return path
}

/** Opens the workbook like a reviewer's spreadsheet program, lets `edit` change it, saves it. */
const review = async (path: string, edit: (wb: ExcelJS.Workbook) => void): Promise<string> => {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.readFile(path)
  edit(wb)
  const out = path.replace(/\.xlsx$/, `-reviewed-${counter++}.xlsx`)
  await wb.xlsx.writeFile(out)
  return out
}

const ws = (wb: ExcelJS.Workbook, name: string): ExcelJS.Worksheet => {
  const sheet = wb.getWorksheet(name)
  if (sheet === undefined) throw new Error(`no sheet ${name}`)
  return sheet
}

const firstUnit = world.units[0]
const unknownUnitRow = world.units.findIndex((u) => u.status === "unknown") + 2
if (firstUnit === undefined || unknownUnitRow < 2) throw new Error("fixture must hold an ambiguous and an unknown unit")
const chosen = firstUnit.candidates[1]
if (chosen === undefined) throw new Error("fixture unit must have two candidates")

/** The answers of a careful reviewer. */
const fillGoodAnswers = (wb: ExcelJS.Workbook): void => {
  const units = ws(wb, vi.sheets.units)
  units.getCell("K2").value = `${chosen.code} — ${chosen.name}` // picked from the drop-down
  units.getCell("L2").value = "Theo xác minh của công an phường"
  units.getCell(`K${unknownUnitRow}`).value = "00070" // typed: unknown unit, no candidates
  const dups = ws(wb, vi.sheets.duplicates)
  dups.getCell("J2").value = "Gộp" // pair dup:0, on its origin row
  const pairRows = 1 + world.duplicates[0]!.breakdown.length
  dups.getCell(`J${2 + pairRows + 1}`).value = "Giữ riêng" // pair dup:1, on a field row
  const ocr = ws(wb, vi.sheets.ocr)
  ocr.getCell("I2").value = "Sửa theo giá trị đúng"
  ocr.getCell("J2").value = "Nguyễn Văn An"
  ocr.getCell("I3").value = "Giữ nguyên giá trị"
  ocr.getCell("J4").value = "'=001090012345" // a value copied from a guarded cell
}

const byKey = (decisions: ReadonlyArray<ReviewDecision>): Map<string, ReviewDecision> => new Map(decisions.map((d) => [d.reviewKey, d]))

describe("review round trip", () => {
  let fresh: string
  beforeAll(async () => {
    fresh = await writeFresh()
  })

  it("returns no decision and no error for an untouched workbook", async () => {
    expect(await readReviewDecisions(fresh, RUN)).toEqual({ decisions: [], errors: [] })
  })

  it("takes back every answer of a reviewer, with where it was given", async () => {
    const reviewed = await review(fresh, fillGoodAnswers)
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(errors).toEqual([])
    const d = byKey(decisions)
    expect(d.get(firstUnit.reviewKey)).toEqual({
      kind: "unit",
      reviewKey: firstUnit.reviewKey,
      communeCode: chosen.code,
      fromCandidates: true,
      note: "Theo xác minh của công an phường",
      sheet: vi.sheets.units,
      row: 2
    })
    expect(d.get("unit:unknown-1")).toMatchObject({ kind: "unit", communeCode: "00070", fromCandidates: false })
    expect(d.get("dup:0")).toMatchObject({ kind: "duplicate", decision: "merge", row: 2 })
    expect(d.get("dup:1")).toMatchObject({ kind: "duplicate", decision: "keepApart" })
    expect(d.get("ocr:0")).toMatchObject({ kind: "ocr", decision: "correct", correctedValue: "Nguyễn Văn An" })
    expect(d.get("ocr:1")).toMatchObject({ kind: "ocr", decision: "confirm", correctedValue: null })
    // A corrected value alone means "correct"; the guard apostrophe copied along is dropped.
    expect(d.get("ocr:2")).toMatchObject({ kind: "ocr", decision: "correct", correctedValue: "=001090012345" })
    expect(decisions).toHaveLength(7)
  })

  it("reads the same answers every time (idempotent) and survives a reviewer sorting rows", async () => {
    const reviewed = await review(fresh, fillGoodAnswers)
    const first = await readReviewDecisions(reviewed, RUN)
    const again = await readReviewDecisions(reviewed, RUN)
    expect(again).toEqual(first)
    const sorted = await review(reviewed, (wb) => {
      const units = ws(wb, vi.sheets.units)
      const a = units.getRow(2).values
      const b = units.getRow(3).values
      units.getRow(2).values = b as ExcelJS.CellValue[]
      units.getRow(3).values = a as ExcelJS.CellValue[]
    })
    const afterSort = await readReviewDecisions(sorted, RUN)
    expect(afterSort.errors).toEqual([])
    expect(byKey(afterSort.decisions).get(firstUnit.reviewKey)).toMatchObject({ communeCode: chosen.code, row: 3 })
  })

  it("accepts answers in English in an English workbook, and commune codes Excel turned into numbers", async () => {
    const path = await writeFresh({ lang: "en" })
    const reviewed = await review(path, (wb) => {
      ws(wb, "Duplicates").getCell("J2").value = "keep apart"
      ws(wb, "Units").getCell(`K${unknownUnitRow}`).value = 70
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(errors).toEqual([])
    expect(byKey(decisions).get("dup:0")).toMatchObject({ decision: "keepApart" })
    expect(byKey(decisions).get("unit:unknown-1")).toMatchObject({ communeCode: "00070" })
  })

  it("refuses a workbook from another run", async () => {
    const reviewed = await review(fresh, fillGoodAnswers)
    const { decisions, errors } = await readReviewDecisions(reviewed, "run-2025-08-01-other")
    expect(decisions).toEqual([])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: "FOREIGN_RUN" })
    expect(errors[0]?.message).toContain(RUN)
    expect(errors[0]?.message).toContain("run-2025-08-01-other")
  })

  it("reads the run id of the control sheet every time, from the written and the reviewed file", async () => {
    // review apply looks up the run's signing key by this id before it checks anything else. The
    // exceljs streaming reader it used before returned nothing in about 1 read in 10 (a CI failure:
    // a workbook of another run reported as tampered), so it is read many times here.
    const reviewed = await review(fresh, fillGoodAnswers)
    for (let i = 0; i < 40; i++) {
      expect(await readWorkbookRunId(fresh)).toBe(RUN)
      expect(await readWorkbookRunId(reviewed)).toBe(RUN)
    }
    const plain = join(dir, "no-meta.xlsx")
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet(vi.sheets.units).addRow(["Mã rà soát"])
    await wb.xlsx.writeFile(plain)
    expect(await readWorkbookRunId(plain)).toBeNull()
    await expect(readWorkbookRunId(join(dir, "nope.xlsx"))).rejects.toThrow()
  })

  it("refuses an edited review key, and applies nothing else", async () => {
    const reviewed = await review(fresh, (wb) => {
      fillGoodAnswers(wb)
      ws(wb, vi.sheets.units).getCell("A3").value = "unit:9999"
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(decisions).toEqual([])
    expect(errors).toEqual([
      {
        code: "UNKNOWN_REVIEW_KEY",
        sheet: vi.sheets.units,
        row: 3,
        column: `A "${vi.unitColumns.reviewKey}"`,
        message: "Mã rà soát «unit:9999» không có trong bảng đối soát này (có thể đã bị sửa).",
        hint: "Không sửa cột «Mã rà soát»; khôi phục giá trị gốc hoặc xóa dòng đã thêm."
      }
    ])
  })

  it("refuses a copied row and a decision without its key", async () => {
    const reviewed = await review(fresh, (wb) => {
      const ocr = ws(wb, vi.sheets.ocr)
      ocr.getCell("A10").value = "ocr:0" // the reviewer copied the first row down
      ocr.getCell("I10").value = "Giữ nguyên giá trị"
      ocr.getCell("I11").value = "Giữ nguyên giá trị" // an answer on a row with no key
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(decisions).toEqual([])
    expect(errors.map((e) => [e.code, e.row])).toEqual([
      ["REPEATED_REVIEW_KEY", 10],
      ["MISSING_REVIEW_KEY", 11]
    ])
  })

  it("refuses values outside the drop-down lists, naming sheet, row, column and the allowed values", async () => {
    const reviewed = await review(fresh, (wb) => {
      fillGoodAnswers(wb)
      ws(wb, vi.sheets.duplicates).getCell("J2").value = "Có lẽ"
      ws(wb, vi.sheets.units).getCell("K2").value = "00070 — Phường Hoàn Kiếm"
      ws(wb, vi.sheets.units).getCell(`K${unknownUnitRow}`).value = "Hoàn Kiếm"
      ws(wb, vi.sheets.ocr).getCell("I3").value = "Đồng ý"
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(decisions).toEqual([])
    const codes = errors.map((e) => [e.code, e.sheet, e.row])
    expect(codes).toEqual([
      ["NOT_A_CANDIDATE", vi.sheets.units, 2],
      ["INVALID_COMMUNE_CODE", vi.sheets.units, unknownUnitRow],
      ["INVALID_DECISION", vi.sheets.duplicates, 2],
      ["INVALID_DECISION", vi.sheets.ocr, 3]
    ])
    const notCandidate = errors[0]
    expect(notCandidate?.column).toBe(`K "${vi.unitColumns.decision}"`)
    for (const c of firstUnit.candidates) expect(notCandidate?.hint).toContain(`${c.code} — ${c.name}`)
    expect(errors[2]?.hint).toBe("Chọn một giá trị trong danh sách: «Gộp», «Giữ riêng».")
  })

  it("checks OCR answers for consistency and refuses formulas and answers on unlinked documents", async () => {
    const reviewed = await review(fresh, (wb) => {
      const ocr = ws(wb, vi.sheets.ocr)
      ocr.getCell("I2").value = "Giữ nguyên giá trị"
      ocr.getCell("J2").value = "Nguyễn Văn An" // confirm + corrected: contradiction
      ocr.getCell("I3").value = "Sửa theo giá trị đúng" // correct without a value
      ocr.getCell("J4").value = { formula: "1+1", result: 2 }
      ocr.getCell("I5").value = "Giữ nguyên giá trị" // unlinked document
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(decisions).toEqual([])
    expect(errors.map((e) => [e.code, e.row])).toEqual([
      ["CONFLICTING_ANSWER", 2],
      ["CORRECTED_VALUE_MISSING", 3],
      ["FORMULA_NOT_ALLOWED", 4],
      ["DECISION_NOT_EXPECTED", 5]
    ])
  })

  it("refuses a pair with two different decisions", async () => {
    const reviewed = await review(fresh, (wb) => {
      ws(wb, vi.sheets.duplicates).getCell("J2").value = "Gộp"
      ws(wb, vi.sheets.duplicates).getCell("J4").value = "Giữ riêng"
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(decisions).toEqual([])
    expect(errors).toMatchObject([{ code: "CONFLICTING_DECISIONS", sheet: vi.sheets.duplicates, row: 2 }])
  })

  it("detects tampering with the hidden control sheet", async () => {
    const reviewed = await review(fresh, (wb) => {
      fillGoodAnswers(wb)
      // Sneak a new candidate into the list the drop-down reads.
      const meta = ws(wb, META_SHEET_NAME)
      const metaRow = 11
      meta.getCell(metaRow, 4 + firstUnit.candidates.length).value = "00070 — Phường Hoàn Kiếm"
      ws(wb, vi.sheets.units).getCell("K2").value = "00070 — Phường Hoàn Kiếm"
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(decisions).toEqual([])
    expect(errors).toMatchObject([{ code: "META_TAMPERED", sheet: META_SHEET_NAME }])
  })

  it("uses the per-run signing key when one was given", async () => {
    const path = await writeFresh({ signingKey: "secret-from-ledger" })
    const reviewed = await review(path, fillGoodAnswers)
    expect((await readReviewDecisions(reviewed, RUN)).errors).toMatchObject([{ code: "META_TAMPERED" }])
    expect((await readReviewDecisions(reviewed, RUN, { signingKey: "wrong" })).errors).toMatchObject([{ code: "META_TAMPERED" }])
    const ok = await readReviewDecisions(reviewed, RUN, { signingKey: "secret-from-ledger" })
    expect(ok.errors).toEqual([])
    expect(ok.decisions).toHaveLength(7)
  })

  it("says so when a sheet or a decision column is gone", async () => {
    const reviewed = await review(fresh, (wb) => {
      wb.removeWorksheet(ws(wb, vi.sheets.duplicates).id)
      ws(wb, vi.sheets.ocr).getCell("J1").value = "Giá trị"
    })
    const { decisions, errors } = await readReviewDecisions(reviewed, RUN)
    expect(decisions).toEqual([])
    expect(errors.map((e) => [e.code, e.sheet])).toEqual([
      ["MISSING_SHEET", vi.sheets.duplicates],
      ["MISSING_COLUMN", vi.sheets.ocr]
    ])
    expect(errors[1]?.message).toBe(`Trang «${vi.sheets.ocr}» thiếu cột «${vi.ocrColumns.correctedValue}» ở dòng tiêu đề.`)
  })

  it("refuses a workbook provmerge did not make, and a file that is not a workbook", async () => {
    const plain = join(dir, "plain.xlsx")
    const wb = new ExcelJS.Workbook()
    wb.addWorksheet(vi.sheets.units).addRow(["Mã rà soát", "Quyết định: xã/phường mới"])
    await wb.xlsx.writeFile(plain)
    expect((await readReviewDecisions(plain, RUN)).errors).toMatchObject([{ code: "NOT_A_REVIEW_WORKBOOK" }])
    const missing = await readReviewDecisions(join(dir, "nope.xlsx"), RUN, { lang: "en" })
    expect(missing.errors).toMatchObject([{ code: "FILE_UNREADABLE" }])
    expect(missing.errors[0]?.hint).toBe("Check the path, save the file as .xlsx and try again.")
  })

  it("answers in English when asked", async () => {
    const reviewed = await review(fresh, (wb) => {
      ws(wb, vi.sheets.duplicates).getCell("J2").value = "maybe"
    })
    const { errors } = await readReviewDecisions(reviewed, RUN, { lang: "en" })
    expect(errors).toMatchObject([{ code: "INVALID_DECISION", message: "Decision «maybe» is not valid.", hint: "Choose one of: «merge», «keep apart»." }])
  })
})

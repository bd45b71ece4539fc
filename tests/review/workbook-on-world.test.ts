/**
 * The reconciliation workbook a run produces, opened with exceljs and held against the
 * generated world's ground truth: Summary counts per source table and old unit, checksum
 * status khớp everywhere, the Rejects sheet, the formula-injection guard on the generator's bait
 * values, and Vietnamese labels by default, English with lang "en".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type ExcelJS from "exceljs"
import { writeRunWorkbook } from "../../pipelines/reconcile.ts"
import { TOOL_VERSION } from "../../pipelines/tool-version.ts"
import { startsLikeFormula } from "../../reports/cell-safety.ts"
import { labelsFor } from "../../reports/labels.ts"
import { SUMMARY_HEADER_ROW } from "../../reports/reconciliation-workbook.ts"
import { readTruthCsv } from "../support/truth.ts"
import { cellText, matcherWithReviewPairs, migrateWorld, type MigratedWorld, readWorkbook, sheetOf } from "./migrated-world.ts"

const vi = labelsFor("vi")
const en = labelsFor("en")

describe("the reconciliation workbook of a migrated world", () => {
  let m: MigratedWorld
  let wb: ExcelJS.Workbook
  let bait: Array<{ sourceKey: string; value: string }>

  beforeAll(async () => {
    // Citizens whose address is formula bait are offered as duplicate pairs, so their values
    // reach the Duplicates sheet (seed 7 at this scale has two of them).
    m = await migrateWorld({
      prefix: "pm_wbook",
      scale: 0.03,
      seed: 7,
      matcher: matcherWithReviewPairs((records) => {
        const out: Array<[typeof records[number], typeof records[number]]> = []
        records.forEach((r, i) => {
          const other = records[i === 0 ? 1 : i - 1]
          if (r.address !== null && startsLikeFormula(r.address) && other !== undefined) out.push([r, other])
        })
        return out
      })
    })
    wb = await readWorkbook(m.first.workbook)
    const rows = await m.handle.db.selectFrom("citizen_records").select(["source_key", "address"]).execute()
    bait = (rows as Array<{ source_key: string; address: string | null }>)
      .filter((r) => r.address !== null && startsLikeFormula(r.address))
      .map((r) => ({ sourceKey: r.source_key, value: r.address! }))
  }, 600_000)

  afterAll(async () => {
    await m?.cleanup()
  })

  it("has the Summary numbers of the ground truth, conservation 0 and khớp on every row", () => {
    expect(m.first.status).toBe("succeeded")
    const expected = readTruthCsv(m.world.truthDir, "expected-counts.csv")
    const summary = sheetOf(wb, vi.sheets.summary)
    const header = (summary.getRow(SUMMARY_HEADER_ROW).values as ExcelJS.CellValue[]).map(cellText)
    expect(header.slice(1, 14)).toEqual([
      vi.summaryColumns.source, vi.summaryColumns.table, vi.summaryColumns.oldUnitCode, vi.summaryColumns.oldUnitName,
      vi.summaryColumns.read, vi.summaryColumns.loaded, vi.summaryColumns.merged, vi.summaryColumns.rejected,
      vi.summaryColumns.pendingReview, vi.summaryColumns.conservation, vi.summaryColumns.sourceChecksum,
      vi.summaryColumns.targetChecksum, vi.summaryColumns.status
    ])
    const actual = new Map<string, ExcelJS.CellValue[]>()
    const summaryRowOf = new Map<string, number>()
    let totals: ExcelJS.CellValue[] | undefined
    summary.eachRow((row, n) => {
      if (n <= SUMMARY_HEADER_ROW) return
      const v = row.values as ExcelJS.CellValue[]
      if (cellText(v[1]) === vi.totals) totals = v
      else {
        actual.set(`${cellText(v[1])}|${cellText(v[2])}|${cellText(v[3]) ?? ""}`, v)
        summaryRowOf.set(`${cellText(v[1])}|${cellText(v[2])}|${cellText(v[3]) ?? ""}`, n)
      }
    })
    expect(actual.size).toBe(expected.length)
    let read = 0
    let rejected = 0
    for (const e of expected) {
      const key = `${e.source}|${e.table}|${e.unit}`
      const v = actual.get(key)
      expect(v, key).toBeDefined()
      expect(v![5], `${key} read`).toBe(Number(e.read))
      expect(v![8], `${key} rejected`).toBe(Number(e.rejected))
      expect(Number(v![6]) + Number(v![7]), `${key} loaded + merged`).toBe(Number(e.read) - Number(e.rejected))
      // Conservation: a live formula read − loaded − merged − rejected (exceljs reads a cached 0 back as no result).
      const row = summaryRowOf.get(key)!
      expect(v![10], `${key} conservation`).toMatchObject({ formula: `E${row}-F${row}-G${row}-H${row}` })
      expect(Number(v![5]) - Number(v![6]) - Number(v![7]) - Number(v![8])).toBe(0)
      expect(cellText(v![11])).toMatch(/^[0-9a-f]{16}$/)
      expect(cellText(v![12]), `${key} checksums`).toBe(cellText(v![11]))
      expect(cellText(v![13]), key).toBe(vi.status.match)
      read += Number(e.read)
      rejected += Number(e.rejected)
    }
    expect(totals).toBeDefined()
    expect(cellText(totals![5])).toBe(String(read))
    expect(cellText(totals![8])).toBe(String(rejected))
    expect(cellText(totals![13])).toBe(vi.status.match)
  })

  it("lists on the Rejects sheet exactly the rejects of the ground truth, with their codes", () => {
    const expected = readTruthCsv(m.world.truthDir, "rejects.csv")
    expect(expected.length).toBeGreaterThan(5)
    const sheet = sheetOf(wb, vi.sheets.rejects)
    const header = (sheet.getRow(1).values as ExcelJS.CellValue[]).map(cellText)
    expect(header.slice(1, 8)).toEqual([
      vi.rejectColumns.source, vi.rejectColumns.table, vi.rejectColumns.sourceKey, vi.rejectColumns.stage,
      vi.rejectColumns.errorCode, vi.rejectColumns.message, vi.rejectColumns.rawValue
    ])
    const actual = new Map<string, string>()
    sheet.eachRow((row, n) => {
      if (n === 1) return
      const v = row.values as ExcelJS.CellValue[]
      actual.set(cellText(v[3])!, cellText(v[5])!)
      expect(cellText(v[6])!.length, "a message a reviewer can read").toBeGreaterThan(5)
    })
    expect(actual.size).toBe(expected.length)
    for (const e of expected) expect(actual.get(e.source_key!), e.source_key).toBe(e.code)
  })

  it("neutralises the generator's formula bait wherever it reaches a cell, and writes no formula outside the Summary", () => {
    expect(bait.length).toBeGreaterThanOrEqual(1)
    const found = new Map<string, string>()
    for (const ws of wb.worksheets) {
      ws.eachRow((row) => {
        row.eachCell((cell) => {
          const value = cell.value
          if (value !== null && typeof value === "object" && ("formula" in value || "sharedFormula" in value)) {
            expect(ws.name, `formula ${JSON.stringify(value)} at ${ws.name}!${cell.address}`).toBe(vi.sheets.summary)
            return
          }
          if (typeof value !== "string") return
          expect(startsLikeFormula(value), `${ws.name}!${cell.address} = ${JSON.stringify(value)}`).toBe(false)
          for (const b of bait) if (value === `'${b.value}`) found.set(b.value, `${ws.name}!${cell.address}`)
        })
      })
    }
    // Every bait value of the target that the workbook shows is there, as inert text.
    for (const b of bait) expect(found.get(b.value), `${b.sourceKey}: ${b.value}`).toMatch(new RegExp(`^${vi.sheets.duplicates}!`))
  })

  it("is in Vietnamese by default and in English with lang en", async () => {
    expect(wb.worksheets.filter((w) => w.state === "visible").map((w) => w.name)).toEqual([
      vi.sheets.summary, vi.sheets.rejects, vi.sheets.units, vi.sheets.duplicates, vi.sheets.accounts, vi.sheets.ocr
    ])
    const path = await writeRunWorkbook({ job: { ...m.job, lang: "en" }, target: m.handle, runId: m.first.runId, toolVersion: TOOL_VERSION, maskIdentifiers: false })
    const english = await readWorkbook(path)
    expect(english.worksheets.filter((w) => w.state === "visible").map((w) => w.name)).toEqual([
      en.sheets.summary, en.sheets.rejects, en.sheets.units, en.sheets.duplicates, en.sheets.accounts, en.sheets.ocr
    ])
    const summary = sheetOf(english, en.sheets.summary)
    expect(cellText(summary.getRow(SUMMARY_HEADER_ROW).getCell(5).value)).toBe(en.summaryColumns.read)
    const statuses = new Set<string>()
    summary.eachRow((row, n) => {
      if (n > SUMMARY_HEADER_ROW) statuses.add(cellText(row.getCell(13).value) ?? "")
    })
    expect([...statuses]).toEqual([en.status.match])
    expect(cellText(sheetOf(english, en.sheets.units).getRow(1).getCell(11).value)).toBe(en.unitColumns.decision)
  })
})

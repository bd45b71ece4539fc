/**
 * The full review round trip on a migrated world: a reviewer fills the workbook's decision cells
 * (Units: ambiguous and unknown unit codes; Duplicates: merge / keep apart; OCR: a correction),
 * `review apply` stores the decisions with who and when, reruns only the batches they touch
 * and the dedupe stage, and the target then holds the chosen communes. The same workbook applied
 * twice changes nothing; a tampered workbook is refused whole, with errors that say where.
 */
import { copyFileSync } from "node:fs"
import { join } from "node:path"
import { Effect } from "effect"
import type ExcelJS from "exceljs"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { applyReview, type ApplyReviewResult, ReviewRejected } from "../../pipelines/apply-review.ts"
import type { CitizenForMatching } from "../../pipelines/deduplicate-citizens.ts"
import { listBatches } from "../../pipelines/ledger.ts"
import { silentProgress } from "../../pipelines/progress-events.ts"
import { summaryRows, writeRunWorkbook } from "../../pipelines/reconcile.ts"
import { TOOL_VERSION } from "../../pipelines/tool-version.ts"
import { loadJobUnits } from "../../pipelines/unit-remapper.ts"
import { labelsFor } from "../../reports/labels.ts"
import { writeReconciliationWorkbook } from "../../reports/reconciliation-workbook.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"
import { cellText, matcherWithReviewPairs, migrateWorld, type MigratedWorld, readWorkbook, sheetOf } from "./migrated-world.ts"

const vi = labelsFor("vi")
const REVIEWER = "Nguyễn Văn Kiểm"

/** Two stable review pairs: consecutive records (by source key) with different CCCDs. */
const pickPairs = (records: readonly CitizenForMatching[]): Array<[CitizenForMatching, CitizenForMatching]> => {
  const sorted = [...records].sort((a, b) => (a.sourceKey < b.sourceKey ? -1 : 1))
  const out: Array<[CitizenForMatching, CitizenForMatching]> = []
  for (let i = 10; i + 1 < sorted.length && out.length < 2; i += 7) {
    const a = sorted[i]!
    const b = sorted[i + 1]!
    if (a.cccd !== null && a.cccd === b.cccd) continue
    out.push([a, b])
  }
  return out
}

const attempts = async (m: MigratedWorld) => new Map((await listBatches(m.handle.db)).map((b) => [b.batch_id, b.attempt]))

const rowsOf = (ws: ExcelJS.Worksheet): Array<{ n: number; v: ExcelJS.CellValue[] }> => {
  const out: Array<{ n: number; v: ExcelJS.CellValue[] }> = []
  ws.eachRow((row, n) => {
    if (n > 1) out.push({ n, v: row.values as ExcelJS.CellValue[] })
  })
  return out
}

const rejected = (m: MigratedWorld, path: string) =>
  Effect.runPromise(applyReview(m.job, path, { reviewer: REVIEWER, progress: silentProgress }).pipe(Effect.flip))

describe("review apply: the reviewed workbook back into the migration", () => {
  let m: MigratedWorld
  let reviewed: string
  let result: ApplyReviewResult
  let before: Map<string, number>
  const ambiguous: Array<{ key: string; sourceKey: string; code: string }> = []
  const unknown: Array<{ key: string; sourceKey: string; code: string }> = []
  let pairKeys: { merge: string; keepApart: string }
  let ocrKey: string
  let otherCommune: string

  beforeAll(async () => {
    m = await migrateWorld({ prefix: "pm_review", scale: 0.02, seed: 7, batchSize: 100, matcher: matcherWithReviewPairs(pickPairs) })
    // The OCR stage is not wired into runs yet: one OCR review item as it would write it.
    ocrKey = "ocr:scan-0001.pdf#1:applicantName"
    await m.handle.db.withSchema("provmerge").insertInto("review_items").values({
      review_key: ocrKey,
      kind: "ocr",
      payload: JSON.stringify({ file: "scan-0001.pdf", page: 1, pageImagePath: null, field: "applicantName", value: "Nguyen Van An", confidence: 0.42, linkStatus: "linked" })
    }).execute()
    const units = await loadJobUnits(m.job.catalog, m.job.unitHints)
    const path = await writeRunWorkbook({
      job: m.job, target: m.handle, runId: m.first.runId, toolVersion: TOOL_VERSION, maskIdentifiers: false, unitNames: units.names
    })

    // The reviewer's answers.
    const communes = units.catalog.newCommunes.filter((c) => c.provinceCode === m.job.province.code)
    otherCommune = units.catalog.newCommunes.find((c) => c.provinceCode !== m.job.province.code)!.code
    const wb = await readWorkbook(path)
    const unitSheet = sheetOf(wb, vi.sheets.units)
    for (const { n, v } of rowsOf(unitSheet)) {
      const status = cellText(v[9])
      const key = cellText(v[1])!
      const sourceKey = cellText(v[4])!
      if (status === vi.unitStatus.ambiguous && ambiguous.length < 4) {
        const choices = cellText(v[10])!.split("; ")
        const choice = choices[ambiguous.length % choices.length]! // a drop-down label "40001 — Phường …"
        unitSheet.getCell(`K${n}`).value = choice
        ambiguous.push({ key, sourceKey, code: choice.slice(0, 5) })
      } else if (status === vi.unitStatus.unknown && unknown.length < 3) {
        const code = communes[unknown.length]!.code
        unitSheet.getCell(`K${n}`).value = code // typed by hand: an unknown code has no candidates
        unknown.push({ key, sourceKey, code })
      }
    }
    const dups = sheetOf(wb, vi.sheets.duplicates)
    const pairRows = rowsOf(dups).filter(({ v }) => cellText(v[5]) === vi.duplicateOriginField)
    expect(pairRows.length).toBe(2)
    dups.getCell(`J${pairRows[0]!.n}`).value = vi.decisions.merge
    dups.getCell(`J${pairRows[1]!.n}`).value = vi.decisions.keepApart
    pairKeys = { merge: cellText(pairRows[0]!.v[1])!, keepApart: cellText(pairRows[1]!.v[1])! }
    const ocr = sheetOf(wb, vi.sheets.ocr)
    ocr.getCell("I2").value = vi.decisions.correct
    ocr.getCell("J2").value = "Nguyễn Văn An"
    reviewed = join(m.dir, "reviewed.xlsx")
    await wb.xlsx.writeFile(reviewed)

    before = await attempts(m)
    result = await Effect.runPromise(applyReview(m.job, reviewed, { reviewer: REVIEWER, progress: silentProgress }))
  }, 900_000)

  afterAll(async () => {
    await m?.cleanup()
  })

  it("had ambiguous and unknown units to answer", () => {
    expect(ambiguous.length).toBe(4)
    expect(unknown.length).toBe(3)
    expect(result.decisions).toBe(4 + 3 + 2 + 1)
    expect(result.changed).toBe(4 + 3 + 2 + 1)
    expect(result.run?.status).toBe("succeeded")
  })

  it("stores every decision with the reviewer and the time, and logs it", async () => {
    const db = m.handle.db
    const items = new Map((await db.withSchema("provmerge").selectFrom("review_items").selectAll().where("decision", "is not", null).execute())
      .map((r: any) => [r.review_key, r]))
    for (const u of [...ambiguous, ...unknown]) {
      expect(items.get(u.key)?.decision, u.key).toBe(u.code)
      expect(items.get(u.key)?.decided_by).toBe(REVIEWER)
      expect(items.get(u.key)?.decided_at).not.toBeNull()
    }
    expect(items.get(pairKeys.merge)).toMatchObject({ kind: "duplicate", decision: "merge", decided_by: REVIEWER })
    expect(items.get(pairKeys.keepApart)).toMatchObject({ kind: "duplicate", decision: "keep_apart", decided_by: REVIEWER })
    expect(items.get(ocrKey)).toMatchObject({ kind: "ocr", decision: "correct:Nguyễn Văn An", decided_by: REVIEWER })
    const log = await db.withSchema("provmerge").selectFrom("review_log").selectAll().execute()
    expect(log.length).toBe(10)
    for (const l of log as any[]) {
      expect(l).toMatchObject({ decided_by: REVIEWER, workbook: "reviewed.xlsx", run_id: m.first.runId, previous_decision: null })
      expect(l.workbook_sha256).toMatch(/^[0-9a-f]{64}$/)
    }
  })

  it("reran exactly the batches holding the decided unit references", async () => {
    const db = m.handle.db
    const ambiguousBatches = (await db.withSchema("provmerge").selectFrom("review_items").select("batch_id")
      .where("review_key", "in", [...ambiguous, ...unknown].map((u) => u.key)).execute()).map((r: any) => r.batch_id as string)
    const expected = [...new Set(ambiguousBatches)].sort()
    expect(result.rerunBatches).toEqual(expected)
    expect(result.dedupeRerun).toBe(true)
    const after = await attempts(m)
    for (const [batch, attempt] of after) expect(attempt, batch).toBe((before.get(batch) ?? 0) + (expected.includes(batch) ? 1 : 0))
    expect(after.size).toBeGreaterThan(expected.length * 3)
  })

  it("puts the chosen communes into the target rows and loads the answered unknown-unit rows", async () => {
    const db = m.handle.db
    const all = new Map<string, { unit_status: string; new_commune_code: string | null }>()
    for (const t of ["agencies", "account_records", "citizen_records", "dossiers", "civil_status_events"]) {
      const rows = await sql<any>`select source_key, unit_status, new_commune_code from ${sql.id(t)}`.execute(db)
      for (const r of rows.rows) all.set(r.source_key, r)
    }
    for (const u of [...ambiguous, ...unknown]) {
      expect(all.get(u.sourceKey), u.sourceKey).toEqual({ source_key: u.sourceKey, unit_status: "reviewed", new_commune_code: u.code })
    }
    const stillRejected = await db.withSchema("provmerge").selectFrom("rejects").select("source_key")
      .where("source_key", "in", unknown.map((u) => u.sourceKey)).execute()
    expect(stillRejected).toEqual([])
    for (const r of await summaryRows(db)) {
      expect(r.loaded + r.merged + r.rejected, `${r.source}/${r.table}/${r.oldUnitCode}`).toBe(r.read)
      expect(r.targetChecksum, `${r.source}/${r.table}/${r.oldUnitCode}`).toBe(r.sourceChecksum)
    }
  })

  it("honours the duplicate decisions in the dedupe stage", async () => {
    const db = m.handle.db
    const payloads = await db.withSchema("provmerge").selectFrom("review_items").select(["review_key", "payload"])
      .where("review_key", "in", [pairKeys.merge, pairKeys.keepApart]).execute()
    expect(payloads.length).toBe(2)
    const masterOf = async (id: string) => (await db.selectFrom("citizen_records").select("master_id").where("id", "=", id).executeTakeFirstOrThrow() as any).master_id
    for (const p of payloads as any[]) {
      const [a, b] = [await masterOf(p.payload.recordIdA), await masterOf(p.payload.recordIdB)]
      if (p.review_key === pairKeys.merge) expect(a).toBe(b)
      else expect(a).not.toBe(b)
    }
  })

  it("applying the same workbook again changes nothing", async () => {
    const snapshot = await snapshotTarget(m.handle.db)
    const attemptsBefore = await attempts(m)
    const again = await Effect.runPromise(applyReview(m.job, reviewed, { reviewer: REVIEWER, progress: silentProgress }))
    expect(again).toMatchObject({ decisions: 10, changed: 0, rerunBatches: [], dedupeRerun: false, run: null })
    expect(await attempts(m)).toEqual(attemptsBefore)
    expect(await snapshotTarget(m.handle.db)).toEqual(snapshot)
  })

  describe("a tampered workbook is refused whole, with errors that say where", () => {
    let logCount: number
    let snapshot: Record<string, string>
    let batchAttempts: Map<string, number>
    let fresh: { n: number; key: string; choice: string }

    beforeAll(async () => {
      logCount = (await m.handle.db.withSchema("provmerge").selectFrom("review_log").select("id").execute()).length
      snapshot = await snapshotTarget(m.handle.db)
      batchAttempts = await attempts(m)
      const wb = await readWorkbook(reviewed)
      const row = rowsOf(sheetOf(wb, vi.sheets.units)).find(({ v }) => cellText(v[9]) === vi.unitStatus.ambiguous && cellText(v[11]) === null)!
      fresh = { n: row.n, key: cellText(row.v[1])!, choice: cellText(row.v[10])!.split("; ")[0]! }
    })

    const tamper = async (name: string, edit: (wb: ExcelJS.Workbook) => void): Promise<string> => {
      const wb = await readWorkbook(reviewed)
      sheetOf(wb, vi.sheets.units).getCell(`K${fresh.n}`).value = fresh.choice // a valid new answer, which must not be applied
      edit(wb)
      const path = join(m.dir, name)
      await wb.xlsx.writeFile(path)
      return path
    }

    const expectNothingApplied = async () => {
      expect((await m.handle.db.withSchema("provmerge").selectFrom("review_log").select("id").execute()).length).toBe(logCount)
      const item = await m.handle.db.withSchema("provmerge").selectFrom("review_items").select("decision").where("review_key", "=", fresh.key).executeTakeFirst()
      expect((item as any)?.decision ?? null).toBeNull()
      expect(await attempts(m)).toEqual(batchAttempts)
      expect(await snapshotTarget(m.handle.db)).toEqual(snapshot)
    }

    it("an edited review key", async () => {
      const path = await tamper("edited-key.xlsx", (wb) => {
        const units = sheetOf(wb, vi.sheets.units)
        const n = rowsOf(units).find(({ v }) => cellText(v[1]) === ambiguous[0]!.key)!.n
        units.getCell(`A${n}`).value = `${ambiguous[0]!.key}0`
      })
      const e = await rejected(m, path)
      expect(e).toBeInstanceOf(ReviewRejected)
      const errors = (e as ReviewRejected).errors
      expect(errors.map((x) => x.code)).toEqual(["UNKNOWN_REVIEW_KEY"])
      expect(errors[0]).toMatchObject({ sheet: vi.sheets.units })
      expect((e as ReviewRejected).message).toContain("Nothing was applied")
      await expectNothingApplied()
    })

    it("a commune that is not one of the candidates, and a typed code that is not a commune of this province", async () => {
      const path = await tamper("bad-values.xlsx", (wb) => {
        const units = sheetOf(wb, vi.sheets.units)
        const rows = rowsOf(units)
        const a = rows.find(({ v }) => cellText(v[1]) === ambiguous[1]!.key)!
        const candidates = cellText(a.v[10])!.split("; ").map((c) => c.slice(0, 5))
        units.getCell(`K${a.n}`).value = candidates.includes(otherCommune) ? "00000" : otherCommune
        const u = rows.find(({ v }) => cellText(v[1]) === unknown[0]!.key)!
        units.getCell(`K${u.n}`).value = otherCommune
      })
      const e = (await rejected(m, path)) as ReviewRejected
      expect(e).toBeInstanceOf(ReviewRejected)
      expect(e.errors.map((x) => x.code).sort()).toEqual(["NOT_A_CANDIDATE"])
      expect(e.errors[0]!.row).toBeGreaterThan(1)
      await expectNothingApplied()
      // The reader accepts any 5-digit code for an unknown unit; the catalog check is review apply's.
      const typed = await tamper("foreign-commune.xlsx", (wb) => {
        const units = sheetOf(wb, vi.sheets.units)
        const u = rowsOf(units).find(({ v }) => cellText(v[1]) === unknown[0]!.key)!
        units.getCell(`K${u.n}`).value = otherCommune
      })
      const e2 = (await rejected(m, typed)) as ReviewRejected
      expect(e2.errors.map((x) => x.code)).toEqual(["INVALID_COMMUNE_CODE"])
      expect(e2.message).toContain(otherCommune)
      await expectNothingApplied()
    })

    it("a workbook of another run, and edited control data", async () => {
      const other = join(m.dir, "other-run.xlsx")
      await writeReconciliationWorkbook(other, {
        header: { runId: "00000000-0000-4000-8000-000000000000", province: "x", sources: [], startedAt: new Date(), finishedAt: new Date(), toolVersion: "t", configHash: "c" },
        summary: [],
        rejects: [],
        units: [{ reviewKey: fresh.key, source: "s", table: "t", sourceKey: "s/t/1", oldProvinceCode: null, oldDistrictCode: null, oldCommuneCode: null, address: null, status: "ambiguous", candidates: [{ code: fresh.choice.slice(0, 5), name: "x" }] }],
        duplicates: [],
        accounts: [],
        ocr: []
      })
      const e = (await rejected(m, other)) as ReviewRejected
      expect(e).toBeInstanceOf(ReviewRejected)
      expect(e.errors.map((x) => x.code)).toEqual(["FOREIGN_RUN"])
      await expectNothingApplied()

      const meta = await tamper("edited-meta.xlsx", (wb) => {
        const hidden = wb.getWorksheet("_meta")!
        hidden.getCell("D11").value = otherCommune // widen the allowed choices of the first entry
      })
      const e2 = (await rejected(m, meta)) as ReviewRejected
      expect(e2.errors.map((x) => x.code)).toEqual(["META_TAMPERED"])
      await expectNothingApplied()
    })

    it("a file that is not a workbook", async () => {
      const path = join(m.dir, "not-a-workbook.xlsx")
      copyFileSync(m.world.jobFile, path)
      const e = (await rejected(m, path)) as ReviewRejected
      expect(e).toBeInstanceOf(ReviewRejected)
      expect(e.errors.map((x) => x.code)).toEqual(["FILE_UNREADABLE"])
      await expectNothingApplied()
    })
  })
})

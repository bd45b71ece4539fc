/**
 * The OCR stage on the real PostgreSQL server: scans become digitized results linked to their
 * dossier and citizen, bad files become rejects, a rerun skips what is done, and reviewers'
 * corrections replace the machine's values.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase, type DatabaseHandle } from "../../connectors/open-database.ts"
import { generateScan, type GeneratedScan } from "../../ocr/scan-generator.ts"
import { applyOcrDecisions, runDigitizeStage } from "../../pipelines/digitize-results.ts"
import { migrateTarget } from "../../target/migrate-target.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { snapshotTarget } from "../support/target-snapshot.ts"

const DOSSIER_ID = "11111111-1111-5111-8111-111111111111"
const CITIZEN_ID = "22222222-2222-5222-8222-222222222222"

describe("digitizing district results into the target", () => {
  let dir: string
  let scratch: ScratchDatabase
  let handle: DatabaseHandle
  let scan: GeneratedScan

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pm-ocr-stage-"))
    scratch = await scratchDatabase("postgres", "pm_ocr_stage")
    handle = await openDatabase(scratch.location)
    await migrateTarget(handle.db)
    scan = await generateScan(4, { clean: true, type: "decision" })
    const f = scan.spec.fields
    await sql`insert into citizens (id, full_name, cccd, record_count) values (${CITIZEN_ID}, ${f.applicantName}, ${f.citizenId}, 1)`.execute(handle.db)
    await sql`insert into dossiers (id, source, source_table, source_pk, source_key, accounting_unit, dossier_code, procedure_code,
        applicant_name, applicant_citizen_id, received_at, completed_at, status, result_number, unit_status)
      values (${DOSSIER_ID}, 'x', 'ho_so', 1, 'x/ho_so/1', '', 'HS-1', '1.001193', ${f.applicantName}, ${CITIZEN_ID},
        ${`${f.issueDate}T08:00:00+07:00`}, ${`${f.issueDate}T09:00:00+07:00`}, 'completed', ${f.documentNumber}, 'mapped')`.execute(handle.db)
    mkdirSync(join(dir, "scans", "huyen-a"), { recursive: true })
    writeFileSync(join(dir, "scans", "huyen-a", "quyet-dinh.png"), scan.pageImages[0]!)
    writeFileSync(join(dir, "scans", "huyen-a", "broken.pdf"), "%PDF-1.4 this is not a real pdf")
    writeFileSync(join(dir, "scans", "scan-003.jpg"), "JFIF? no: a truncated upload")
  }, 300_000)

  afterAll(async () => {
    await handle?.close()
    await scratch?.drop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it("digitizes readable scans, links them to their dossier and citizen, and rejects the rest with a code", { timeout: 600_000 }, async () => {
    const summary = await runDigitizeStage(handle, { scansDir: join(dir, "scans"), pageImageDir: join(dir, "pages"), concurrency: 1 })
    expect(summary).toMatchObject({ files: 3, digitized: 1, rejected: 2, linked: 1 })
    const rows = (await sql<any>`select file_path, fields, dossier_id, citizen_id, link_confidence, full_text from digitized_results`.execute(handle.db)).rows
    expect(rows).toHaveLength(1)
    expect(rows[0].file_path).toBe("huyen-a/quyet-dinh.png")
    expect(rows[0].dossier_id).toBe(DOSSIER_ID)
    expect(rows[0].fields.documentNumber).toBe(scan.spec.fields.documentNumber)
    expect(rows[0].full_text.length).toBeGreaterThan(100)
    const rejects = (await sql<any>`select source_key, error_code, stage from provmerge.rejects order by source_key`.execute(handle.db)).rows
    expect(rejects.map((r) => r.source_key)).toEqual(["scans/files/huyen-a/broken.pdf", "scans/files/scan-003.jpg"])
    expect(rejects.every((r) => r.stage === "ocr" && r.error_code.length > 3)).toBe(true)
  })

  it("skips files already done on a rerun and leaves the target as it was", { timeout: 600_000 }, async () => {
    const before = await snapshotTarget(handle.db)
    const summary = await runDigitizeStage(handle, { scansDir: join(dir, "scans"), pageImageDir: join(dir, "pages"), concurrency: 1 })
    expect(summary.digitized).toBe(0)
    expect(summary.skipped).toBe(3)
    expect(await snapshotTarget(handle.db)).toEqual(before)
  })

  it("applies a reviewer's correction to the stored field", async () => {
    const hash = (await sql<any>`select file_hash from digitized_results`.execute(handle.db)).rows[0].file_hash as string
    const key = `ocr:${hash.slice(0, 16)}:signer`
    await sql`insert into provmerge.review_items (review_key, kind, payload, decision, decided_by, decided_at)
      values (${key}, 'ocr', ${JSON.stringify({ field: "signer", value: "?" })}, 'correct:Trần Văn Bình', 'reviewer', now())
      on conflict (review_key) do update set decision = excluded.decision`.execute(handle.db)
    expect(await applyOcrDecisions(handle)).toBe(1)
    const row = (await sql<any>`select fields, confidences from digitized_results`.execute(handle.db)).rows[0]
    expect(row.fields.signer).toBe("Trần Văn Bình")
    expect(row.confidences.signer).toBe(1)
    expect(await applyOcrDecisions(handle)).toBe(0)
  })
})

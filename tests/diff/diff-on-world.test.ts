/**
 * `provmerge diff` and the workbook's checksums on a migrated generated world: a clean migration
 * diffs clean; after one field of one target row is changed and another row deleted by hand,
 * the Summary shows 'lệch' for exactly those old units of that table, and diff names exactly
 * those rows (and the one column), with exit code 1.
 */
import { execFile } from "node:child_process"
import { join } from "node:path"
import { promisify } from "node:util"
import { Effect } from "effect"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { formatDiffReport } from "../../cli/commands/diff.ts"
import { diffJob } from "../../pipelines/diff-job.ts"
import { writeRunWorkbook } from "../../pipelines/reconcile.ts"
import { TOOL_VERSION } from "../../pipelines/tool-version.ts"
import { labelsFor } from "../../reports/labels.ts"
import { SUMMARY_HEADER_ROW } from "../../reports/reconciliation-workbook.ts"
import { cellText, migrateWorld, type MigratedWorld, readWorkbook, sheetOf } from "../review/migrated-world.ts"

const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [join(import.meta.dirname, "diff-cli-entry.ts"), ...args], { env: { ...process.env, NO_COLOR: "1" }, timeout: 120_000 })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }))

describe("provmerge diff on a migrated world", () => {
  let m: MigratedWorld
  let changed: { pk: number; source: string; table: string; source_key: string; accounting_unit: string; applicant_name: string }
  let deleted: { pk: number; source: string; table: string; source_key: string; accounting_unit: string }

  beforeAll(async () => {
    // batchSize 100: several key ranges per table, so only the tampered ones must differ.
    m = await migrateWorld({ prefix: "pm_diff", scale: 0.02, seed: 5, batchSize: 100 })
  }, 600_000)

  afterAll(async () => {
    await m?.cleanup()
  })

  it("finds no difference after a clean migration", async () => {
    expect(m.first.status).toBe("succeeded")
    const report = await Effect.runPromise(diffJob(m.job))
    expect(report.differences).toBe(0)
    expect(report.tables.length).toBeGreaterThanOrEqual(10)
    for (const t of report.tables) {
      expect(t.rows, `${t.source}/${t.table}`).toEqual([])
      expect(t.sourceRows).toBe(t.targetRows)
    }
    expect(report.tables.find((t) => t.table === "ho_so")!.ranges).toBeGreaterThan(1)
    expect(formatDiffReport(report)).toContain("No differences")
    const r = await cli(["diff", m.world.jobFile, "--target", m.target.dsn, "--table", "dossiers"])
    expect(r.code).toBe(0)
  })

  it("after one field changed and one row deleted in the target: lệch for exactly those units, diff names exactly those rows", async () => {
    const db = m.handle.db
    // Two dossiers of one vendor-A source table, in different old units.
    const rows = (await sql<any>`select source, source_table as table, source_pk::int as pk, source_key, accounting_unit, applicant_name from dossiers
      where source_table = 'ho_so' and applicant_name is not null order by source, source_pk`.execute(db)).rows
    changed = rows[Math.floor(rows.length / 3)]
    deleted = rows.find((r) => r.source === changed.source && r.accounting_unit !== changed.accounting_unit && r.pk > changed.pk)
    expect(deleted).toBeDefined()
    await sql`update dossiers set applicant_name = ${`${changed.applicant_name} `} where source_key = ${changed.source_key}`.execute(db)
    await sql`delete from dossiers where source_key = ${deleted.source_key}`.execute(db)

    // The workbook of the run, rebuilt from the target as it is now.
    const path = await writeRunWorkbook({ job: m.job, target: m.handle, runId: m.first.runId, toolVersion: TOOL_VERSION, maskIdentifiers: false })
    const vi = labelsFor("vi")
    const summary = sheetOf(await readWorkbook(path), vi.sheets.summary)
    const mismatched: string[] = []
    let matched = 0
    summary.eachRow((row, n) => {
      if (n <= SUMMARY_HEADER_ROW) return
      const values = row.values as ExcelJS_CellValues
      const status = cellText(values[13])
      if (cellText(values[1]) === vi.totals) {
        expect(status).toBe(vi.status.mismatch)
        return
      }
      if (status === vi.status.mismatch) mismatched.push(`${cellText(values[1])}|${cellText(values[2])}|${cellText(values[3]) ?? ""}`)
      else if (status === vi.status.match) matched++
    })
    expect(mismatched.sort()).toEqual([
      `${changed.source}|ho_so|${changed.accounting_unit}`,
      `${deleted.source}|ho_so|${deleted.accounting_unit}`
    ].sort())
    expect(matched).toBeGreaterThan(20)

    // diff: exactly the two rows, the one column, located in their key ranges.
    const report = await Effect.runPromise(diffJob(m.job))
    expect(report.differences).toBe(2)
    const differing = report.tables.filter((t) => t.rows.length > 0)
    expect(differing.map((t) => `${t.source}/${t.table}`)).toEqual([`${changed.source}/ho_so`])
    const t = differing[0]!
    expect(t.rangesDiffering).toBeGreaterThanOrEqual(1)
    expect(t.rangesDiffering).toBeLessThanOrEqual(2)
    expect(t.rangesDiffering).toBeLessThan(t.ranges)
    expect(t.rows).toEqual([
      expect.objectContaining({
        sourceKey: changed.source_key,
        status: "changed",
        columns: [{ column: "applicant_name", source: changed.applicant_name, target: `${changed.applicant_name} ` }]
      }),
      expect.objectContaining({ sourceKey: deleted.source_key, status: "missing_in_target", rejectedAtLoad: false })
    ])

    // One unit at a time: only that unit's row.
    const byUnit = await Effect.runPromise(diffJob(m.job, { source: changed.source, table: "ho_so", unit: changed.accounting_unit }))
    expect(byUnit.tables.flatMap((x) => x.rows.map((r) => r.sourceKey))).toEqual([changed.source_key])

    // The command: the rows on stdout, exit code 1.
    const r = await cli(["diff", m.world.jobFile, "--target", m.target.dsn, "--source", changed.source, "--table", "ho_so"])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain(`${changed.source_key}  applicant_name  source ${JSON.stringify(changed.applicant_name)}  target ${JSON.stringify(`${changed.applicant_name} `)}`)
    expect(r.stdout).toContain(`${deleted.source_key}  missing in the target`)
    expect(r.stderr).toContain("2 row(s) differ")
    expect(r.stderr).not.toMatch(/\n\s+at .*\.ts:\d+/)
  })

  it("says which table names exist when asked for one that does not", async () => {
    const r = await cli(["diff", m.world.jobFile, "--target", m.target.dsn, "--table", "no_such_table"])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("No table 'no_such_table'")
    expect(r.stderr).toContain("ho_so")
  })
})

type ExcelJS_CellValues = import("exceljs").CellValue[]

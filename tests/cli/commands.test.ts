/**
 * The command line as an operator meets it: help on every command, clear errors without stack
 * traces, and the demo (the README's main job) producing a workbook on embedded PGlite.
 */
import { execFile } from "node:child_process"
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { promisify } from "node:util"
import ExcelJS from "exceljs"
import { afterAll, describe, expect, it } from "vitest"

const run = promisify(execFile)
const cli = (args: string[], cwd = process.cwd()) =>
  run(process.execPath, [join(process.cwd(), "bin/provmerge.js"), ...args], { cwd, env: { ...process.env, NO_COLOR: "1" }, timeout: 300_000 })
    .then((r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }))
    .catch((e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }))

const dir = mkdtempSync(join(tmpdir(), "pm-cli-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("provmerge CLI", () => {
  it("has --help on every command", async () => {
    for (const command of [[], ["demo"], ["run"], ["status"], ["rerun"], ["review", "apply"], ["diff"], ["generate"], ["units", "remap"], ["dedupe"], ["ocr"]]) {
      const r = await cli([...command, "--help"])
      expect(r.code, command.join(" ")).toBe(0)
      expect(r.stdout).toContain("USAGE")
    }
  })

  it("names the field of a bad job file, without a stack trace", async () => {
    const job = join(dir, "bad-job.json")
    writeFileSync(job, JSON.stringify({
      name: "x",
      province: { code: "91", name: "An Giang" },
      catalog: "builtin",
      sources: [{ name: "kien-giang", vendor: "vendor-a", oldProvinceCode: "9", tthc: "pglite:a", civilStatus: "pglite:b" }]
    }))
    const r = await cli(["run", job])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain(`["sources"][0]["oldProvinceCode"]`)
    expect(r.stderr).toContain("2-digit old province code")
    expect(r.stderr).not.toMatch(/\n\s+at .*\.(ts|js):\d+/)
  })

  it("says which vendor is unknown and which exist", async () => {
    const job = join(dir, "vendor-job.json")
    writeFileSync(job, JSON.stringify({
      name: "x",
      province: { code: "91", name: "An Giang" },
      catalog: "builtin",
      sources: [{ name: "kien-giang", vendor: "vendor-z", oldProvinceCode: "91", tthc: "pglite:a", civilStatus: "pglite:b" }]
    }))
    const r = await cli(["run", job])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("vendor-z")
    expect(r.stderr).toContain("vendor-a")
  })

  it("reports a missing job file plainly", async () => {
    const r = await cli(["status", join(dir, "nope.json")])
    expect(r.code).toBe(1)
    expect(r.stderr).toContain("cannot read it (ENOENT)")
  })

  it("runs the demo on embedded PGlite and writes a workbook whose summary adds up", { timeout: 600_000 }, async () => {
    const out = join(dir, "demo")
    const r = await cli(["demo", "--out", out, "--scale", "0.02", "--log-format", "plain"])
    expect(r.code, r.stderr).toBe(0)
    const path = /Reconciliation workbook:\n\s+(\S+\.xlsx)/.exec(r.stdout)?.[1]
    expect(path).toBeDefined()
    expect(existsSync(path!)).toBe(true)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.readFile(path!)
    expect(wb.worksheets.length).toBeGreaterThanOrEqual(6)
    // A second demo into the same directory replaces the first.
    const again = await cli(["demo", "--out", out, "--scale", "0.02", "--log-format", "json"])
    expect(again.code, again.stderr).toBe(0)
    expect(again.stderr.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l).type)).toContain("run_finished")
  })
})

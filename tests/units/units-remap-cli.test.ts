import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { NodeServices } from "@effect/platform-node"
import { afterAll, describe, expect, it } from "vitest"
import { CsvRecordReader } from "../../mappings/admin-units/csv-records.ts"
import { remapUnitsCsv, unitsCommand } from "../../cli/commands/units.ts"

const DATA = new URL("../../../shared/data/admin-units/", import.meta.url).pathname
const RAW = join(DATA, "raw/BangChuyendoiDVHCmoi_cu_khong_merge.csv")
const tmp = mkdtempSync(join(tmpdir(), "pm-units-cli-"))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

const INPUT = [
  "id,province_code,district_code,commune_code,address",
  "a1,,,00004,", // whole merge
  "a2,01,001,00016,\"Số 3, Phường Ngọc Hà, Ba Đình\"", // split
  "a3,,,00556,", // population-only split
  "a4,,318,,", // island district
  "a5,,001,,", // district only
  "a6,,,,\"Xã Hưng Đạo, Huyện Tứ Kỳ, Tỉnh Hải Dương\"", // by name
  "a7,,,99999,", // unknown
  "a8,,,16,", // Excel ate the zeros
  "a9,01,001,00016,\"Ngõ 5 Phố Đội Cấn, Phường Ngọc Hà\"" // split settled by a hint
].join("\r\n")

const read = (path: string) => parse(readFileSync(path, "utf8"), { columns: true }) as Record<string, string>[]

describe("provmerge units remap", () => {
  it("writes the fixed output columns with a status on every row (through the effect/cli command)", async () => {
    const input = join(tmp, "in.csv")
    const output = join(tmp, "out.csv")
    const hints = join(tmp, "hints.csv")
    writeFileSync(input, INPUT)
    writeFileSync(hints, "old_commune_code,place,new_commune_code\n00016,Phố Đội Cấn,00004\n")
    await Effect.runPromise(
      Command.runWith(unitsCommand, { version: "test" })(["remap", "--crosswalk", RAW, "--registry", join(DATA, "old_wards_2025-06-30.csv"), "--input", input, "--output", output, "--hints", hints]).pipe(
        Effect.provide(NodeServices.layer)
      )
    )
    const text = readFileSync(output, "utf8")
    expect(text.split("\n")[0]).toBe("id,status,new_province_code,new_commune_code,candidates,reason")
    const rows = Object.fromEntries(read(output).map((r) => [r.id, r]))
    expect(rows.a1).toMatchObject({ status: "mapped", new_province_code: "01", new_commune_code: "00004", candidates: "" })
    expect(rows.a2).toMatchObject({ status: "ambiguous", new_commune_code: "", candidates: "00004|00008" })
    expect(rows.a3).toMatchObject({ status: "population_target", new_commune_code: "00562" })
    expect(rows.a4).toMatchObject({ status: "mapped", new_commune_code: "11948" })
    expect(rows.a5!.status).toBe("ambiguous")
    expect(rows.a5!.new_province_code).toBe("01")
    expect(rows.a5!.candidates.split("|").length).toBeGreaterThan(2)
    expect(rows.a5!.reason).toMatch(/^district_only/)
    expect(rows.a6).toMatchObject({ status: "population_target", new_commune_code: "11086" })
    expect(rows.a7).toMatchObject({ status: "unknown" })
    expect(rows.a7!.reason).toMatch(/^unknown_commune_code/)
    expect(rows.a8).toMatchObject({ status: "ambiguous", candidates: "00004|00008" })
    expect(rows.a9).toMatchObject({ status: "hint", new_commune_code: "00004" })
  })

  it("reports bad input with a stable code instead of a stack trace", async () => {
    const bad = join(tmp, "bad.csv")
    writeFileSync(bad, "id,code\n1,2\n")
    await expect(remapUnitsCsv({ crosswalk: DATA, input: bad, output: join(tmp, "o.csv") })).rejects.toMatchObject({ code: "remap_input_columns" })
    await expect(remapUnitsCsv({ crosswalk: DATA, input: join(tmp, "missing.csv"), output: join(tmp, "o.csv") })).rejects.toMatchObject({ code: "remap_input_unreadable" })
    const unterminated = join(tmp, "quote.csv")
    writeFileSync(unterminated, 'id,province_code,district_code,commune_code,address\n1,,,00004,"open\n')
    await expect(remapUnitsCsv({ crosswalk: DATA, input: unterminated, output: join(tmp, "o.csv") })).rejects.toMatchObject({ code: "remap_input_unreadable" })
  })

  it("CSV reader: quotes, doubled quotes, CRLF, line breaks in fields, BOM, chunk boundaries anywhere", () => {
    const text = '\ufeffid,address\r\n1,"Số 5, ""Thôn Đông""\nxã X"\r\n2,plain\n\n3,"a"'
    const whole: string[][] = []
    const r1 = new CsvRecordReader()
    r1.push(text, whole)
    r1.end(whole)
    expect(whole).toEqual([["id", "address"], ["1", 'Số 5, "Thôn Đông"\nxã X'], ["2", "plain"], ["3", "a"]])
    for (let cut = 1; cut < text.length; cut++) {
      const out: string[][] = []
      const r = new CsvRecordReader()
      r.push(text.slice(0, cut), out)
      r.push(text.slice(cut), out)
      r.end(out)
      expect(out, `cut at ${cut}`).toEqual(whole)
    }
  })
})

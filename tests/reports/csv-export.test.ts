import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { afterAll, describe, expect, it } from "vitest"
import { rejectCsvColumns, writeCsv } from "../../reports/csv-export.ts"
import type { RejectRow } from "../../reports/report-rows.ts"
import { BCRYPT_HASH, INJECTION_VALUES } from "./world-fixture.ts"

const dir = mkdtempSync(join(tmpdir(), "pm-csv-"))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const rejects: RejectRow[] = INJECTION_VALUES.map((raw, i) => ({
  source: "mot-cua-hanoi",
  table: "citizen",
  sourceKey: `K${i}`,
  stage: "normalize",
  errorCode: "INVALID_CCCD",
  message: "CCCD 001090012345 sai",
  rawValue: raw
}))

describe("CSV export", () => {
  it("writes a BOM, Vietnamese headers and guarded values", async () => {
    const path = join(dir, "rejects.csv")
    async function* rows(): AsyncGenerator<RejectRow> {
      yield* rejects
      yield { ...rejects[0]!, sourceKey: "K-hash", rawValue: BCRYPT_HASH }
    }
    const { rowCount } = await writeCsv(path, rejectCsvColumns("vi"), rows())
    expect(rowCount).toBe(rejects.length + 1)
    const bytes = readFileSync(path)
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const records = parse(bytes, { bom: true }) as string[][]
    expect(records[0]).toEqual(["Hệ thống nguồn", "Bảng dữ liệu", "Khóa bản ghi nguồn", "Bước xử lý", "Mã lỗi", "Mô tả lỗi", "Giá trị gốc"])
    INJECTION_VALUES.forEach((raw, i) => expect(records[i + 1]?.[6]).toBe(`'${raw}`))
    expect(records[1]?.[3]).toBe("Chuẩn hóa dữ liệu")
    expect(records.at(-1)?.[6]).toBe("[đã ẩn/redacted]")
    for (const record of records) for (const field of record) expect(/^[=+\-@\t\r]/.test(field), field).toBe(false)
  })

  it("keeps numbers as numbers and masks identifiers when asked", async () => {
    const path = join(dir, "numbers.csv")
    await writeCsv(
      path,
      [
        { header: "delta", value: (r: { delta: number; id: string }) => r.delta },
        { header: "cccd", value: (r: { delta: number; id: string }) => r.id, maskAs: "citizenId" }
      ],
      [{ delta: -3, id: "001090012345" }],
      { maskIdentifiers: true, bom: false }
    )
    expect(readFileSync(path, "utf8")).toBe("delta,cccd\r\n-3,********2345\r\n")
  })
})

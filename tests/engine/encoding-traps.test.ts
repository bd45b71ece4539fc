/**
 * Encoding and type traps of old MariaDB systems, through the real engine (MariaDB source →
 * stream → map → COPY → PostgreSQL), on hand-made vendor-A rows:
 * - TCVN3 bytes in a latin1 column (MariaDB's latin1 is cp1252: bytes 0x80–0x9F arrive as “ ” …),
 * - a utf8 (utf8mb3) column next to utf8mb4 text holding a 4-byte character,
 * - NFD input and NUL bytes, zero dates `0000-00-00 00:00:00`, `tinyint(1)` booleans,
 * - timezone-less DATETIME and "dd/mm/yyyy hh:mm" strings, which are Vietnamese wall-clock time.
 */
import mysql from "mysql2/promise"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { openDatabase, type DatabaseHandle } from "../../connectors/open-database.ts"
import { createVendorATables } from "../../synthetic/vendor-schemas/vendor-a.ts"
import { encodeTcvn3, legacyStringToBytes } from "../../text/legacy-encodings.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { runInProcess } from "./engine-support.ts"

const tcvn3Hex = (s: string) => Buffer.from(legacyStringToBytes(encodeTcvn3(s))!).toString("hex")
const NFD_NAME = "Nguyễn Văn Bình".normalize("NFD")

describe("encoding and type traps of a MariaDB source", () => {
  let dir: string
  let tthc: ScratchDatabase
  let hotich: ScratchDatabase
  let target: ScratchDatabase
  let handle: DatabaseHandle

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "pm-engine-enc-"))
    tthc = await scratchDatabase("mariadb", "pm_engine_enc_tthc")
    hotich = await scratchDatabase("mariadb", "pm_engine_enc_hotich")
    target = await scratchDatabase("postgres", "pm_engine_enc_target")
    for (const [db, system] of [[tthc, "tthc"], [hotich, "civil_status"]] as const) {
      const h = await openDatabase(db.location)
      try {
        await createVendorATables(h, system)
      } finally {
        await h.close()
      }
    }
    const t = await mysql.createConnection({ uri: tthc.dsn, charset: "utf8mb4" })
    try {
      await t.query("SET SESSION sql_mode = ''") // old systems ran without NO_ZERO_DATE
      await t.query("ALTER TABLE ho_so MODIFY so_ket_qua varchar(60) CHARACTER SET utf8mb3")
      await t.query("INSERT INTO dm_co_quan (id, ma_dinh_danh, ten_co_quan, cap_co_quan) VALUES (1, 'CQ1', 'UBND xã Bình An', 'XA')")
      await t.query(`INSERT INTO nguoi_dung (id, ten_dang_nhap, ho_ten, co_quan_id, vai_tro, kich_hoat) VALUES
        (1, 'can.bo.1', 'Lê Thị Hoa', 1, 'chuyen_vien_xa', 1), (2, 'can.bo.2', 'Phạm Văn Tú', 1, 'van_thu', 0)`)
      const dossier = (id: number, name: string, receivedAt: string, completedAt: string, summary: string, resultNo: string) =>
        t.query(
          `INSERT INTO ho_so (id, ma_ho_so, ma_tthc, ten_nguoi_nop, co_quan_id, ngay_tiep_nhan, ngay_hoan_thanh, trang_thai, so_ket_qua, trich_yeu, le_phi)
           VALUES (?, ?, '1.001', ?, 1, ?, ?, 'DA_TRA_KET_QUA', ?, ?, 50000)`,
          [id, `HS-${id}`, name, receivedAt, completedAt, resultNo, summary]
        )
      await dossier(1, NFD_NAME, "15/07/2025 23:30", "2024-03-01 08:30:00", "Cấp giấy phép xây dựng nhà ở 🏠", "Số 12/GP-Đồng")
      await dossier(2, "Trần\u0000Thị Mai", "01/01/2025 00:15", "0000-00-00 00:00:00", "Đăng ký\u0000 kinh doanh", "Số 13/ĐKKD")
    } finally {
      await t.end()
    }
    const c = await mysql.createConnection({ uri: hotich.dsn, charset: "utf8mb4" })
    try {
      // TCVN3 bytes written as bytes (hex literals) into the latin1 column, as the old system did.
      await c.query(`INSERT INTO khai_sinh (id, so_dang_ky, quyen_so, ngay_dang_ky, ho_ten_tcvn3, ngay_sinh) VALUES
        (1, '01', 'Q1', '02/03/1998', X'${tcvn3Hex("Trần Thị Ngọc Lan")}', '01/03/1998'),
        (2, '02', 'Q1', '05/06/2001', X'${tcvn3Hex("ĐẶNG VĂN ƯỚC")}', '04/06/2001'),
        (3, '03', 'Q1', '05/06/2001', X'93${tcvn3Hex("Lan")}94', '04/06/2001')`)
    } finally {
      await c.end()
    }
    const jobFile = join(dir, "job.json")
    writeFileSync(jobFile, JSON.stringify({
      name: "encoding-traps",
      province: { code: "97", name: "Tỉnh Thử" },
      catalog: "builtin",
      sources: [{ name: "enc", vendor: "vendor-a", oldProvinceCode: "97", tthc: tthc.dsn, civilStatus: hotich.dsn }],
      output: join(dir, "reports"),
      batchSize: 1000
    }))
    const result = await runInProcess(jobFile, target.dsn)
    expect(result.status, JSON.stringify(result.failedBatches)).toBe("succeeded")
    handle = await openDatabase(target.location)
  }, 180_000)

  afterAll(async () => {
    await handle?.close()
    for (const db of [tthc, hotich, target]) await db?.drop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  const dossier = async (pk: number) =>
    (await sql<any>`select applicant_name, result_summary, result_number, to_char(received_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as received_utc,
      to_char(completed_at at time zone 'UTC', 'YYYY-MM-DD HH24:MI') as completed_utc, completed_at
      from dossiers where source = 'enc' and source_pk = ${pk}`.execute(handle.db)).rows[0]

  it("loads NFD text as NFC, drops NUL bytes, keeps 4-byte characters and utf8mb3 text", async () => {
    const d1 = await dossier(1)
    expect(d1.applicant_name).toBe("Nguyễn Văn Bình".normalize("NFC"))
    expect(d1.result_summary).toBe("Cấp giấy phép xây dựng nhà ở 🏠")
    expect(d1.result_number).toBe("Số 12/GP-Đồng")
    const d2 = await dossier(2)
    expect(d2.applicant_name).toBe("TrầnThị Mai")
    expect(d2.result_summary).not.toContain("\u0000")
  })

  it("reads zero dates as no value and timezone-less times as Asia/Ho_Chi_Minh wall clock", async () => {
    const d1 = await dossier(1)
    expect(d1.received_utc).toBe("2025-07-15 16:30")
    expect(d1.completed_utc).toBe("2024-03-01 01:30")
    const d2 = await dossier(2)
    expect(d2.received_utc).toBe("2024-12-31 17:15")
    expect(d2.completed_at).toBeNull()
  })

  it("reads tinyint(1) as booleans", async () => {
    const rows = (await sql<any>`select username, active from account_records where source = 'enc' order by username`.execute(handle.db)).rows
    expect(rows).toEqual([{ username: "can.bo.1", active: true }, { username: "can.bo.2", active: false }])
  })

  it("decodes TCVN3 bytes from a latin1 (really cp1252) column, and rejects bytes TCVN3 does not use with a code", async () => {
    const names = (await sql<any>`select source_pk::int as pk, subject_name from civil_status_events where source = 'enc' order by source_pk`.execute(handle.db)).rows
    expect(names.filter((r: any) => r.pk <= 2)).toEqual([
      { pk: 1, subject_name: "Trần Thị Ngọc Lan" },
      { pk: 2, subject_name: "ĐẶNG VĂN ƯỚC" }
    ])
    const rejects = (await handle.db.withSchema("provmerge").selectFrom("rejects").select(["source_key", "error_code", "column_name"]).execute()) as any[]
    const third = names.find((r: any) => r.pk === 3)
    if (third === undefined) {
      expect(rejects).toContainEqual({ source_key: "enc/khai_sinh/3", error_code: "LEGACY_DECODE_FAILED", column_name: "ho_ten_tcvn3" })
    } else {
      // 0x93/0x94 came through MariaDB's cp1252 as “ ” and back to the same bytes: never U+0093 garbage.
      expect(third.subject_name).not.toMatch(/[\u0080-\u009f]/)
    }
    expect(rejects.filter((r) => r.source_key !== "enc/khai_sinh/3")).toEqual([])
  })
})

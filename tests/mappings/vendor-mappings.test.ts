import { describe, expect, it } from "vitest"
import type { SourceRow, TableMapping } from "../../mappings/vendor-mapping.ts"
import { findVendorMapping, vendorMappings } from "../../mappings/vendors/index.ts"
import { vendorAMapping } from "../../mappings/vendors/vendor-a.ts"
import { vendorBMapping } from "../../mappings/vendors/vendor-b.ts"
import { encodeTcvn3, encodeVni } from "../../text/legacy-encodings.ts"
import { vendorATables } from "../../synthetic/vendor-schemas/vendor-a.ts"
import { vendorBTables } from "../../synthetic/vendor-schemas/vendor-b.ts"

const ctxA = { source: "an-giang", oldProvinceCode: "89" }
const ctxB = { source: "kien-giang", oldProvinceCode: "91" }
const table = (m: { tables: readonly TableMapping[] }, name: string) => m.tables.find((t) => t.table === name)!
const rejectOf = (r: ReturnType<TableMapping["toRecord"]>) => (r.ok ? "OK" : `${r.code}:${r.column}`)

describe("vendor registry", () => {
  it("finds vendors by id and nothing else", () => {
    expect(Object.keys(vendorMappings).sort()).toEqual(["vendor-a", "vendor-b"])
    expect(findVendorMapping("vendor-a")).toBe(vendorAMapping)
    expect(findVendorMapping("toString")).toBeUndefined()
  })
  it("lists tables in load order and only columns the vendor schema has", () => {
    expect(vendorAMapping.tables.map((t) => t.entity)).toEqual(["agency", "account", "citizen", "dossier", "civil_status_event", "civil_status_event", "civil_status_event"])
    expect(vendorBMapping.tables.map((t) => t.entity)).toEqual(["agency", "account", "citizen", "dossier", "civil_status_event"])
    for (const [mapping, schema] of [[vendorAMapping, vendorATables], [vendorBMapping, vendorBTables]] as const) {
      for (const t of mapping.tables) {
        const def = [...schema.tthc, ...schema.civil_status].find((d) => d.name === t.table)!
        expect(def.system).toBe(t.system)
        const names = def.columns.map((c) => c.name)
        for (const c of t.columns) expect(names, `${t.table}.${c}`).toContain(c)
        expect(t.columns).toContain(t.key)
        for (const c of t.legacyTextColumns ?? []) expect(def.columns.find((d) => d.name === c)?.kind).toBe("legacy_bytes")
      }
    }
  })
})

describe("vendor A", () => {
  const citizen: SourceRow = {
    id: 7, ho_ten: " Nguyễn  Văn An ", ngay_sinh: "05/03/1990", gioi_tinh: "Nam", so_cccd: "89090012345", so_cmnd: null,
    so_dien_thoai: "0912345678", que_quan: "89", ho_ten_cha: "Nguyễn Văn Bình", ho_ten_me: null, ma_tinh: "89", ma_huyen: "883",
    ma_xa: "30280", thon_xom: "Ấp 3", dia_chi: "=HYPERLINK(\"x\")"
  }
  it("maps a citizen row", () => {
    const r = table(vendorAMapping, "cong_dan").toRecord(citizen, ctxA)
    expect(r).toEqual({
      ok: true,
      record: {
        kind: "citizen", sourceKey: "an-giang/cong_dan/7", fullName: "Nguyễn Văn An", birthDate: "1990-03-05", gender: "M",
        cccd: "089090012345", cmnd: undefined, phone: "0912345678", hometownCode: "89", fatherName: "Nguyễn Văn Bình", motherName: undefined,
        unit: { provinceCode: "89", districtCode: "883", communeCode: "30280", address: "=HYPERLINK(\"x\")", hamlet: "Ấp 3" }
      }
    })
    expect(table(vendorAMapping, "cong_dan").accountingUnit(citizen)).toBe("30280")
  })
  it("rejects citizens with stable codes", () => {
    const t = table(vendorAMapping, "cong_dan")
    expect(rejectOf(t.toRecord({ ...citizen, ngay_sinh: "31/02/1990" }, ctxA))).toBe("INVALID_DATE:ngay_sinh")
    expect(rejectOf(t.toRecord({ ...citizen, so_cccd: "003090012345" }, ctxA))).toBe("INVALID_CCCD:so_cccd")
    expect(rejectOf(t.toRecord({ ...citizen, ho_ten: "  " }, ctxA))).toBe("MISSING_REQUIRED:ho_ten")
    expect(rejectOf(t.toRecord({ ...citizen, gioi_tinh: "X" }, ctxA))).toBe("UNKNOWN_ENUM:gioi_tinh")
    expect(rejectOf(t.toRecord({ ...citizen, ngay_sinh: "1990" }, ctxA))).toBe("OK")
  })
  it("maps a dossier: dd/mm/yyyy strings, a zero completion date, a Vietnamese status, a decimal fee", () => {
    const row = {
      id: 3, ma_ho_so: "000.00.10.H89-240305-000003", ma_tthc: "1.001193", cong_dan_id: 7, ten_nguoi_nop: "Nguyễn Văn An", co_quan_id: 12,
      ma_tinh: "89", ma_huyen: "883", ma_xa: null, ngay_tiep_nhan: "05/03/2024 08:30:00", ngay_hen_tra: "08/03/2024",
      ngay_hoan_thanh: "0000-00-00 00:00:00", trang_thai: "DANG_XU_LY", so_ket_qua: null, trich_yeu: null, le_phi: "8000"
    }
    const r = table(vendorAMapping, "ho_so").toRecord(row, ctxA)
    expect(r.ok && r.record).toMatchObject({
      sourceKey: "an-giang/ho_so/3", applicantSourceKey: "an-giang/cong_dan/7", agencySourceKey: "an-giang/dm_co_quan/12",
      receivedAt: "2024-03-05T08:30:00+07:00", dueAt: "2024-03-08", completedAt: undefined, status: "processing", fee: "8000",
      unit: { provinceCode: "89", districtCode: "883", communeCode: undefined }
    })
    expect(table(vendorAMapping, "ho_so").accountingUnit(row)).toBe("883")
    expect(rejectOf(table(vendorAMapping, "ho_so").toRecord({ ...row, ngay_tiep_nhan: "30/02/2024 08:00:00" }, ctxA))).toBe("INVALID_DATE:ngay_tiep_nhan")
    expect(rejectOf(table(vendorAMapping, "ho_so").toRecord({ ...row, ma_tthc: "" }, ctxA))).toBe("MISSING_REQUIRED:ma_tthc")
    expect(rejectOf(table(vendorAMapping, "ho_so").toRecord({ ...row, trang_thai: "XONG" }, ctxA))).toBe("UNKNOWN_ENUM:trang_thai")
    expect(rejectOf(table(vendorAMapping, "ho_so").toRecord({ ...row, le_phi: "8000.5" }, ctxA))).toBe("INVALID_NUMBER:le_phi")
  })
  it("maps an account: tinyint flag, comma roles, bcrypt hash", () => {
    const row = {
      id: 1, ten_dang_nhap: "annv", ho_ten: "Nguyễn Văn An", so_cccd: null, email: "annv@an-giang.gov.vn", so_dien_thoai: null, co_quan_id: 3,
      vai_tro: "chuyen_vien_huyen,van_thu", mat_khau: "$2b$10$abc", ma_tinh: "89", ma_huyen: "883", ma_xa: null, kich_hoat: 1
    }
    const r = table(vendorAMapping, "nguoi_dung").toRecord(row, ctxA)
    expect(r.ok && r.record).toMatchObject({ roles: ["chuyen_vien_huyen", "van_thu"], active: true, hashAlgorithm: "bcrypt", agencySourceKey: "an-giang/dm_co_quan/3" })
    expect(rejectOf(table(vendorAMapping, "nguoi_dung").toRecord({ ...row, vai_tro: "boss" }, ctxA))).toBe("UNKNOWN_ENUM:vai_tro")
  })
  it("maps marriages with TCVN3 names and rejects undecodable bytes", () => {
    const row = {
      id: 2, so_dang_ky: "15", quyen_so: "01/2020", ngay_dang_ky: "10/10/2020", ma_xa_dang_ky: "30280", chong_id: 7,
      ho_ten_chong_tcvn3: encodeTcvn3("Nguyễn Văn An"), vo_id: 9, ho_ten_vo_tcvn3: encodeTcvn3("Trần Thị Hương")
    }
    const t = table(vendorAMapping, "ket_hon")
    expect(t.toRecord(row, ctxA)).toMatchObject({
      ok: true,
      record: { eventKind: "marriage", registeredOn: "2020-10-10", eventDate: "2020-10-10", subjectName: "Nguyễn Văn An", spouseName: "Trần Thị Hương", spouseSourceKey: "an-giang/cong_dan/9", unit: { provinceCode: "89", communeCode: "30280" } }
    })
    expect(rejectOf(t.toRecord({ ...row, ho_ten_vo_tcvn3: "Tr\u00c3\u00a1n" }, ctxA))).toBe("LEGACY_DECODE_FAILED:ho_ten_vo_tcvn3")
    expect(rejectOf(t.toRecord({ ...row, so_dang_ky: null }, ctxA))).toBe("MISSING_REQUIRED:so_dang_ky")
  })
})

describe("vendor B", () => {
  const person: SourceRow = {
    person_id: "42", full_name: "Lê Thị Hoa", dob: new Date(Date.UTC(1985, 6, 1)), birth_year: null, sex: 2, id_type: 2,
    id_number: "091 185 012345", mobile: null, hometown_province: "91", father_name: null, mother_name: null, province_code: "91",
    district_code: "899", ward_code: "30790", hamlet: "Ấp Đông", address_vni: encodeVni("Ấp Đông, Xã Hòa Lợi")
  }
  it("maps a person: BIGINT key as a string, Date object, integer codes, VNI address", () => {
    const r = table(vendorBMapping, "person").toRecord(person, ctxB)
    expect(r.ok && r.record).toMatchObject({
      sourceKey: "kien-giang/person/42", birthDate: "1985-07-01", gender: "F", cccd: "091185012345",
      unit: { provinceCode: "91", districtCode: "899", communeCode: "30790", address: "Ấp Đông, Xã Hòa Lợi", hamlet: "Ấp Đông" }
    })
    const yearOnly = table(vendorBMapping, "person").toRecord({ ...person, dob: null, birth_year: 1950, id_type: 1, id_number: "123456789" }, ctxB)
    expect(yearOnly.ok && [(yearOnly.record as any).birthDate, (yearOnly.record as any).cmnd]).toEqual(["1950", "123456789"])
  })
  it("rejects persons with stable codes", () => {
    const t = table(vendorBMapping, "person")
    expect(rejectOf(t.toRecord({ ...person, id_number: "091285012345" }, ctxB))).toBe("OK")
    expect(rejectOf(t.toRecord({ ...person, id_number: "091785012345" }, ctxB))).toBe("INVALID_CCCD:id_number")
    expect(rejectOf(t.toRecord({ ...person, address_vni: "Xa\u00bb" }, ctxB))).toBe("LEGACY_DECODE_FAILED:address_vni")
    expect(rejectOf(t.toRecord({ ...person, id_type: null }, ctxB))).toBe("MISSING_REQUIRED:id_type")
    expect(rejectOf(t.toRecord({ ...person, sex: 9 }, ctxB))).toBe("UNKNOWN_ENUM:sex")
  })
  it("maps dossiers with timestamps and numeric fees, and one civil-status table by type", () => {
    const d = table(vendorBMapping, "dossier").toRecord({
      dossier_id: "5", dossier_no: "B91202400000005", procedure_code: "1.000894", applicant_id: "42", applicant_name: "Lê Thị Hoa", org_id: "3",
      province_code: "91", district_code: "899", ward_code: "30790", received_at: new Date(2024, 2, 5, 8, 30, 0), due_at: new Date(2024, 2, 8, 17, 0, 0),
      finished_at: null, status: 3, result_no: "5/2024/KQ", result_summary: "@SUM(A1)", fee_amount: "0.00"
    }, ctxB)
    expect(d.ok && d.record).toMatchObject({ receivedAt: "2024-03-05T08:30:00+07:00", dueAt: "2024-03-08T17:00:00+07:00", status: "completed", fee: "0", resultSummary: "@SUM(A1)" })
    const reg = { reg_id: "1", reg_type: 3, reg_no: "4", book_no: "2020", reg_date: new Date(2020, 9, 10), event_date: new Date(2020, 9, 10), ward_code: "30790", person_id: "42", person_name: "Phan Văn Tú", partner_id: "43", partner_name: "Lê Thị Hoa" }
    const t = table(vendorBMapping, "civil_registration")
    expect(t.toRecord(reg, ctxB)).toMatchObject({ ok: true, record: { eventKind: "marriage", spouseSourceKey: "kien-giang/person/43", registeredOn: "2020-10-10" } })
    expect(rejectOf(t.toRecord({ ...reg, partner_name: null }, ctxB))).toBe("MISSING_REQUIRED:partner_name")
    expect(rejectOf(t.toRecord({ ...reg, reg_type: 4 }, ctxB))).toBe("UNKNOWN_ENUM:reg_type")
    const birth = t.toRecord({ ...reg, reg_type: 1, partner_id: null, partner_name: null }, ctxB)
    expect(birth.ok && (birth.record as any).spouseSourceKey).toBeUndefined()
  })
  it("maps accounts: role codes to official roles, md5, real booleans", () => {
    const r = table(vendorBMapping, "sys_user").toRecord({
      user_id: "9", login: "hoalt", display_name: "Lê Thị Hoa", citizen_id: null, mail: null, mobile: null, org_id: "3", role_codes: "CVH;VT",
      password_md5: "0cc175b9c0f1b6a831c399e269772661", is_active: false, province_code: "91", district_code: "899", ward_code: null
    }, ctxB)
    expect(r.ok && r.record).toMatchObject({ roles: ["chuyen_vien_huyen", "van_thu"], hashAlgorithm: "md5", active: false })
  })
})

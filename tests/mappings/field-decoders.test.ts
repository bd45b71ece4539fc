import { describe, expect, it } from "vitest"
import {
  accountingUnitOf,
  cccd,
  cmnd,
  code,
  decimalAtScale,
  dmyDate,
  dmyTimestamp,
  enumOf,
  flag,
  integerKey,
  legacyText,
  list,
  requiredText,
  rowDecoder,
  sqlDate,
  sqlTimestamp,
  text,
  yearNumber
} from "../../mappings/field-decoders.ts"
import { encodeTcvn3, encodeVni } from "../../text/legacy-encodings.ts"

const value = <T>(d: { ok: boolean; value?: T }) => (d.ok ? d.value : `REJECT`)
const codeOf = (d: { ok: boolean; code?: string }) => (d.ok ? "OK" : d.code)

describe("text decoders", () => {
  it("cleans text: NFC, canonical tone marks, collapsed spaces, NUL stripped; empty is no value", () => {
    expect(value(text("  Nguyễn   Văn\tAn "))).toBe("Nguyễn Văn An")
    expect(value(text("Nguyễn Thị Hoà".normalize("NFD")))).toBe("Nguyễn Thị Hòa")
    expect(value(text("Lê\u0000 Văn\u0000"))).toBe("Lê Văn")
    expect(value(text("   "))).toBeUndefined()
    expect(value(text(null))).toBeUndefined()
    expect(value(text("=1+2"))).toBe("=1+2")
  })
  it("required text rejects empty with MISSING_REQUIRED", () => {
    expect(codeOf(requiredText(""))).toBe("MISSING_REQUIRED")
    expect(codeOf(requiredText(null))).toBe("MISSING_REQUIRED")
    expect(codeOf(requiredText(" \u0000 "))).toBe("MISSING_REQUIRED")
  })
  it("codes are only trimmed; numbers become strings", () => {
    expect(value(code(" 00004 "))).toBe("00004")
    expect(value(code(12))).toBe("12")
    expect(value(list(",;")("a, b;;c "))).toEqual(["a", "b", "c"])
  })
})

describe("legacy text", () => {
  const tcvn3 = legacyText("tcvn3")
  it("decodes TCVN3 held as U+00XX chars (PostgreSQL) and as cp1252 chars or Buffers (MariaDB latin1)", () => {
    const bytes = encodeTcvn3("Nguyễn Thị Hương")
    expect(value(tcvn3(bytes))).toBe("Nguyễn Thị Hương")
    expect(value(tcvn3(Buffer.from(bytes, "latin1")))).toBe("Nguyễn Thị Hương")
    expect(value(legacyText("vni")(encodeVni("Xã Hòa Lợi")))).toBe("Xã Hòa Lợi")
  })
  it("rejects bytes the encoding does not use with LEGACY_DECODE_FAILED", () => {
    expect(codeOf(tcvn3("Nguy\u00c3\u00a1n"))).toBe("LEGACY_DECODE_FAILED")
    expect(codeOf(legacyText("vni")("Xa\u00bb"))).toBe("LEGACY_DECODE_FAILED")
    expect(codeOf(tcvn3("Nguyễn"))).toBe("LEGACY_DECODE_FAILED") // already Unicode: not bytes
  })
})

describe("dates", () => {
  it("reads dd/mm/yyyy (and d/m/yyyy, dashes, dots) into ISO; a year alone stays a year", () => {
    expect(value(dmyDate("05/03/1990"))).toBe("1990-03-05")
    expect(value(dmyDate("5/3/1990"))).toBe("1990-03-05")
    expect(value(dmyDate("05-03-1990"))).toBe("1990-03-05")
    expect(value(dmyDate("1990"))).toBe("1990")
    expect(value(dmyDate("29/02/2024"))).toBe("2024-02-29")
  })
  it("rejects dates that do not exist with INVALID_DATE, implausible years with DATE_OUT_OF_RANGE", () => {
    for (const d of ["31/02/1990", "29/02/2023", "00/05/1990", "15/13/1990", "32/01/1990", "1990-03-05", "abc"]) expect(codeOf(dmyDate(d)), d).toBe("INVALID_DATE")
    expect(codeOf(dmyDate("05/03/0199"))).toBe("DATE_OUT_OF_RANGE")
  })
  it("treats zero dates and empty values as missing", () => {
    expect(value(dmyDate("00/00/0000"))).toBeUndefined()
    expect(value(sqlDate("0000-00-00"))).toBeUndefined()
    expect(value(sqlTimestamp("0000-00-00 00:00:00"))).toBeUndefined()
    expect(value(dmyDate(""))).toBeUndefined()
  })
  it("reads timestamps without zone as Vietnamese time (+07:00)", () => {
    expect(value(dmyTimestamp("05/03/2024 08:30:15"))).toBe("2024-03-05T08:30:15+07:00")
    expect(value(dmyTimestamp("05/03/2024 8:30"))).toBe("2024-03-05T08:30:00+07:00")
    expect(value(dmyTimestamp("05/03/2024"))).toBe("2024-03-05")
    expect(codeOf(dmyTimestamp("05/03/2024 25:00"))).toBe("INVALID_DATE")
    expect(value(sqlTimestamp("2024-03-05 08:30:15"))).toBe("2024-03-05T08:30:15+07:00")
  })
  it("accepts driver Date objects: pg DATE at local midnight, PGlite DATE at UTC midnight, timestamps by local fields", () => {
    expect(value(sqlDate(new Date(2024, 2, 5)))).toBe("2024-03-05")
    expect(value(sqlDate(new Date(Date.UTC(2024, 2, 5))))).toBe("2024-03-05")
    expect(value(sqlTimestamp(new Date(2024, 2, 5, 8, 30, 15)))).toBe("2024-03-05T08:30:15+07:00")
    expect(codeOf(sqlDate(new Date(Number.NaN)))).toBe("INVALID_DATE")
  })
  it("reads a year column", () => {
    expect(value(yearNumber(1985))).toBe("1985")
    expect(value(yearNumber(0))).toBeUndefined()
    expect(codeOf(yearNumber("85"))).toBe("INVALID_DATE")
  })
})

describe("identity numbers", () => {
  it("accepts a valid CCCD, restoring lost leading zeros and removing spaces", () => {
    expect(value(cccd("038090012345"))).toBe("038090012345")
    expect(value(cccd("38090012345"))).toBe("038090012345")
    expect(value(cccd("1190012345"))).toBe("001190012345")
    expect(value(cccd("038 090 012345"))).toBe("038090012345")
    expect(value(cccd(38090012345))).toBe("038090012345")
    expect(value(cccd(""))).toBeUndefined()
  })
  it("rejects structurally invalid CCCDs with INVALID_CCCD", () => {
    for (const c of ["003090012345", "099090012345", "038790012345", "0380900123456", "038090012", "03809001234X"]) {
      expect(codeOf(cccd(c)), c).toBe("INVALID_CCCD")
    }
  })
  it("accepts 9- and 12-digit CMND, restores one lost zero, rejects other lengths", () => {
    expect(value(cmnd("025123456"))).toBe("025123456")
    expect(value(cmnd("25123456"))).toBe("025123456")
    expect(codeOf(cmnd("1234567"))).toBe("INVALID_CMND")
  })
})

describe("enums, booleans, numbers", () => {
  const status = enumOf({ MOI: "received", "Nữ": "F", "1": "one" } as Record<string, string>, "status")
  it("maps enum codes (numbers, NFD text) and rejects unknown ones with UNKNOWN_ENUM", () => {
    expect(value(status(" MOI "))).toBe("received")
    expect(value(status(1))).toBe("one")
    expect(value(status("Nữ".normalize("NFD")))).toBe("F")
    expect(codeOf(status("XYZ"))).toBe("UNKNOWN_ENUM")
    expect(value(status(null))).toBeUndefined()
  })
  it("reads tinyint(1), booleans and 't'/'f' as flags", () => {
    expect([1, 0, "1", "0", true, false, "t", "f"].map((v) => value(flag(v)))).toEqual([true, false, true, false, true, false, true, false])
    expect(codeOf(flag(2))).toBe("UNKNOWN_ENUM")
    expect(value(flag(null))).toBeUndefined()
  })
  it("writes decimals at a fixed scale, refusing to drop non-zero digits", () => {
    const vnd = decimalAtScale(0)
    expect(value(vnd("150000.00"))).toBe("150000")
    expect(value(vnd(150000))).toBe("150000")
    expect(value(vnd("0150000"))).toBe("150000")
    expect(codeOf(vnd("150000.50"))).toBe("INVALID_NUMBER")
    expect(codeOf(vnd("12a"))).toBe("INVALID_NUMBER")
    expect(value(decimalAtScale(2)("3.5"))).toBe("3.50")
  })
  it("reads integer keys from numbers, bigints and BIGINT strings", () => {
    expect(value(integerKey(5))).toBe("5")
    expect(value(integerKey(5n))).toBe("5")
    expect(value(integerKey("0012"))).toBe("12")
    expect(codeOf(integerKey("1.5"))).toBe("INVALID_NUMBER")
  })
})

describe("rows", () => {
  it("rowDecoder reports the first failing column with its raw value", () => {
    const decode = rowDecoder({ name: ["ho_ten", requiredText], born: ["ngay_sinh", dmyDate] })
    expect(decode({ ho_ten: "An", ngay_sinh: "01/02/2000" })).toEqual({ ok: true, values: { name: "An", born: "2000-02-01" } })
    expect(decode({ ho_ten: "An", ngay_sinh: "31/02/2000" })).toMatchObject({ ok: false, code: "INVALID_DATE", column: "ngay_sinh", value: "31/02/2000" })
  })
  it("accountingUnitOf takes commune, else district, else province, trimmed", () => {
    const unit = accountingUnitOf("xa", "huyen", "tinh")
    expect(unit({ xa: " 00004 ", huyen: "001", tinh: "01" })).toBe("00004")
    expect(unit({ xa: "", huyen: "001", tinh: "01" })).toBe("001")
    expect(unit({ xa: null, huyen: null, tinh: "01" })).toBe("01")
    expect(unit({})).toBe("")
  })
})

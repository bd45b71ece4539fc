import { describe, expect, it } from "vitest"
import { checkCitizenId, checkDate, checkDocumentNumber, checkPersonName } from "../../ocr/field-validation.ts"

describe("field validation", () => {
  it("accepts real dates and rejects impossible ones", () => {
    expect(checkDate(15, 3, 2024)).toEqual({ ok: true, value: "2024-03-15", corrected: false })
    expect(checkDate(29, 2, 2024).ok).toBe(true)
    expect(checkDate(29, 2, 2023)).toMatchObject({ ok: false, code: "INVALID_DATE" })
    expect(checkDate(31, 4, 2022)).toMatchObject({ ok: false, code: "INVALID_DATE" })
    expect(checkDate(1, 1, 1900)).toMatchObject({ ok: false, code: "DATE_OUT_OF_RANGE" })
  })

  it("checks CCCD structure and repairs OCR look-alike digits", () => {
    expect(checkCitizenId("001089012345")).toEqual({ ok: true, value: "001089012345", corrected: false })
    expect(checkCitizenId("0O1O89 012345")).toEqual({ ok: true, value: "001089012345", corrected: true })
    expect(checkCitizenId("003089012345")).toMatchObject({ ok: false, code: "INVALID_CCCD" }) // no province 003
    expect(checkCitizenId("00108901234")).toMatchObject({ ok: false, code: "INVALID_CCCD" })
    expect(checkCitizenId("001399012345")).toMatchObject({ ok: false, code: "INVALID_CCCD" }) // born 2099
    expect(checkCitizenId("123456789")).toMatchObject({ ok: true, note: "LEGACY_CMND" })
  })

  it("normalises document numbers and restores the bar of Đ in QĐ", () => {
    expect(checkDocumentNumber("123 / QĐ - UBND")).toMatchObject({ ok: true, value: "123/QĐ-UBND" })
    expect(checkDocumentNumber("45/2024/QD-UBND")).toMatchObject({ ok: true, value: "45/2024/QĐ-UBND", corrected: true })
    expect(checkDocumentNumber("0215/GPXD")).toMatchObject({ ok: true, value: "215/GPXD" })
    expect(checkDocumentNumber("/QĐ-UBND").ok).toBe(false)
    expect(checkDocumentNumber("12/").ok).toBe(false)
  })

  it("title-cases names and restores surnames OCR reads without their stacked mark", () => {
    expect(checkPersonName("NGUYÊN VĂN ĐỨC")).toEqual({ ok: true, value: "Nguyễn Văn Đức", corrected: true })
    expect(checkPersonName("trần thị hoà")).toEqual({ ok: true, value: "Trần Thị Hòa", corrected: false })
    expect(checkPersonName("ĐÔ THỊ LAN")).toMatchObject({ ok: true, value: "Đỗ Thị Lan" })
    // Đoàn and Doãn share a key: neither is guessed.
    expect(checkPersonName("Doãn Văn Hải")).toMatchObject({ ok: true, value: "Doãn Văn Hải", corrected: false })
    expect(checkPersonName("Lan")).toMatchObject({ ok: false, code: "INVALID_NAME" })
  })
})

import { describe, expect, it } from "vitest"
import { fileURLToPath } from "node:url"
import { canonicalAuthority, districtNames, loadDistrictNames } from "../../ocr/authority-names.ts"
import { checkDocumentNumber } from "../../ocr/field-validation.ts"

describe("issuing authority spelling", () => {
  it("restores unit levels and district offices read without their marks", () => {
    expect(canonicalAuthority("ỦY BAN NHÂN DÂN QUẦN NINH KIỀU - PHONG TU PHAP")).toEqual({
      value: "ỦY BAN NHÂN DÂN QUẬN NINH KIỀU - PHÒNG TƯ PHÁP",
      corrected: true
    })
    expect(canonicalAuthority("UY BAN NHAN DAN HUYỆN GIA LÂM - PHÒNG TÀI CHÍNH - KẾ HOẠCH").value).toBe("ỦY BAN NHÂN DÂN HUYỆN GIA LÂM - PHÒNG TÀI CHÍNH - KẾ HOẠCH")
    expect(canonicalAuthority("ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH")).toEqual({ value: "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH", corrected: false })
  })

  it("uses the district catalog for names (joined words, wrong marks), and leaves ambiguous ones alone", async () => {
    const catalog = await loadDistrictNames(fileURLToPath(new URL("../../../shared/data/admin-units/old_districts_2025-06-30.csv", import.meta.url)))
    expect(catalog.size).toBeGreaterThan(600)
    expect(canonicalAuthority("ỦY BAN NHÂN DÂN HUYỆN ĐÔNGANH", catalog).value).toBe("ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH")
    expect(canonicalAuthority("ỦY BAN NHÂN DÂN QUẬN NINH KIỂU", catalog).value).toBe("ỦY BAN NHÂN DÂN QUẬN NINH KIỀU")
    const twins = districtNames(["Huyện Hòa An", "Huyện Hòa Ân"])
    expect(canonicalAuthority("ỦY BAN NHÂN DÂN HUYỆN HOA AN", twins).value).toBe("ỦY BAN NHÂN DÂN HUYỆN HOA AN")
  })

  it("repairs a symbol one character away from exactly one known symbol", () => {
    expect(checkDocumentNumber("3113/4NTTHN")).toMatchObject({ ok: true, value: "3113/XNTTHN", corrected: true })
    expect(checkDocumentNumber("12/2023/QĐ-UBNĐ")).toMatchObject({ ok: true, value: "12/2023/QĐ-UBND", corrected: true })
    expect(checkDocumentNumber("7/TLKH")).toMatchObject({ ok: true, value: "7/TLKH", corrected: false })
    expect(checkDocumentNumber("3175//NTTHN")).toMatchObject({ ok: true, value: "3175/XNTTHN", corrected: true })
  })
})

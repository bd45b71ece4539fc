import { describe, expect, it } from "vitest"
import { confidentTextFromString, extractFields } from "../../ocr/field-extraction.ts"
import { makeScanSpec, renderSpec, GENERATED_TYPES } from "../../ocr/scan-generator.ts"

describe("field extraction", () => {
  it("reads every field of generated district results, in both reading orders of the header", () => {
    let checked = 0
    for (let seed = 500; seed < 524; seed++) {
      const spec = makeScanSpec(seed, GENERATED_TYPES[seed % GENERATED_TYPES.length])
      const { truthPages, truthPagesByRow } = renderSpec(spec, { images: false })
      for (const pages of [truthPages, truthPagesByRow]) {
        const got = extractFields(confidentTextFromString(pages.join("\f")))
        expect(got.fields, `seed ${seed}`).toEqual(spec.fields)
        checked++
      }
    }
    expect(checked).toBe(48)
  })

  it("copes with OCR damage: lost marks on labels, merged header columns, capitals without their tilde", () => {
    const text = [
      "UBND HUYỆN ĐÔNG ANH CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
      "PHÒNG TƯ PHÁP Độc lập - Tự do - Hạnh phúc",
      "So: 15 / TLKS-BS Đông Anh, ngay 5 thang 11 năm 2023",
      "TRÍCH LỤC KHAI SINH",
      "Họ, chữ đệm, tên: LÊ MINH KHẢI",
      "Ngày, tháng, năm sinh: 01/11/2023; ghi bằng chữ: ngày mồng 1 tháng 11 năm 2023.",
      "Họ, chữ đệm, tên người yêu cầu: NGUYÊN THỊ DIỄM",
      "Số định danh cá nhân người yêu cầu: 0O1185 012345",
      "TRƯỞNG PHÒNG",
      "(Đã ký và đóng dấu)",
      "Phạm Văn Hưởng"
    ].join("\n")
    const got = extractFields(confidentTextFromString(text))
    expect(got.fields).toEqual({
      documentNumber: "15/TLKS-BS",
      issueDate: "2023-11-05",
      issuingAuthority: "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH - PHÒNG TƯ PHÁP",
      signer: "Phạm Văn Hưởng",
      applicantName: "Nguyễn Thị Diễm",
      citizenId: "001185012345",
      documentType: "birth-extract"
    })
    // Corrected values are kept, with less confidence than clean ones.
    expect(got.confidence.applicantName).toBeLessThan(1)
    expect(got.confidence.citizenId).toBeLessThan(1)
    expect(got.confidence.documentType).toBe(1)
    expect(got.issues.map((i) => i.code)).toContain("SURNAME_RESTORED")
  })

  it("takes the place/date line, not the date of a law or a birth, and reports what it could not find", () => {
    const text = "Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;\nsinh ngày 2 tháng 3 năm 1990\nGia Lâm, ngày 31 tháng 12 năm 2022\nQUYẾT ĐỊNH"
    const got = extractFields(confidentTextFromString(text))
    expect(got.fields.issueDate).toBe("2022-12-31")
    expect(got.fields.documentType).toBe("decision")
    expect(got.fields.citizenId).toBeNull()
    expect(got.confidence.citizenId).toBe(0)
    expect(got.issues).toContainEqual(expect.objectContaining({ field: "citizenId", code: "NOT_FOUND" }))
  })

  it("keeps an impossible date for the reviewer with a low confidence", () => {
    const got = extractFields(confidentTextFromString("Số: 7/QĐ-UBND Củ Chi, ngày 30 tháng 2 năm 2023\nQUYẾT ĐỊNH"))
    expect(got.fields.issueDate).toBe("2023-02-30")
    expect(got.confidence.issueDate).toBeLessThan(0.5)
    expect(got.issues).toContainEqual(expect.objectContaining({ field: "issueDate", code: "INVALID_DATE" }))
  })
})

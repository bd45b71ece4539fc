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

  it("takes the applicant by document type: the requester of a civil-status extract, never the person it is about", () => {
    const spellings = new Map<string, string>()
    for (let seed = 600; seed < 640; seed++) {
      const type = GENERATED_TYPES[seed % GENERATED_TYPES.length]!
      const spec = makeScanSpec(seed, type)
      const text = renderSpec(spec, { images: false }).truthPages.join("\f")
      const got = extractFields(confidentTextFromString(text))
      expect(got.fields.applicantName, `seed ${seed} ${type}`).toBe(spec.fields.applicantName)
      if (type !== "birth-extract") continue
      // The same birth extract without its requester lines: the child (the first "Họ, chữ đệm,
      // tên:") and the mother are named, but neither asked for it, so the field stays empty.
      const lines = text.split("\n")
      const child = lines.find((l) => l.startsWith("Họ, chữ đệm, tên: "))!.slice("Họ, chữ đệm, tên: ".length)
      const noRequester = extractFields(confidentTextFromString(lines.filter((l) => !l.includes("người yêu cầu")).join("\n")))
      expect(noRequester.fields.applicantName, `seed ${seed}`).toBeNull()
      expect(noRequester.issues).toContainEqual(expect.objectContaining({ field: "applicantName", code: "NOT_FOUND" }))
      spellings.set(child, spec.fields.applicantName!)
    }
    // Ten generated birth extracts, each with a child who is not the requester.
    expect(spellings.size).toBe(10)
  })

  it("reads the requester of extracts of death and marriage records, and the investor of a permit", () => {
    const header = "UBND HUYỆN GIA LÂM\nPHÒNG TƯ PHÁP\nSố: 88/TLKT-BS\nGia Lâm, ngày 2 tháng 3 năm 2024\n"
    const death = extractFields(
      confidentTextFromString(
        `${header}TRÍCH LỤC KHAI TỬ\nHọ, chữ đệm, tên: HOÀNG VĂN SƠN\nNgày, tháng, năm sinh: 01/01/1940\nNgười yêu cầu: bà Hoàng Thị Yến\nQuan hệ với người đã chết: con`
      )
    )
    expect(death.fields.documentType).toBe("death-extract")
    expect(death.fields.applicantName).toBe("Hoàng Thị Yến")
    const marriage = extractFields(
      confidentTextFromString(
        `${header}TRÍCH LỤC KẾT HÔN\nHọ, chữ đệm, tên chồng: Vũ Đức Tiến\nHọ, chữ đệm, tên vợ: Đỗ Thu Hạnh\nHọ, chữ đệm, tên người yêu cầu: ĐỖ THU HẠNH`
      )
    )
    expect(marriage.fields.documentType).toBe("marriage-extract")
    expect(marriage.fields.applicantName).toBe("Đỗ Thu Hạnh")
    // A death extract that names nobody as requester: the deceased is not the applicant.
    const deceasedOnly = extractFields(confidentTextFromString(`${header}TRÍCH LỤC KHAI TỬ\nHọ, chữ đệm, tên: Hoàng Văn Sơn\nÔng Hoàng Văn Sơn đã chết ngày 1/2/2024`))
    expect(deceasedOnly.fields.applicantName).toBeNull()
    // The same subject line on a certificate is its applicant, when nobody else asked for it.
    const certificate = extractFields(confidentTextFromString(`${header}GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN\nHọ, chữ đệm, tên: Hoàng Văn Sơn`))
    expect(certificate.fields.applicantName).toBe("Hoàng Văn Sơn")
    const permit = extractFields(confidentTextFromString(`${header}GIẤY PHÉP XÂY DỰNG\nChủ đầu tư: Ông LÝ QUỐC HÙNG\nĐịa chỉ: xóm 3`))
    expect(permit.fields.applicantName).toBe("Lý Quốc Hùng")
  })
})

import { describe, expect, it } from "vitest"
import { maskCitizenId, maskIdentifiersInText, maskPhone, maskValue } from "../../reports/masking.ts"

describe("identifier masking", () => {
  it("keeps the last 4 digits of a CCCD and the last 3 of a CMND", () => {
    expect(maskCitizenId("001090012345")).toBe("********2345")
    expect(maskCitizenId("012345678")).toBe("******678")
  })

  it("keeps the last 3 digits of a phone number and its separators", () => {
    expect(maskPhone("0912345678")).toBe("*******678")
    expect(maskPhone("0912 345 678")).toBe("**** *** 678")
    expect(maskPhone("+84912345678")).toBe("+********678")
  })

  it("finds identifiers in free text without touching other numbers", () => {
    expect(maskIdentifiersInText("CCCD 001090012345, CMND 012345678, ĐT 0912.345.678, hồ sơ 2025-000123, năm 1990"))
      .toBe("CCCD ********2345, CMND ******678, ĐT ****.***.678, hồ sơ 2025-000123, năm 1990")
    expect(maskIdentifiersInText("liên hệ +84 912 345 678")).toBe("liên hệ +** *** *** 678")
    // 10 or 11 digits not starting like a phone, and 13+ digit runs, are not identifiers.
    expect(maskIdentifiersInText("mã 1234567890123")).toBe("mã 1234567890123")
  })

  it("masks by field name whatever the value's form", () => {
    // A CCCD stored as a number has lost its leading zeros: still masked, last 3 kept.
    expect(maskValue(1090012345, "citizenId")).toBe("*******345")
    expect(maskValue("001090012345", "so_cccd")).toBe("********2345")
    expect(maskValue("0912345678", "so_dien_thoai")).toBe("*******678")
    expect(maskValue("Nguyễn Văn An", "fullName")).toBe("Nguyễn Văn An")
    expect(maskValue(42, "age")).toBe(42)
    expect(maskValue(null, "citizenId")).toBeNull()
  })
})

import { describe, expect, it } from "vitest"
import { cleanCitizenIds, isConsistentCccd, validateCccd } from "../../dedupe/citizen-id.ts"

describe("cleanCitizenIds", () => {
  it("restores a leading zero lost in a spreadsheet and strips separators", () => {
    expect(cleanCitizenIds("33190012345", undefined).cccd).toBe("033190012345")
    expect(cleanCitizenIds("033 190 012345", undefined).cccd).toBe("033190012345")
    expect(cleanCitizenIds(undefined, "13.456.789").cmnd).toBe("013456789")
  })
  it("moves a number typed into the wrong column", () => {
    const r = cleanCitizenIds("123456789", "034190012345")
    expect(r.cccd).toBe("034190012345")
    expect(r.cmnd).toBe("123456789")
    expect(r.notes).toContain("cmnd_in_cccd_field")
  })
  it("drops unreadable numbers with a note instead of guessing", () => {
    const r = cleanCitizenIds("12AB", "000000000")
    expect(r.cccd).toBeUndefined()
    expect(r.cmnd).toBeUndefined()
    expect(r.notes).toEqual(expect.arrayContaining(["cccd_unreadable", "cmnd_all_zeros"]))
  })
})

describe("validateCccd", () => {
  it("reads province, century/gender and birth year", () => {
    const c = validateCccd("001304012345", { birthYear: 2004, gender: "F" })
    expect(c).toMatchObject({ valid: true, provinceCode: "001", birthYear: 2004, gender: "F" })
  })
  it("flags an unknown province and inconsistencies with the record", () => {
    expect(validateCccd("003190012345").issues).toContain("unknown_province")
    expect(validateCccd("033090012345", { birthYear: 1991 }).issues).toContain("birth_year_mismatch")
    expect(validateCccd("033090012345", { gender: "F" }).issues).toContain("gender_mismatch")
    expect(validateCccd("03309001234").issues).toEqual(["wrong_length"])
  })
  it("the fast check agrees with the full validation", () => {
    for (const [id, y, g] of [["033090012345", 1990, "M"], ["033190012345", 1990, "M"], ["099090012345", 0, undefined], ["033890012345", 0, undefined]] as const)
      expect(isConsistentCccd(id, y, g)).toBe(validateCccd(id, { birthYear: y, ...(g ? { gender: g } : {}) }).valid)
  })
})

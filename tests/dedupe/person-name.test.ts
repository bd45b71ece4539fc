import { describe, expect, it } from "vitest"
import { parseBirthDate, parseGender } from "../../dedupe/citizen-record.ts"
import { splitVietnameseName } from "../../dedupe/person-name.ts"

describe("splitVietnameseName", () => {
  it("normalises case, spaces, NFD and tone placement", () => {
    const p = splitVietnameseName("  NGUYỄN   thị\u00a0hoà ".normalize("NFD"))!
    expect(p.full).toBe("Nguyễn Thị Hòa")
    expect([p.surname, p.middle, p.given]).toEqual(["Nguyễn", "Thị", "Hòa"])
  })
  it("writes a letter typed twice once, but keeps the o and u a name can repeat", () => {
    expect(splitVietnameseName("Phạm Thị Quỳnhh")!.full).toBe("Phạm Thị Quỳnh")
    expect(splitVietnameseName("HUỲỲNH Minh AAnh")!.full).toBe("Huỳnh Minh Anh")
    expect(splitVietnameseName("Đđặng Vănn Tài")!.full).toBe("Đặng Văn Tài")
    // Lưu typed without diacritics, and the double o of a borrowed syllable, are no typos.
    expect(splitVietnameseName("Luu Van Hoong")!.full).toBe("Luu Van Hoong")
    expect(splitVietnameseName("Lưu Thị Hà")!.full).toBe("Lưu Thị Hà")
  })
  it("keeps compound surnames whole", () => {
    expect(splitVietnameseName("Tôn Nữ Thị Thúy")).toMatchObject({ surname: "Tôn Nữ", middle: "Thị", given: "Thúy" })
    expect(splitVietnameseName("Âu Dương Minh")).toMatchObject({ surname: "Âu Dương", middle: "", given: "Minh" })
    expect(splitVietnameseName("Công Tằng Tôn Nữ Thị Hạnh")).toMatchObject({ surname: "Công Tằng Tôn Nữ", given: "Hạnh" })
  })
  it("a single word is a given name; nothing is nothing", () => {
    expect(splitVietnameseName("Lan")).toMatchObject({ surname: "", given: "Lan" })
    expect(splitVietnameseName("   ")).toBeUndefined()
  })
})

describe("parseBirthDate / parseGender", () => {
  it("reads the formats registers use and rejects impossible dates", () => {
    expect(parseBirthDate("1990-03-07")).toEqual({ year: 1990, month: 3, day: 7 })
    expect(parseBirthDate("07/03/1990")).toEqual({ year: 1990, month: 3, day: 7 })
    expect(parseBirthDate("1990")).toEqual({ year: 1990, month: 0, day: 0 })
    expect(parseBirthDate("1990/03/07")).toEqual({ year: 1990, month: 3, day: 7 })
    expect(parseBirthDate("1990.3.7")).toEqual({ year: 1990, month: 3, day: 7 })
    expect(parseBirthDate("31/02/1990")).toBeUndefined()
    expect(parseBirthDate("1990-13-01")).toBeUndefined()
    expect(parseBirthDate("abc")).toBeUndefined()
  })
  it("reads nam/nữ/M/F in any case, with or without diacritics", () => {
    expect(["nam", "Nam", "NAM", "m", "M"].map(parseGender)).toEqual(["M", "M", "M", "M", "M"])
    expect(["nữ", "Nữ", "NỮ", "nu", "F", "f", "nữ".normalize("NFD")].map(parseGender)).toEqual(["F", "F", "F", "F", "F", "F", "F"])
    expect(parseGender("x")).toBeUndefined()
  })
})

import { describe, expect, it } from "vitest"
import { birthDateLevel, cccdBirthYearLevel, citizenComparisons, givenLevel, namedAsParentLevel, surnameLevel } from "../../dedupe/citizen-comparisons.ts"
import type { CitizenRecord } from "../../dedupe/citizen-record.ts"
import { buildCitizenTable } from "../../dedupe/citizen-table.ts"

const rec = (recordId: string, r: Partial<CitizenRecord>): CitizenRecord => ({ recordId, source: "s", ...r })
const level = (name: string, a: Partial<CitizenRecord>, b: Partial<CitizenRecord>) => {
  const t = buildCitizenTable([rec("a", a), rec("b", b)])
  const cmp = citizenComparisons.find((c) => c.name === name)!
  return { level: cmp.compare(t, 0, 1), label: cmp.levels[cmp.compare(t, 0, 1) - 1]?.label }
}

describe("citizen comparisons", () => {
  it("Hương/Hường and Đoàn/Doãn are not full agreement; a record typed without accents is its own level", () => {
    const t = buildCitizenTable([
      rec("1", { fullName: "Đoàn Thị Hương" }),
      rec("2", { fullName: "Doãn Thị Hường" }),
      rec("3", { fullName: "Doan Thi Huong" }),
      rec("4", { fullName: "Đoàn Thị Hương" })
    ])
    expect(givenLevel(t, 0, 3)).toBe(1)
    expect(givenLevel(t, 0, 1)).toBe(3)
    expect(surnameLevel(t, 0, 1)).toBe(3)
    expect(givenLevel(t, 0, 2)).toBe(2)
  })
  it("a one-letter typo is 'similar', a reordered name is 'found elsewhere', other names differ", () => {
    expect(level("given_name", { fullName: "Lê Thị Liên" }, { fullName: "Lê Thị Linn" }).level).toBe(4)
    expect(level("given_name", { fullName: "Trần Thị Mai" }, { fullName: "Mai Trần Thị" }).level).toBe(5)
    expect(level("given_name", { fullName: "Nguyễn Văn An" }, { fullName: "Nguyễn Văn Bình" }).level).toBe(6)
  })
  it("dates: swapped day/month, year only, one-digit typo, same year", () => {
    const t = buildCitizenTable([
      rec("1", { birthDate: "1990-03-07" }),
      rec("2", { birthDate: "07/03/1990" }),
      rec("3", { birthDate: "1990-07-03" }),
      rec("4", { birthDate: "1990" }),
      rec("5", { birthDate: "1990-03-17" }),
      rec("6", { birthDate: "1990-11-25" }),
      rec("7", { birthDate: "1991" })
    ])
    expect(birthDateLevel(t, 0, 1)).toBe(1)
    expect(birthDateLevel(t, 0, 2)).toBe(2)
    expect(birthDateLevel(t, 0, 3)).toBe(3)
    expect(birthDateLevel(t, 0, 4)).toBe(4)
    expect(birthDateLevel(t, 0, 5)).toBe(5)
    expect(birthDateLevel(t, 0, 6)).toBe(6)
  })
  it("a record without a birth date is compared on the year its CCCD encodes, apart from the written dates", () => {
    const t = buildCitizenTable([
      rec("1", { cccd: "033189123456" }),
      rec("2", { birthDate: "1989-05-02" }),
      rec("3", { birthDate: "1990" }),
      rec("4", { birthDate: "1989-05-02", cccd: "033189123456" }),
      rec("5", { cccd: "034190654321" }),
      rec("6", { cccd: "033289123456" }),
      rec("7", {})
    ])
    expect(t.comparedBirthYear[0]).toBe(1989)
    expect(t.birthYear[0]).toBe(0)
    expect(t.comparedBirthYear[5]).toBe(2089)
    expect(cccdBirthYearLevel(t, 0, 1)).toBe(1)
    expect(cccdBirthYearLevel(t, 0, 2)).toBe(2)
    expect(cccdBirthYearLevel(t, 0, 4)).toBe(2)
    // Two written dates, or no year on one side: birth_date's business, or nothing.
    expect(cccdBirthYearLevel(t, 1, 3)).toBe(0)
    expect(cccdBirthYearLevel(t, 0, 6)).toBe(0)
    expect(birthDateLevel(t, 0, 1)).toBe(0)
  })
  it("the year a CCCD encodes tells a son named after his father, who has no birth date on record, from the father", () => {
    const t = buildCitizenTable([
      rec("son", { fullName: "Nguyễn Văn Dũng", birthDate: "1990-09-16", fatherName: "Nguyễn Văn Dũng" }),
      rec("again", { fullName: "Nguyễn Văn Dũng", cccd: "034090881882" }),
      rec("father", { fullName: "Nguyễn Văn Dũng", cccd: "034063881882" })
    ])
    expect(namedAsParentLevel(t, 0, 1)).toBe(2)
    expect(namedAsParentLevel(t, 0, 2)).toBe(1)
  })
  it("IDs: exact after cleaning, one digit, adjacent swap", () => {
    expect(level("cccd", { cccd: "033190012345" }, { cccd: "33190012345" }).level).toBe(1)
    expect(level("cccd", { cccd: "033190012345" }, { cccd: "033190012845" }).level).toBe(2)
    expect(level("cccd", { cccd: "033190012345" }, { cccd: "033190013245" }).level).toBe(3)
    expect(level("cccd", { cccd: "033190012345" }, {}).level).toBe(0)
  })
  it("a record naming the other as its father is flagged, two records of the same son are not", () => {
    expect(level("named_as_parent", { fullName: "Lê Hữu Thuận" }, { fullName: "Lê Hữu Thuận", fatherName: "Lê Hữu Thuận" }).level).toBe(1)
    expect(
      level("named_as_parent", { fullName: "Lê Hữu Thuận", fatherName: "Lê Hữu Thuận" }, { fullName: "Le Huu Thuan", fatherName: "Lê Hữu Thuận" }).level
    ).toBe(2)
  })
  it("a record of the same name born within a few years is not the other's parent (the son twice, one record naming the father)", () => {
    const son = { fullName: "Nguyễn Văn Trung", birthDate: "1995-12-11" }
    expect(level("named_as_parent", { ...son, fatherName: "Nguyễn Văn Trung" }, son).level).toBe(2)
    expect(level("named_as_parent", { ...son, fatherName: "Nguyễn Văn Trung" }, { ...son, birthDate: "1996" }).level).toBe(2)
    expect(level("named_as_parent", { ...son, fatherName: "Nguyễn Văn Trung" }, { ...son, birthDate: "1968-03-02" }).level).toBe(1)
  })
  it("residence: another hamlet or house number in the same commune is its own level", () => {
    const home = { communeCode: "10042", address: "Thôn 6, xã An Lạc, huyện Văn Lâm" }
    expect(level("residence", home, { communeCode: "10042", address: "Thon 6, X. An Lac" }).level).toBe(1)
    expect(level("residence", home, { communeCode: "10042", address: "Thôn 3, xã An Lạc, huyện Văn Lâm" }).level).toBe(5)
    expect(level("residence", home, { address: "Thôn 3, xã An Lạc, huyện Văn Lâm" }).level).toBe(5)
    expect(level("residence", home, { communeCode: "10042" }).level).toBe(3)
    // A house number on one record only is not another place.
    expect(level("residence", home, { communeCode: "10042", address: "Số 12, Thôn 6, xã An Lạc, huyện Văn Lâm" }).level).toBe(1)
    expect(level("residence", home, { communeCode: "20000", address: "Khu 2, xã Bình Minh" }).level).toBe(6)
  })
  it("residence: a hamlet is its type word and number (Thôn 1 and Xóm 1 are two hamlets), with the usual spellings of one type alike", () => {
    const home = { communeCode: "10042", address: "Thôn 1, xã An Lạc, huyện Văn Lâm" }
    expect(level("residence", home, { communeCode: "10042", address: "Xóm 1, xã An Lạc, huyện Văn Lâm" }).level).toBe(5)
    expect(level("residence", home, { address: "Xom 1 xa An Lac huyen Van Lam" }).level).toBe(5)
    expect(level("residence", home, { communeCode: "10042", address: "THON 1 - X. An Lạc" }).level).toBe(1)
    const group = { communeCode: "10042", address: "Tổ dân phố 4, xã An Lạc, huyện Văn Lâm" }
    expect(level("residence", group, { communeCode: "10042", address: "Tổ 4, xã An Lạc, huyện Văn Lâm" }).level).toBe(1)
    expect(level("residence", group, { communeCode: "10042", address: "TDP 4, X. An Lạc, huyện Văn Lâm" }).level).toBe(1)
    expect(level("residence", group, { communeCode: "10042", address: "Khu 4, xã An Lạc, huyện Văn Lâm" }).level).toBe(5)
    expect(level("residence", { communeCode: "10042", address: "Khu phố 2, xã An Lạc" }, { communeCode: "10042", address: "Khu 2, xã An Lạc" }).level).toBe(1)
    // A house number is not a hamlet: "Số 1" beside "Thôn 1" is no other hamlet.
    expect(level("residence", home, { communeCode: "10042", address: "Số 1, xã An Lạc, huyện Văn Lâm" }).level).toBe(1)
  })
  it("hometown: agreement is adjusted by how common the hometown is among the records", () => {
    const t = buildCitizenTable([
      ...Array.from({ length: 8 }, (_, k) => rec(`c${k}`, { hometownCode: "20007" })),
      rec("r1", { hometownCode: "20350" }),
      rec("r2", { hometownCode: "20350" }),
      rec("none", {})
    ])
    const cmp = citizenComparisons.find((c) => c.name === "hometown")!
    expect(cmp.levels[0]!.termFrequency).toBe(true)
    expect(cmp.compare(t, 0, 1)).toBe(1)
    expect(cmp.compare(t, 8, 9)).toBe(1)
    // Shares among the records that have a hometown: the common one 8 of 10, the rare one 2 of 10.
    expect(cmp.termFrequency!(t, 0, 1)).toBeCloseTo(0.8)
    expect(cmp.termFrequency!(t, 8, 9)).toBeCloseTo(0.2)
  })
  it("both parents' names are one comparison: both the same, one the same and the other missing or different", () => {
    const p = { fatherName: "Lê Văn Hải", motherName: "Trần Thị Mai" }
    expect(level("parents", p, { fatherName: "LE VAN HAI", motherName: "Trần Thị Mai" }).level).toBe(1)
    expect(level("parents", p, { fatherName: "Lê Văn Hải" }).level).toBe(2)
    expect(level("parents", p, { fatherName: "Lê Văn Hải", motherName: "Trần Thị Mao" }).level).toBe(3)
    // A letter typed twice is written once when the name is read (person-name.ts).
    expect(level("parents", p, { fatherName: "Lê Văn Hải", motherName: "Trần Thị Maii" }).level).toBe(1)
    expect(level("parents", p, { fatherName: "Lê Văn Hải", motherName: "Phạm Thị Hoa" }).level).toBe(5)
    expect(level("parents", p, { fatherName: "Đỗ Minh Tuấn" }).level).toBe(6)
    expect(level("parents", p, {}).level).toBe(0)
  })
})

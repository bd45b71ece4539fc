import { describe, expect, it } from "vitest"
import { citizenComparisons } from "../../dedupe/citizen-comparisons.ts"
import type { CitizenRecord } from "../../dedupe/citizen-record.ts"
import { buildCitizenTable } from "../../dedupe/citizen-table.ts"
import { namedUnits } from "../../dedupe/commune-from-address.ts"

const rec = (recordId: string, r: Partial<CitizenRecord>): CitizenRecord => ({ recordId, source: "s", ...r })
const communeOf = (records: CitizenRecord[], id: string): string | undefined => {
  const t = buildCitizenTable(records)
  const c = t.residenceCommune[t.indexOf.get(id)!]!
  return c >= 0 ? t.codes.values[c] : undefined
}

describe("commune read from the address", () => {
  it("finds the commune, district and province by their type words, abbreviated or without diacritics", () => {
    expect(namedUnits("Thôn 3, xã Bình Hồng, huyện Mỹ Hào, tỉnh Hưng Yên")).toEqual({ commune: "binh hong", district: "my hao", province: "hung yen" })
    expect(namedUnits("Tổ dân phố 9, X. Đức Nam, tỉnh Thái Bình")).toEqual({ commune: "duc nam", district: "", province: "thai binh" })
    expect(namedUnits("To dan pho 4, xa Phu Tay, huyen My Hao")).toEqual({ commune: "phu tay", district: "my hao", province: "" })
    expect(namedUnits("Thôn 3, Bình Hồng")).toEqual({ commune: "", district: "", province: "" })
  })

  it("reads the units of addresses written without commas, with dashes, or abbreviated", () => {
    const full = { commune: "binh hong", district: "my hao", province: "hung yen" }
    expect(namedUnits("Thôn 3 xã Bình Hồng huyện Mỹ Hào tỉnh Hưng Yên")).toEqual(full)
    expect(namedUnits("thon 3 xa binh hong huyen my hao tinh hung yen")).toEqual(full)
    expect(namedUnits("Thôn 3 - Xã Bình Hồng - Huyện Mỹ Hào - Tỉnh Hưng Yên")).toEqual(full)
    expect(namedUnits("Thôn 3 X. Bình Hồng H. Mỹ Hào T. Hưng Yên")).toEqual(full)
    expect(namedUnits("Số 12 đường Lê Lợi, P.3, Q.5, TP.HCM")).toEqual({ commune: "3", district: "5", province: "hcm" })
    expect(namedUnits("12 Lê Lợi P3 Q5")).toEqual({ commune: "3", district: "5", province: "" })
    expect(namedUnits("TT. Như Quỳnh, H. Văn Lâm")).toEqual({ commune: "nhu quynh", district: "van lam", province: "" })
    expect(namedUnits("khu 4 phường 3 thị xã Mỹ Hào")).toEqual({ commune: "3", district: "my hao", province: "" })
  })

  it("does not take a name for a type word inside a part", () => {
    // Quan is a name (quận is written with its diacritics); Xà is not xã.
    expect(namedUnits("xã Xuân Quan huyện Văn Giang")).toEqual({ commune: "xuan quan", district: "van giang", province: "" })
    expect(namedUnits("Thôn Xà Cầu, xã Bình Hồng")).toEqual({ commune: "binh hong", district: "", province: "" })
    // Without diacritics a type word with no name after it belongs to the name before it.
    expect(namedUnits("xa xuan quan huyen van giang")).toEqual({ commune: "xuan quan", district: "van giang", province: "" })
    // A unit opening a part wins over one read inside a part.
    expect(namedUnits("thon dong xa cau, xa binh hong")).toEqual({ commune: "binh hong", district: "", province: "" })
    // A single letter inside a part is an abbreviation only with its dot or before a number.
    expect(namedUnits("Đường Nguyễn Văn Cừ Q 5")).toEqual({ commune: "", district: "5", province: "" })
    expect(namedUnits("Thôn An X Bình")).toEqual({ commune: "", district: "", province: "" })
  })

  it("reads the code two records wrote next to the same commune name; the record's own code and the golden value stay", () => {
    const records = [
      rec("a", { communeCode: "10057", address: "Thôn 1, xã Đức Nam, huyện Đông Hưng" }),
      rec("b", { communeCode: "10057", address: "Xóm 5, X. Đức Nam, huyện Đông Hưng, tỉnh Thái Bình" }),
      rec("c", { address: "Tổ dân phố 9, xa Duc Nam, huyen Dong Hung" }),
      rec("d", { communeCode: "10099", address: "Tổ dân phố 9, xã Hồng Nam, huyện Đông Hưng" })
    ]
    expect(communeOf(records, "c")).toBe("10057")
    // A record keeps its own code.
    expect(communeOf(records, "d")).toBe("10099")
    const t = buildCitizenTable(records)
    expect(t.commune[t.indexOf.get("c")!]).toBe(-1)
    // One dissenting record of three: the name no longer reads as one code.
    records.push(rec("e", { communeCode: "10099", address: "xã Đức Nam, huyện Đông Hưng" }))
    expect(communeOf(records, "c")).toBeUndefined()
  })

  it("leaves the commune unread when one record vouches for it or the name is ambiguous without the district", () => {
    const one = [rec("a", { communeCode: "10057", address: "xã Đức Nam, huyện Đông Hưng" }), rec("c", { address: "xã Đức Nam, huyện Đông Hưng" })]
    expect(communeOf(one, "c")).toBeUndefined()
    const twoCommunes = [
      rec("a", { communeCode: "10001", address: "xã Tân An, huyện Văn Giang" }),
      rec("b", { communeCode: "10001", address: "xã Tân An, huyện Văn Giang" }),
      rec("e", { communeCode: "10002", address: "xã Tân An, huyện Hưng Hà" }),
      rec("f", { communeCode: "10002", address: "xã Tân An, huyện Hưng Hà" }),
      rec("c", { address: "Thôn 2, xã Tân An" }),
      rec("g", { address: "Thôn 2, xã Tân An, huyện Hưng Hà, tỉnh Thái Bình" })
    ]
    expect(communeOf(twoCommunes, "c")).toBeUndefined()
    // The district settles it.
    expect(communeOf(twoCommunes, "g")).toBe("10002")
  })

  it("a record with the commune code and one with only the address are compared as the same commune", () => {
    const t = buildCitizenTable([
      rec("a", { communeCode: "10057", address: "Thôn 1, xã Đức Nam, huyện Đông Hưng" }),
      rec("b", { communeCode: "10057", address: "Xóm 5, xã Đức Nam, huyện Đông Hưng" }),
      rec("x", { communeCode: "10057" }),
      rec("y", { address: "Tổ dân phố 9, xã Đức Nam, huyện Đông Hưng" })
    ])
    const residence = citizenComparisons.find((c) => c.name === "residence")!
    const level = residence.compare(t, t.indexOf.get("x")!, t.indexOf.get("y")!)
    expect(residence.levels[level - 1]!.label).toBe("same commune (code or read from address)")
  })

  it("without any commune codes, records naming one commune share a place; a name two districts share needs the district", () => {
    const t = buildCitizenTable([
      rec("a", { address: "Thôn 1, xã Đức Nam, huyện Đông Hưng" }),
      rec("b", { address: "Xom 5, X. Duc Nam, tinh Thai Binh" }),
      rec("c", { address: "xã Tân An, huyện Văn Giang" }),
      rec("d", { address: "Thôn 4, xã Tân An, huyện Hưng Hà" }),
      rec("e", { address: "Thôn 4, xã Tân An" }),
      rec("f", { address: "Thôn 7, xã Tân An, huyện Hưng Hà, tỉnh Thái Bình" })
    ])
    const place = (id: string) => t.residenceCommune[t.indexOf.get(id)!]!
    expect(place("a")).toBeGreaterThanOrEqual(t.codes.size)
    expect(place("a")).toBe(place("b"))
    expect(place("c")).not.toBe(place("d"))
    expect(place("e")).toBe(-1)
    expect(place("f")).toBe(place("d"))
  })
})

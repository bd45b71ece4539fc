import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import { beforeAll, describe, expect, it } from "vitest"
import { cleanText, foldAccents } from "../../text/vietnamese.ts"
import { indexCatalog, type UnitCatalog } from "../../mappings/admin-units/catalog.ts"
import { loadUnitCatalog } from "../../mappings/admin-units/load-unit-catalog.ts"
import { createUnitResolver, type UnitResolver } from "../../mappings/admin-units/unit-resolver.ts"

const DATA = new URL("../../../shared/data/admin-units/", import.meta.url).pathname
type Row = Record<string, string>
const csv = (f: string): Row[] => parse(readFileSync(join(DATA, f), "utf8"), { columns: true }) as Row[]

/** Expected answers computed straight from the cleaned mapping table, independently of the loader. */
function expectedFromMapping() {
  const edges = csv("ward_mapping_old_to_new_nso.csv").filter((r) => r.old_ward_code !== "")
  const targets = new Map<string, { all: Set<string>; populated: Set<string>; province: string }>()
  for (const e of edges) {
    const t = targets.get(e.old_ward_code!) ?? { all: new Set(), populated: new Set(), province: e.new_province_code! }
    t.all.add(e.new_ward_code!)
    if (e.area_only !== "true") t.populated.add(e.new_ward_code!)
    targets.set(e.old_ward_code!, t)
  }
  return targets
}

describe("resolver on the real 2025 catalog", () => {
  let catalog: UnitCatalog
  let resolver: UnitResolver
  let expected: ReturnType<typeof expectedFromMapping>
  beforeAll(async () => {
    catalog = (await loadUnitCatalog(DATA)).catalog
    resolver = createUnitResolver(catalog)
    expected = expectedFromMapping()
  })

  it("resolves all 10,035 old communes by code: mapped, population_target, or ambiguous with the exact candidate set", () => {
    const counts: Record<string, number> = {}
    for (const c of csv("old_wards_2025-06-30.csv")) {
      const r = resolver.resolve({ communeCode: c.old_ward_code })
      counts[r.status] = (counts[r.status] ?? 0) + 1
      const t = expected.get(c.old_ward_code!)!
      expect(r.newProvinceCode).toBe(t.province)
      if (t.all.size === 1) {
        expect(r.status).toBe("mapped")
        expect(r.newCommuneCode).toBe([...t.all][0])
      } else if (t.populated.size === 1) {
        expect(r.status).toBe("population_target")
        expect(r.newCommuneCode).toBe([...t.populated][0])
        expect(r.areaOnlyTargets).toEqual([...t.all].filter((x) => !t.populated.has(x)))
      } else {
        expect(r.status).toBe("ambiguous")
        expect(r.newCommuneCode).toBeUndefined()
        expect([...r.candidates]).toEqual([...t.populated].sort())
      }
    }
    expect(counts).toEqual({ mapped: 10_035 - 441, population_target: 60, ambiguous: 381 })
  })

  it("maps the five island districts by district", () => {
    const want: Record<string, string> = { "318": "11948", "471": "19742", "498": "20333", "536": "21548", "755": "26732" }
    for (const [district, target] of Object.entries(want)) {
      const r = resolver.resolve({ districtCode: district })
      expect(r).toMatchObject({ status: "mapped", newCommuneCode: target, reasonCode: "island_district" })
    }
    // and an island district named in an address
    expect(resolver.resolve({ address: "Huyện Côn Đảo, Tỉnh Bà Rịa - Vũng Tàu" })).toMatchObject({ status: "mapped", newCommuneCode: "26732" })
  })

  it("district-only and province-only references: the new province is certain, the commune goes to review", () => {
    for (const p of csv("province_mapping_old_to_new.csv")) {
      expect(resolver.resolve({ provinceCode: p.old_province_code })).toMatchObject({ status: "province_only", newProvinceCode: p.new_province_code })
    }
    const r = resolver.resolve({ districtCode: "001" }) // Quận Ba Đình
    expect(r.status).toBe("province_only")
    expect(r.newProvinceCode).toBe("01")
    const wards = csv("old_wards_2025-06-30.csv").filter((w) => w.old_district_code === "001")
    const union = new Set(wards.flatMap((w) => [...expected.get(w.old_ward_code!)!.populated]))
    expect([...r.candidates]).toEqual([...union].sort())
  })

  it("codes are old codes: a new-only code, an unknown code and a contradiction are unknown with the reason", () => {
    expect(resolver.resolve({ communeCode: "26732" })).toMatchObject({ status: "unknown", reasonCode: "new_commune_code_given" })
    expect(resolver.resolve({ communeCode: "99999" })).toMatchObject({ status: "unknown", reasonCode: "unknown_commune_code" })
    expect(resolver.resolve({ communeCode: "12a45" })).toMatchObject({ status: "unknown", reasonCode: "invalid_code" })
    expect(resolver.resolve({ districtCode: "002", communeCode: "00016" })).toMatchObject({ status: "unknown", reasonCode: "commune_not_in_district" })
    // 00008 is an OLD code here: Phường Liễu Giai, not the new Phường Ngọc Hà
    const liễuGiai = resolver.resolve({ communeCode: "00008" })
    expect(indexCatalog(catalog).oldCommune.get("00008")!.name).toBe("Phường Liễu Giai")
    expect(liễuGiai.newCommuneCode).toBe([...expected.get("00008")!.all][0])
    // Excel-stripped zeros are padded
    expect(resolver.resolve({ communeCode: "16" })).toMatchObject({ status: "ambiguous", candidates: ["00004", "00008"] })
  })

  it("every old commune resolves by its names (with and without diacritics, either tone placement) to the same answer as by its code", () => {
    const idx = indexCatalog(catalog)
    const swapTone = (s: string) => s.replaceAll("òa", "oà").replaceAll("Hòa", "Hoà").replaceAll("ủy", "uỷ").replaceAll("ụy", "uỵ")
    // communes whose name is shared inside their district cannot be told apart by name
    const sameDistrictName = new Map<string, number>()
    for (const c of catalog.oldCommunes) {
      const k = `${c.districtCode}/${foldAccents(cleanText(c.name)).toLowerCase()}`
      sameDistrictName.set(k, (sameDistrictName.get(k) ?? 0) + 1)
    }
    let checked = 0
    const misses: string[] = []
    for (const c of catalog.oldCommunes) {
      if (sameDistrictName.get(`${c.districtCode}/${foldAccents(cleanText(c.name)).toLowerCase()}`)! > 1) continue
      const d = idx.oldDistrict.get(c.districtCode)!
      const p = idx.oldProvince.get(c.provinceCode)!
      const byCode = resolver.resolve({ communeCode: c.code })
      const variants = [
        `Thôn 3, ${c.name}, ${d.name}, ${p.name}`,
        foldAccents(`${c.name}, ${d.name}, ${p.name}`).toLowerCase(),
        swapTone(`${c.name} ${d.name} ${p.name}`)
      ]
      for (const address of variants) {
        const r = resolver.resolve({ address })
        if (r.status !== byCode.status || r.newCommuneCode !== byCode.newCommuneCode || r.candidates.join() !== byCode.candidates.join()) misses.push(`${address} -> ${r.status} ${r.reason}`)
      }
      const scoped = resolver.resolve({ districtCode: c.districtCode, address: `Số 12, ${c.name}` })
      if (scoped.candidates.join() !== byCode.candidates.join()) misses.push(`district ${c.districtCode} + ${c.name} -> ${scoped.status} ${scoped.reason}`)
      checked++
    }
    expect(misses.slice(0, 10)).toEqual([])
    expect(checked).toBeGreaterThan(9_900)
  })

  it("never routes an old commune to a same-named new commune it did not go to (the 162 name traps)", () => {
    // old names as the workbook writes them (one row per old commune)
    const oldWards = [
      ...new Map(csv("ward_mapping_old_to_new_nso.csv").filter((r) => r.old_ward_code !== "").map((r) => [r.old_ward_code!, r])).values()
    ]
    const newWards = csv("new_wards_2025-07-01.csv")
    const provinceOf = new Map(csv("province_mapping_old_to_new.csv").map((p) => [p.old_province_code!, p.new_province_code!]))
    const newByProvinceName = new Map<string, string[]>()
    for (const n of newWards) {
      const k = `${n.new_province_code}/${n.new_ward_name}`
      newByProvinceName.set(k, [...(newByProvinceName.get(k) ?? []), n.new_ward_code!])
    }
    let sameName = 0
    const traps: Row[] = []
    for (const o of oldWards) {
      const namesakes = (newByProvinceName.get(`${provinceOf.get(o.old_province_code!)}/${o.old_ward_name}`) ?? []).filter((code) => code !== o.old_ward_code)
      if (namesakes.length === 0) continue
      sameName++
      if (namesakes.some((n) => !expected.get(o.old_ward_code!)!.all.has(n))) traps.push(o)
    }
    // the README counts 817 namesakes (its own normalisation); exact names give 814, and the 162 traps
    expect(sameName).toBeGreaterThanOrEqual(810)
    expect(traps).toHaveLength(162)
    for (const o of traps) {
      const want = resolver.resolve({ communeCode: o.old_ward_code })
      for (const address of [
        `${o.old_ward_name}, ${o.old_district_name}, ${o.old_province_name}`,
        foldAccents(`${o.old_ward_name}, ${o.old_district_name}, ${o.old_province_name}`)
      ]) {
        const r = resolver.resolve({ address })
        // the same answer as by code (or, for namesakes inside one district, an ambiguity that lists it)
        if (r.status === "ambiguous" && r.reasonCode === "name_ambiguous") expect(r.candidates).toEqual(expect.arrayContaining([...want.candidates]))
        else expect([r.status, r.newCommuneCode, r.candidates.join()]).toEqual([want.status, want.newCommuneCode, want.candidates.join()])
      }
    }
  })

  it("reads addresses the way people write them", () => {
    const cases: Array<[string, string]> = [
      ["Số 5, P.4, TP Tân An, Long An", "27694"],
      ["so 5 p4 tp tan an tinh long an", "27694"],
      ["Thị trấn Yên Minh, Yên Minh, Hà Giang", "00820"],
      ["Xã Xà Phìn, Huyện Đồng Văn, Tỉnh Hà Giang", "00733"], // registry spelling
      ["Xã Sà Phìn, Đồng Văn, Hà Giang", "00733"], // workbook spelling
      ["Xã Hưng Đạo, Huyện Tứ Kỳ, Tỉnh Hải Dương, Việt Nam", "11086"]
    ]
    for (const [address, target] of cases) expect(resolver.resolve({ address }).newCommuneCode, address).toBe(target)
    // a name outside the coded scope is not looked up elsewhere
    const r = resolver.resolve({ districtCode: "001", address: "Xã Hưng Đạo" })
    expect(r.status).toBe("province_only")
    expect(r.reasonCode).toBe("commune_name_not_in_scope")
    // a bare name that exists in several provinces is ambiguous, with every candidate
    const many = resolver.resolve({ address: "Xã Hưng Đạo" })
    expect(many.status).toBe("ambiguous")
    expect(many.candidates).toContain("11086")
  })
})

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, describe, expect, it } from "vitest"
import { catalogStats, indexCatalog } from "../../mappings/admin-units/catalog.ts"
import { builtInSyntheticCatalog } from "../../mappings/admin-units/synthetic-catalog.ts"
import { loadHints } from "../../mappings/admin-units/unit-hints.ts"
import { createUnitResolver } from "../../mappings/admin-units/unit-resolver.ts"

const catalog = builtInSyntheticCatalog()
const tmp = mkdtempSync(join(tmpdir(), "pm-units-syn-"))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe("built-in synthetic catalog", () => {
  it("has the real catalog's traps at small scale", () => {
    const s = catalogStats(catalog)
    expect(s.oldProvinces).toBe(4)
    expect(s.newProvinces).toBe(2)
    expect(s.oldCommunes).toBeGreaterThanOrEqual(35)
    expect(s.newCommunes).toBe(15)
    expect(s.splits).toBe(3)
    expect(s.populationOnlySplits).toBe(1)
    expect(s.islandDistricts).toBe(1)
    expect(s.reusedProvinceCodes).toEqual(["97"])
    const idx = indexCatalog(catalog)
    // a reused code with another meaning
    expect(idx.oldCommune.get("40001")!.name).toBe("Phường Một")
    expect(idx.newCommune.get("40001")!.name).toBe("Phường Bến Thủy")
    // every edge points at known units
    for (const e of catalog.edges) {
      expect(idx.oldCommune.has(e.oldCommuneCode)).toBe(true)
      expect(idx.newCommune.has(e.newCommuneCode)).toBe(true)
    }
    expect(builtInSyntheticCatalog()).toBe(catalog)
  })

  it("resolves each trap", () => {
    const r = createUnitResolver(catalog)
    expect(r.resolve({ communeCode: "40004" })).toMatchObject({ status: "mapped", newCommuneCode: "40001" })
    expect(r.resolve({ communeCode: "40007" })).toMatchObject({ status: "ambiguous", candidates: ["40001", "40010"], reasonCode: "split" })
    expect(r.resolve({ communeCode: "40034" })).toMatchObject({ status: "population_target", newCommuneCode: "40031", areaOnlyTargets: ["40040"] })
    expect(r.resolve({ districtCode: "984" })).toMatchObject({ status: "mapped", newCommuneCode: "41000", reasonCode: "island_district" })
    expect(r.resolve({ communeCode: "41000" })).toMatchObject({ status: "unknown", reasonCode: "new_commune_code_given" })
    expect(r.resolve({ provinceCode: "98" })).toMatchObject({ status: "province_only", newProvinceCode: "97" })
    // old Xã Hưng Đạo of Phú Khê went to Xã An Phú, not to the new Xã Hưng Đạo
    expect(r.resolve({ address: "Xã Hưng Đạo, Thị xã Phú Khê, Tỉnh Thuỵ Khê" })).toMatchObject({ status: "mapped", newCommuneCode: "40070" })
    expect(r.resolve({ address: "xa hung dao, tx phu khe" })).toMatchObject({ newCommuneCode: "40070" })
    // a name alone that two old communes carry: ambiguous between their successors, not the namesake
    const bare = r.resolve({ address: "Xã Hưng Đạo" })
    expect(bare).toMatchObject({ status: "ambiguous", candidates: ["40070", "40118"], reasonCode: "name_ambiguous" })
    // tone placement: the catalog writes Thuỵ/Hoà, people write Thụy/Hòa, or no marks
    for (const address of ["Xã Thụy Hà, Huyện Thụy Lâm", "Xã Thuỵ Hà, Huyện Thuỵ Lâm", "xa thuy ha huyen thuy lam"]) {
      expect(r.resolve({ address }).newCommuneCode, address).toBe("40052")
    }
    expect(r.resolve({ address: "Thị trấn Đông Hòa, Huyện Đông Hòa" })).toMatchObject({ newCommuneCode: "40022", oldCommuneCode: "40019" })
    // district-only: the district's successors as the review set
    expect(r.resolve({ districtCode: "981" })).toMatchObject({ status: "province_only", candidates: ["40001", "40010", "40028"] })
    // the address's commune name outside the coded district is not looked up elsewhere
    expect(r.resolve({ districtCode: "981", address: "Xã Lam Hạ" })).toMatchObject({ status: "province_only", reasonCode: "commune_name_not_in_scope" })
  })

  it("settles a split with the user's hint table (hamlet or street), and only towards a real successor", async () => {
    const path = join(tmp, "hints.csv")
    writeFileSync(
      path,
      [
        "old_commune_code,old_district_code,place,new_commune_code",
        "40007,,Tổ dân phố 3,40001",
        "40007,,Đường Trần Phú,40010",
        "40007,,Thôn Đông,40010",
        "40058,,Thôn Thượng,40070",
        "40007,,Thôn Lạ,40052", // not a successor of 40007: rejected
        ",981,Khu phố Chợ,40010", // district-level hint
        "40007,,,40001" // no place
      ].join("\n")
    )
    const { hints, problems } = await loadHints(path)
    expect(problems).toHaveLength(1)
    const r = createUnitResolver(catalog, { hints })
    expect(r.hintProblems.map((p) => p.problem)).toEqual([expect.stringContaining("not a successor")])
    expect(r.resolve({ communeCode: "40007", address: "Số 4, Tổ dân phố 3, Phường Hai" })).toMatchObject({ status: "hint", newCommuneCode: "40001" })
    expect(r.resolve({ communeCode: "40007", address: "12 đường Trần Phú, P. Hai, TP Bến Thủy" })).toMatchObject({ status: "hint", newCommuneCode: "40010" })
    expect(r.resolve({ communeCode: "40007", hamlet: "Đông" })).toMatchObject({ status: "hint", newCommuneCode: "40010" })
    // a different hamlet, a different number, or a longer name is not the hinted place
    expect(r.resolve({ communeCode: "40007", address: "Tổ dân phố 13, Phường Hai" }).status).toBe("ambiguous")
    expect(r.resolve({ communeCode: "40007", address: "Thôn Đông Xá, Phường Hai" }).status).toBe("ambiguous")
    expect(r.resolve({ communeCode: "40007", address: "Thôn 3, Phường Hai" }).status).toBe("ambiguous")
    // two hints that disagree stay ambiguous
    expect(r.resolve({ communeCode: "40007", address: "Tổ dân phố 3, Đường Trần Phú, Phường Hai" })).toMatchObject({ status: "ambiguous", reasonCode: "hints_conflict" })
    // by name, with a hint
    expect(r.resolve({ address: "Thôn Thượng, Xã Thuỵ An, Huyện Thuỵ Lâm, Tỉnh Thuỵ Khê" })).toMatchObject({ status: "hint", newCommuneCode: "40070" })
    // district-level hint for a district-only reference
    expect(r.resolve({ districtCode: "981", address: "Khu phố Chợ" })).toMatchObject({ status: "hint", newCommuneCode: "40010" })
    // hints never override a commune that has one answer
    expect(r.resolve({ communeCode: "40004", address: "Thôn Đông" })).toMatchObject({ status: "mapped", newCommuneCode: "40001" })
  })

  it("rejects a hint table without the needed columns", async () => {
    const path = join(tmp, "bad-hints.csv")
    writeFileSync(path, "a,b\n1,2\n")
    await expect(loadHints(path)).rejects.toMatchObject({ _tag: "UnitTableError", code: "unit_table_columns" })
    expect(readFileSync(path, "utf8")).toContain("a,b")
  })
})

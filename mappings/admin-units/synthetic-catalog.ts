/**
 * A small catalog of the project's own (invented provinces, districts and communes; not the
 * official data) for the demo and for tests that run without --catalog. It reproduces the
 * real catalog's traps on a scale one can read:
 *
 * - old provinces 97, 98, 99 merge into new province 97, whose code now means something else
 *   (old 97 was Tỉnh Bến Thủy, new 97 is Tỉnh Hòa Giang); old 90 stays as new 90 for contrast;
 * - an old commune code reused by a new commune with another meaning: old 40001 was Phường Một,
 *   new 40001 is Phường Bến Thủy (the old Phường Bến Thủy was 40004);
 * - a truly ambiguous split: old Phường Hai (40007) went to 40001 and 40010;
 * - a split with an area-only edge: old Xã Lam Điền (40034) went to Xã Lam Sơn (population)
 *   and Xã Điền Phong (land only);
 * - a same-name trap: old Xã Hưng Đạo (40094) went to Xã An Phú, while new Xã Hưng Đạo (40091)
 *   was made from other communes;
 * - an island district without communes: Huyện Đảo Ngọc Trai (984) became Đặc khu Ngọc Trai
 *   (41000, a code outside the old commune code space);
 * - tone-placement variants: old names written Hoà / Thuỵ, new names Hòa / Thụy.
 * Codes sit in ranges the real catalog does not use (provinces 90, 97–99; districts 981–987;
 * communes 40000+), so synthetic data can never be mistaken for real units.
 */
import {
  asNewCommuneCode,
  asNewProvinceCode,
  asOldCommuneCode,
  asOldDistrictCode,
  asOldProvinceCode
} from "./codes.ts"
import type { CrosswalkEdge, EdgeRelation, NewCommune, OldCommune, OldDistrict, OldProvince, UnitCatalog } from "./catalog.ts"

const OLD_PROVINCES: ReadonlyArray<readonly [code: string, name: string, newCode: string]> = [
  ["97", "Tỉnh Bến Thủy", "97"],
  ["98", "Tỉnh Lam Điền", "97"],
  ["99", "Tỉnh Thuỵ Khê", "97"],
  ["90", "Tỉnh Núi Bạc", "90"]
]

const NEW_PROVINCES: ReadonlyArray<readonly [code: string, name: string]> = [
  ["97", "Tỉnh Hòa Giang"],
  ["90", "Tỉnh Núi Bạc"]
]

const OLD_DISTRICTS: ReadonlyArray<readonly [code: string, name: string, province: string]> = [
  ["981", "Thành phố Bến Thủy", "97"],
  ["982", "Huyện Đông Hoà", "97"],
  ["983", "Huyện Lam Điền", "98"],
  ["984", "Huyện Đảo Ngọc Trai", "98"],
  ["985", "Huyện Thuỵ Lâm", "99"],
  ["986", "Thị xã Phú Khê", "99"],
  ["987", "Huyện Núi Bạc", "90"]
]

const NEW_COMMUNES: ReadonlyArray<readonly [code: string, name: string, province: string, type: string]> = [
  ["40001", "Phường Bến Thủy", "97", "Phường"],
  ["40010", "Phường Hòa Bình", "97", "Phường"],
  ["40022", "Xã Đông Hòa", "97", "Xã"],
  ["40028", "Xã Tân Lập", "97", "Xã"],
  ["40031", "Xã Lam Sơn", "97", "Xã"],
  ["40040", "Xã Điền Phong", "97", "Xã"],
  ["40052", "Xã Thụy Lâm", "97", "Xã"],
  ["40061", "Phường Phú Khê", "97", "Phường"],
  ["40070", "Xã An Phú", "97", "Xã"],
  ["40091", "Xã Hưng Đạo", "97", "Xã"],
  ["41000", "Đặc khu Ngọc Trai", "97", "Đặc khu"],
  ["40100", "Xã Núi Bạc", "90", "Xã"],
  ["40109", "Xã Tân Hòa", "90", "Xã"],
  ["40118", "Xã Kim Sơn", "90", "Xã"],
  ["40127", "Phường Núi Vàng", "90", "Phường"]
]

/** [old code, old name, old district, successors ("code" or "code~" for a land-only edge), relation] */
const OLD_COMMUNES: ReadonlyArray<readonly [string, string, string, readonly string[], EdgeRelation?]> = [
  // Thành phố Bến Thủy (981)
  ["40001", "Phường Một", "981", ["40001"]],
  ["40004", "Phường Bến Thủy", "981", ["40001"]],
  ["40007", "Phường Hai", "981", ["40001", "40010"], "partial"],
  ["40010", "Phường Hoà Bình", "981", ["40010"]],
  ["40013", "Phường Ba", "981", ["40010"]],
  ["40016", "Xã Tân Lập", "981", ["40028"]],
  // Huyện Đông Hoà (982)
  ["40019", "Thị trấn Đông Hoà", "982", ["40022"]],
  ["40022", "Xã Đông Tiến", "982", ["40022"]],
  ["40025", "Xã Đông Xuân", "982", ["40022"]],
  ["40028", "Xã Tân Lập", "982", ["40028"]],
  ["40031", "Xã Hưng Thịnh", "982", ["40091"]],
  ["40032", "Xã Tân Tiến", "982", ["40028"]],
  ["40033", "Xã Hưng Long", "982", ["40091"]],
  // Huyện Lam Điền (983)
  ["40034", "Xã Lam Điền", "983", ["40031", "40040~"], "partial"],
  ["40037", "Thị trấn Lam Sơn", "983", ["40031"]],
  ["40040", "Xã Điền Phong", "983", ["40040"]],
  ["40043", "Xã Điền Lợi", "983", ["40040"]],
  ["40046", "Xã Lam Hạ", "983", ["40031"]],
  ["40049", "Xã Điền Hải", "983", ["40040"]],
  // Huyện Thuỵ Lâm (985)
  ["40052", "Thị trấn Thuỵ Lâm", "985", ["40052"]],
  ["40055", "Xã Thuỵ Hà", "985", ["40052"]],
  ["40058", "Xã Thuỵ An", "985", ["40052", "40070"], "partial"],
  ["40064", "Xã Thuỵ Sơn", "985", ["40052"]],
  // Thị xã Phú Khê (986)
  ["40061", "Phường Phú Khê", "986", ["40061"], "unchanged"],
  ["40067", "Xã Phú Lộc", "986", ["40070"]],
  ["40070", "Xã An Phú", "986", ["40070"]],
  ["40073", "Xã Phú Thọ", "986", ["40070"]],
  ["40094", "Xã Hưng Đạo", "986", ["40070"]],
  ["40076", "Xã Khê Hòa", "986", ["40061"]],
  // Huyện Núi Bạc (987), new province 90
  ["40100", "Thị trấn Núi Bạc", "987", ["40100"]],
  ["40103", "Xã Bạc Hà", "987", ["40100"]],
  ["40106", "Xã Tân Hoà", "987", ["40109"]],
  ["40109", "Xã Tân Hưng", "987", ["40109"]],
  ["40112", "Xã Kim Sơn", "987", ["40118"], "renamed_or_retyped"],
  ["40115", "Xã Kim Liên", "987", ["40118"]],
  ["40118", "Xã Hưng Đạo", "987", ["40118"]],
  ["40121", "Xã Núi Vàng", "987", ["40127"], "renamed_or_retyped"],
  ["40124", "Xã Vàng Anh", "987", ["40127"]],
  ["40127", "Xã Bạc Liêu", "987", ["40127"]]
]

let cached: UnitCatalog | undefined

/** The built-in synthetic catalog (same object on every call). */
export function builtInSyntheticCatalog(): UnitCatalog {
  if (cached !== undefined) return cached
  const oldProvinces: OldProvince[] = OLD_PROVINCES.map(([code, name, newCode]) => ({
    code: asOldProvinceCode(code),
    name,
    newProvinceCode: asNewProvinceCode(newCode)
  }))
  const oldDistricts: OldDistrict[] = OLD_DISTRICTS.map(([code, name, province]) => ({
    code: asOldDistrictCode(code),
    name,
    provinceCode: asOldProvinceCode(province)
  }))
  const provinceOfDistrict = new Map(OLD_DISTRICTS.map(([code, , province]) => [code, province]))
  const oldCommunes: OldCommune[] = OLD_COMMUNES.map(([code, name, district]) => ({
    code: asOldCommuneCode(code),
    name,
    districtCode: asOldDistrictCode(district),
    provinceCode: asOldProvinceCode(provinceOfDistrict.get(district)!),
    aliases: []
  }))
  const newCommunes: NewCommune[] = NEW_COMMUNES.map(([code, name, province, type]) => ({
    code: asNewCommuneCode(code),
    name,
    provinceCode: asNewProvinceCode(province),
    type,
    aliases: []
  }))
  const edges: CrosswalkEdge[] = []
  for (const [code, , , targets, relation] of OLD_COMMUNES) {
    for (const t of targets) {
      const areaOnly = t.endsWith("~")
      const target = areaOnly ? t.slice(0, -1) : t
      const rel: EdgeRelation = relation ?? (targets.length > 1 ? "partial" : "whole")
      edges.push({
        oldCommuneCode: asOldCommuneCode(code),
        newCommuneCode: asNewCommuneCode(target),
        relation: rel,
        areaOnly,
        note: areaOnly ? "Nhập một phần diện tích" : rel === "partial" ? "Nhập một phần" : rel === "unchanged" ? "Giữ nguyên" : rel === "renamed_or_retyped" ? "Đổi tên" : "Nhập toàn bộ"
      })
    }
  }
  cached = Object.freeze({
    source: "built-in synthetic catalog (invented units, not official data)",
    oldProvinces,
    oldDistricts,
    oldCommunes,
    newProvinces: NEW_PROVINCES.map(([code, name]) => ({ code: asNewProvinceCode(code), name })),
    newCommunes,
    edges,
    districtEdges: [{ oldDistrictCode: asOldDistrictCode("984"), newCommuneCode: asNewCommuneCode("41000"), note: "Sắp xếp toàn bộ huyện Đảo Ngọc Trai thành đặc khu Ngọc Trai" }],
    unitlessEdges: []
  })
  return cached
}

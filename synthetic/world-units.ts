/**
 * The administrative units of the synthetic world: ONE new province made of two or more old
 * provinces, each old province a source system, and what a correct remapper must answer for
 * every unit reference the generator writes (the units.csv truth).
 */
import { type CatalogIndex, indexCatalog, type OldCommune, type OldDistrict, type OldProvince, type UnitCatalog } from "../mappings/admin-units/catalog.ts"
import { foldKey } from "../text/vietnamese.ts"

export type VendorId = "vendor-a" | "vendor-b"

/** One old province of the world and the system that holds its data. */
export interface WorldSource {
  /** Slug of the old province ("kien-giang"), the source name in job.json and source keys. */
  readonly name: string
  /** Letter used in server database names (a, b, c…). */
  readonly letter: string
  readonly vendor: VendorId
  readonly province: OldProvince
  readonly districts: readonly OldDistrict[]
  /** Communes that have successors in the crosswalk (the ones people live in). */
  readonly communes: readonly OldCommune[]
  /** Southern provinces say Ấp/Khóm, northern ones Thôn/Xóm/Tổ dân phố. */
  readonly southern: boolean
}

export interface WorldUnits {
  readonly catalog: UnitCatalog
  readonly index: CatalogIndex
  readonly newProvince: { readonly code: string; readonly name: string }
  readonly sources: readonly WorldSource[]
}

export class WorldUnitsError extends Error {}

const splitCount = (index: CatalogIndex, communes: readonly OldCommune[]): number =>
  communes.filter((c) => new Set((index.edgesByOldCommune.get(c.code) ?? []).map((e) => e.newCommuneCode)).size > 1).length

export const provinceSlug = (name: string): string =>
  foldKey(name.replace(/^(Tỉnh|Thành phố|Tinh|Thanh pho)\s+/i, ""))
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "")

/**
 * Picks the new province of the world: the one given, else the new province made of two or more
 * old provinces whose old communes have the most splits (ties: lowest code). Old provinces in
 * code order alternate vendor A, vendor B, vendor A…
 */
export const chooseWorldUnits = (catalog: UnitCatalog, newProvinceCode?: string): WorldUnits => {
  const index = indexCatalog(catalog)
  const byNew = new Map<string, OldProvince[]>()
  for (const p of catalog.oldProvinces) {
    const list = byNew.get(p.newProvinceCode)
    if (list === undefined) byNew.set(p.newProvinceCode, [p])
    else list.push(p)
  }
  const usable = (olds: readonly OldProvince[]) =>
    olds.filter((p) => (index.communesByOldProvince.get(p.code) ?? []).some((c) => index.edgesByOldCommune.has(c.code)))
  let chosen: string | undefined = newProvinceCode
  if (chosen === undefined) {
    let best = -1
    for (const [code, olds] of [...byNew].sort((a, b) => a[0].localeCompare(b[0]))) {
      if (usable(olds).length < 2) continue
      const splits = olds.reduce((n, p) => n + splitCount(index, index.communesByOldProvince.get(p.code) ?? []), 0)
      if (splits > best) {
        best = splits
        chosen = code
      }
    }
    if (chosen === undefined) throw new WorldUnitsError("the catalog has no new province made of two or more old provinces")
  }
  const olds = usable(byNew.get(chosen) ?? []).sort((a, b) => a.code.localeCompare(b.code))
  if (olds.length < 1) throw new WorldUnitsError(`new province ${chosen} has no old provinces with communes in the catalog`)
  const np = index.newProvince.get(chosen)
  const usedSlugs = new Set<string>()
  const sources = olds.map((p, i): WorldSource => {
    let name = provinceSlug(p.name) || `province-${p.code}`
    if (usedSlugs.has(name)) name = `${name}-${p.code}`
    usedSlugs.add(name)
    return {
      name,
      letter: String.fromCharCode(0x61 + i),
      vendor: i % 2 === 0 ? "vendor-a" : "vendor-b",
      province: p,
      districts: [...(index.districtsByOldProvince.get(p.code) ?? [])].sort((a, b) => a.code.localeCompare(b.code)),
      communes: [...(index.communesByOldProvince.get(p.code) ?? [])]
        .filter((c) => index.edgesByOldCommune.has(c.code))
        .sort((a, b) => a.code.localeCompare(b.code)),
      southern: Number(p.code) >= 45
    }
  })
  return { catalog, index, newProvince: { code: chosen, name: np?.name ?? chosen }, sources }
}

export type ExpectedUnitStatus = "mapped" | "population_target" | "ambiguous" | "province_only" | "unknown"

export interface ExpectedUnit {
  readonly status: ExpectedUnitStatus
  readonly newCommuneCode?: string
  /** New communes the record can be in (sorted), as the remapper should list them. */
  readonly candidates: readonly string[]
}

const communeAnswers = new WeakMap<UnitCatalog, Map<string, ExpectedUnit>>()

/** What the crosswalk says about an old commune code, by its edges alone. */
const communeExpectation = (index: CatalogIndex, catalog: UnitCatalog, code: string): ExpectedUnit => {
  let memo = communeAnswers.get(catalog)
  if (memo === undefined) communeAnswers.set(catalog, (memo = new Map()))
  const hit = memo.get(code)
  if (hit !== undefined) return hit
  const edges = index.edgesByOldCommune.get(code) ?? []
  const targets = [...new Set(edges.map((e) => e.newCommuneCode as string))]
  const populated = [...new Set(edges.filter((e) => !e.areaOnly).map((e) => e.newCommuneCode as string))]
  let answer: ExpectedUnit
  if (!index.oldCommune.has(code) || targets.length === 0) answer = { status: "unknown", candidates: [] }
  else if (targets.length === 1) answer = { status: "mapped", newCommuneCode: targets[0]!, candidates: [targets[0]!] }
  else if (populated.length === 1) answer = { status: "population_target", newCommuneCode: populated[0]!, candidates: [populated[0]!] }
  else answer = { status: "ambiguous", candidates: [...(populated.length > 0 ? populated : targets)].sort() }
  memo.set(code, answer)
  return answer
}

/**
 * The expected remapping of a reference by old codes: the commune decides when given (unknown
 * code → unknown); else an island district maps to its đặc khu, another district or a province
 * alone is province_only; nothing known → unknown.
 */
export const expectedUnit = (
  world: Pick<WorldUnits, "index" | "catalog">,
  ref: { readonly provinceCode?: string | undefined; readonly districtCode?: string | undefined; readonly communeCode?: string | undefined }
): ExpectedUnit => {
  const { index, catalog } = world
  if (ref.communeCode !== undefined) return communeExpectation(index, catalog, ref.communeCode)
  if (ref.districtCode !== undefined) {
    const island = index.districtEdge.get(ref.districtCode)
    if (island !== undefined) return { status: "mapped", newCommuneCode: island.newCommuneCode, candidates: [island.newCommuneCode] }
    if (!index.oldDistrict.has(ref.districtCode)) return { status: "unknown", candidates: [] }
    const set = new Set<string>()
    for (const c of index.communesByOldDistrict.get(ref.districtCode) ?? []) for (const t of communeExpectation(index, catalog, c.code).candidates) set.add(t)
    return { status: "province_only", candidates: [...set].sort() }
  }
  if (ref.provinceCode !== undefined && index.oldProvince.has(ref.provinceCode)) return { status: "province_only", candidates: [] }
  return { status: "unknown", candidates: [] }
}

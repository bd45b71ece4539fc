/**
 * The unit catalog: old units as of 2025-06-30, new units as of 2025-07-01, and the crosswalk
 * edges between them (bảng chuyển đổi ĐVHC mới – cũ). Plain data, loaded once; lookups go
 * through `indexCatalog`, which is built once per catalog object.
 */
import type {
  NewCommuneCode,
  NewProvinceCode,
  OldCommuneCode,
  OldDistrictCode,
  OldProvinceCode
} from "./codes.ts"
import { nameBaseKey } from "./unit-names.ts"

export interface OldProvince {
  readonly code: OldProvinceCode
  readonly name: string
  /** Every old province went wholly into exactly one new province. */
  readonly newProvinceCode: NewProvinceCode
}

export interface OldDistrict {
  readonly code: OldDistrictCode
  readonly name: string
  readonly provinceCode: OldProvinceCode
}

export interface OldCommune {
  readonly code: OldCommuneCode
  readonly name: string
  readonly districtCode: OldDistrictCode
  readonly provinceCode: OldProvinceCode
  /** Other spellings seen in the sources (registry name, crosswalk name), cleaned. */
  readonly aliases: readonly string[]
}

export interface NewProvince {
  readonly code: NewProvinceCode
  readonly name: string
}

export interface NewCommune {
  readonly code: NewCommuneCode
  readonly name: string
  readonly provinceCode: NewProvinceCode
  /** Xã, Phường or Đặc khu when known. */
  readonly type?: string
  readonly aliases: readonly string[]
}

/**
 * How an old commune went into a new one (the crosswalk's Ghi chú column):
 * whole = Nhập toàn bộ, partial = Nhập một phần, unchanged = Giữ nguyên,
 * renamed_or_retyped = Đổi tên / Đổi loại hình.
 */
export type EdgeRelation = "whole" | "partial" | "unchanged" | "renamed_or_retyped"

export interface CrosswalkEdge {
  readonly oldCommuneCode: OldCommuneCode
  readonly newCommuneCode: NewCommuneCode
  readonly relation: EdgeRelation
  /** Only land moved along this edge, no population ("Nhập một phần diện tích"). */
  readonly areaOnly: boolean
  /** The raw note, cleaned. */
  readonly note?: string
  /** Row in the source sheet (1-based, as Excel numbers it), when loaded from the workbook. */
  readonly sourceRow?: number
}

/** An old district without communes (island districts) that became one new unit (đặc khu). */
export interface DistrictEdge {
  readonly oldDistrictCode: OldDistrictCode
  readonly newCommuneCode: NewCommuneCode
  readonly note?: string
  readonly sourceRow?: number
}

/**
 * A crosswalk row whose old side is not an administrative unit ("Khu vực bãi bồi ven biển do
 * huyện Kim Sơn quản lý"): kept for the record, never a resolution target of a code.
 */
export interface UnitlessAreaEdge {
  readonly oldAreaName: string
  readonly oldDistrictCode: OldDistrictCode
  readonly newCommuneCode: NewCommuneCode
  readonly sourceRow?: number
}

export interface UnitCatalog {
  /** Where the catalog came from, for reports ("cleaned tables at …", "official workbook …", "built-in synthetic"). */
  readonly source: string
  readonly oldProvinces: readonly OldProvince[]
  readonly oldDistricts: readonly OldDistrict[]
  readonly oldCommunes: readonly OldCommune[]
  readonly newProvinces: readonly NewProvince[]
  readonly newCommunes: readonly NewCommune[]
  readonly edges: readonly CrosswalkEdge[]
  readonly districtEdges: readonly DistrictEdge[]
  readonly unitlessEdges: readonly UnitlessAreaEdge[]
}

/** Lookup maps over a catalog. Built once per catalog object (cached). */
export interface CatalogIndex {
  readonly oldProvince: ReadonlyMap<string, OldProvince>
  readonly oldDistrict: ReadonlyMap<string, OldDistrict>
  readonly oldCommune: ReadonlyMap<string, OldCommune>
  readonly newProvince: ReadonlyMap<string, NewProvince>
  readonly newCommune: ReadonlyMap<string, NewCommune>
  /** old commune code -> its edges, in catalog order. */
  readonly edgesByOldCommune: ReadonlyMap<string, readonly CrosswalkEdge[]>
  /** old district code -> island-district edge. */
  readonly districtEdge: ReadonlyMap<string, DistrictEdge>
  readonly communesByOldDistrict: ReadonlyMap<string, readonly OldCommune[]>
  readonly communesByOldProvince: ReadonlyMap<string, readonly OldCommune[]>
  readonly districtsByOldProvince: ReadonlyMap<string, readonly OldDistrict[]>
}

const indexCache = new WeakMap<UnitCatalog, CatalogIndex>()

const groupBy = <T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> => {
  const m = new Map<string, T[]>()
  for (const it of items) {
    const k = key(it)
    const list = m.get(k)
    if (list === undefined) m.set(k, [it])
    else list.push(it)
  }
  return m
}

export function indexCatalog(catalog: UnitCatalog): CatalogIndex {
  const cached = indexCache.get(catalog)
  if (cached !== undefined) return cached
  const index: CatalogIndex = {
    oldProvince: new Map(catalog.oldProvinces.map((p) => [p.code, p])),
    oldDistrict: new Map(catalog.oldDistricts.map((d) => [d.code, d])),
    oldCommune: new Map(catalog.oldCommunes.map((c) => [c.code, c])),
    newProvince: new Map(catalog.newProvinces.map((p) => [p.code, p])),
    newCommune: new Map(catalog.newCommunes.map((c) => [c.code, c])),
    edgesByOldCommune: groupBy(catalog.edges, (e) => e.oldCommuneCode),
    districtEdge: new Map(catalog.districtEdges.map((e) => [e.oldDistrictCode, e])),
    communesByOldDistrict: groupBy(catalog.oldCommunes, (c) => c.districtCode),
    communesByOldProvince: groupBy(catalog.oldCommunes, (c) => c.provinceCode),
    districtsByOldProvince: groupBy(catalog.oldDistricts, (d) => d.provinceCode)
  }
  indexCache.set(catalog, index)
  return index
}

/** Counts that describe a catalog (for reports and tests). */
export interface CatalogStats {
  readonly oldProvinces: number
  readonly oldDistricts: number
  readonly oldCommunes: number
  readonly newProvinces: number
  readonly newCommunes: number
  readonly edges: number
  /** Old communes with more than one target. */
  readonly splits: number
  /** Splits where exactly one target received population. */
  readonly populationOnlySplits: number
  readonly islandDistricts: number
  /** New commune codes that are also old commune codes (with any meaning). */
  readonly reusedCommuneCodes: number
  /** Old province codes that a new province with another name now carries. */
  readonly reusedProvinceCodes: readonly string[]
}

export function catalogStats(catalog: UnitCatalog): CatalogStats {
  const index = indexCatalog(catalog)
  let splits = 0
  let populationOnlySplits = 0
  for (const edges of index.edgesByOldCommune.values()) {
    const targets = new Set(edges.map((e) => e.newCommuneCode))
    if (targets.size > 1) {
      splits++
      const populated = new Set(edges.filter((e) => !e.areaOnly).map((e) => e.newCommuneCode))
      if (populated.size === 1) populationOnlySplits++
    }
  }
  const reusedProvinceCodes = catalog.oldProvinces
    .filter((p) => {
      const sameCode = index.newProvince.get(p.code)
      return sameCode !== undefined && nameBaseKey(sameCode.name) !== nameBaseKey(p.name)
    })
    .map((p) => p.code as string)
    .sort()
  return {
    oldProvinces: catalog.oldProvinces.length,
    oldDistricts: catalog.oldDistricts.length,
    oldCommunes: catalog.oldCommunes.length,
    newProvinces: catalog.newProvinces.length,
    newCommunes: catalog.newCommunes.length,
    edges: catalog.edges.length,
    splits,
    populationOnlySplits,
    islandDistricts: catalog.districtEdges.length,
    reusedCommuneCodes: catalog.newCommunes.filter((c) => index.oldCommune.has(c.code)).length,
    reusedProvinceCodes
  }
}

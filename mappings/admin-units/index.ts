/**
 * The unit catalog and the old -> new remapping, in one import for the pipeline:
 * load a catalog (or use the built-in synthetic one), build a resolver, resolve references.
 */
export type {
  NewCommuneCode,
  NewProvinceCode,
  OldCommuneCode,
  OldDistrictCode,
  OldProvinceCode,
  TaggedUnitCode,
  UnitLevel
} from "./codes.ts"
export { formatTaggedUnitCode, newCommune, normalizeUnitCode, oldCommune } from "./codes.ts"
export type {
  CatalogIndex,
  CatalogStats,
  CrosswalkEdge,
  DistrictEdge,
  EdgeRelation,
  NewCommune,
  NewProvince,
  OldCommune,
  OldDistrict,
  OldProvince,
  UnitCatalog,
  UnitlessAreaEdge
} from "./catalog.ts"
export { catalogStats, indexCatalog } from "./catalog.ts"
export type { CatalogDefect, CatalogDefectCode, CatalogDefectSeverity } from "./catalog-defects.ts"
export { type LoadedUnitCatalog, loadUnitCatalog, type LoadUnitCatalogOptions } from "./load-unit-catalog.ts"
export { builtInSyntheticCatalog } from "./synthetic-catalog.ts"
export { type Hint, type HintProblem, loadHints } from "./unit-hints.ts"
export {
  createUnitResolver,
  type UnitReference,
  type UnitResolution,
  type UnitResolutionReasonCode,
  type UnitResolutionStatus,
  type UnitResolver,
  type UnitResolverOptions
} from "./unit-resolver.ts"
export { UnitTableError } from "./unit-tables.ts"

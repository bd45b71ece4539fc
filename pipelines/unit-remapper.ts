/**
 * The job's unit remapper: the catalog named in the job (the official crosswalk, or the built-in
 * synthetic one for demos), the user's hint table, and names for the reconciliation workbook.
 */
import { loadUnitCatalog } from "../mappings/admin-units/load-unit-catalog.ts"
import { builtInSyntheticCatalog } from "../mappings/admin-units/synthetic-catalog.ts"
import { createUnitResolver } from "../mappings/admin-units/unit-resolver.ts"
import { loadHints } from "../mappings/admin-units/unit-hints.ts"
import type { UnitCatalog } from "../mappings/admin-units/catalog.ts"
import type { UnitNames } from "./reconcile.ts"
import type { UnitRemapper } from "./row-transformer.ts"

export interface JobUnits extends UnitRemapper {
  readonly catalog: UnitCatalog
  readonly names: UnitNames
  /** Problems found in the catalog or hints, for the run log. */
  readonly warnings: readonly string[]
}

export const loadJobUnits = async (catalogPath: string, hintsPath: string | undefined): Promise<JobUnits> => {
  const warnings: string[] = []
  let catalog: UnitCatalog
  if (catalogPath === "builtin") catalog = builtInSyntheticCatalog()
  else {
    const loaded = await loadUnitCatalog(catalogPath)
    catalog = loaded.catalog
    for (const d of loaded.defects) if (d.severity !== "info") warnings.push(`catalog: ${d.message}`)
  }
  const { hints, problems } = hintsPath === undefined ? { hints: [], problems: [] } : await loadHints(hintsPath)
  for (const p of problems) warnings.push(`hints: ${JSON.stringify(p)}`)
  const resolver = createUnitResolver(catalog, { hints })
  for (const p of resolver.hintProblems) warnings.push(`hints: ${JSON.stringify(p)}`)
  const oldNames = new Map<string, string>()
  for (const p of catalog.oldProvinces) oldNames.set(p.code, p.name)
  for (const d of catalog.oldDistricts) oldNames.set(d.code, d.name)
  for (const c of catalog.oldCommunes) oldNames.set(c.code, c.name)
  const newCommunes = new Map(catalog.newCommunes.map((c) => [c.code as string, c]))
  return {
    catalog,
    warnings,
    resolve: (ref) => resolver.resolve(ref),
    chosen: (code) => {
      const commune = newCommunes.get(code)
      return commune === undefined
        ? undefined
        : { status: "reviewed", newProvinceCode: commune.provinceCode, newCommuneCode: commune.code, candidates: [commune.code], reason: "chosen by a reviewer" }
    },
    names: {
      oldUnitName: (code) => oldNames.get(code) ?? "",
      newCommuneName: (code) => newCommunes.get(code)?.name ?? ""
    }
  }
}

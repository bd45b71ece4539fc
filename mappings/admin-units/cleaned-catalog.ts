/**
 * Loading the catalog from the cleaned tables (the layout of shared/data/admin-units):
 * ward_mapping_old_to_new_nso.csv (required) plus the old/new registries. Names are passed
 * through cleanText so that every source yields the same spellings.
 */
import { join } from "node:path"
import { access } from "node:fs/promises"
import { cleanText } from "../../text/vietnamese.ts"
import {
  asNewCommuneCode,
  asNewProvinceCode,
  asOldCommuneCode,
  asOldDistrictCode,
  asOldProvinceCode,
  normalizeUnitCode
} from "./codes.ts"
import type {
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
import type { DefectLog } from "./catalog-defects.ts"
import { classifyNote } from "./official-crosswalk.ts"
import { readCsvRecords, requireColumns, UnitTableError } from "./unit-tables.ts"

export const CLEANED_FILES = {
  mapping: "ward_mapping_old_to_new_nso.csv",
  newWards: "new_wards_2025-07-01.csv",
  newProvinces: "new_provinces_2025-07-01.csv",
  oldWards: "old_wards_2025-06-30.csv",
  oldDistricts: "old_districts_2025-06-30.csv",
  provinceMapping: "province_mapping_old_to_new.csv"
} as const

const exists = async (p: string): Promise<boolean> =>
  access(p).then(
    () => true,
    () => false
  )

const RELATIONS: ReadonlySet<string> = new Set(["whole", "partial", "unchanged", "renamed_or_retyped"])

const sortByCode = <T extends { code: string }>(list: T[]): T[] => list.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))

/** Loads a directory in the cleaned layout. */
export async function loadCleanedCatalog(dir: string, log: DefectLog): Promise<UnitCatalog> {
  const path = (f: string): string => join(dir, f)
  const optional = async (file: string, purpose: string): Promise<Record<string, string>[] | undefined> => {
    if (await exists(path(file))) return readCsvRecords(path(file))
    log.add({ code: "missing_table", severity: "warning", message: `${file} is not in ${dir}`, action: purpose, rows: [] })
    return undefined
  }
  if (!(await exists(path(CLEANED_FILES.mapping)))) {
    throw new UnitTableError({ code: "unit_table_unreadable", message: `${dir} has no ${CLEANED_FILES.mapping}: not a unit catalog directory` })
  }
  const mapping = await readCsvRecords(path(CLEANED_FILES.mapping))
  requireColumns(path(CLEANED_FILES.mapping), mapping, [
    "old_province_code",
    "old_district_code",
    "old_ward_code",
    "old_ward_name",
    "new_province_code",
    "new_ward_code",
    "new_ward_name"
  ])
  const newWards = await optional(CLEANED_FILES.newWards, "new commune names taken from the mapping table")
  const newProvincesTable = await optional(CLEANED_FILES.newProvinces, "new province names taken from the mapping table")
  const oldWards = await optional(CLEANED_FILES.oldWards, "old communes taken from the mapping table")
  const oldDistrictsTable = await optional(CLEANED_FILES.oldDistricts, "old districts taken from the mapping table")
  const provinceMapping = await optional(CLEANED_FILES.provinceMapping, "old -> new province taken from the mapping table")

  const oldProvinces = new Map<string, OldProvince>()
  const oldDistricts = new Map<string, OldDistrict>()
  const oldCommunes = new Map<string, { c: OldCommune; aliases: Set<string> }>()
  const newProvinces = new Map<string, NewProvince>()
  const newCommunes = new Map<string, { c: NewCommune; aliases: Set<string> }>()
  const edges: CrosswalkEdge[] = []
  const districtEdges: DistrictEdge[] = []
  const unitlessEdges: UnitlessAreaEdge[] = []

  const bad = (file: string, row: number, what: string): void =>
    log.add({ code: "unreadable_row", severity: "error", message: `${file} row ${row}: ${what}`, action: "row skipped", rows: [row] })

  for (const [i, r] of (provinceMapping ?? []).entries()) {
    const code = normalizeUnitCode(r.old_province_code, "province")
    const target = normalizeUnitCode(r.new_province_code, "province")
    if (code === undefined || target === undefined) bad(CLEANED_FILES.provinceMapping, i + 1, "bad province code")
    else oldProvinces.set(code, { code: asOldProvinceCode(code), name: cleanText(r.old_province_name ?? ""), newProvinceCode: asNewProvinceCode(target) })
  }
  for (const [i, r] of (newProvincesTable ?? []).entries()) {
    const code = normalizeUnitCode(r.new_province_code, "province")
    if (code === undefined) bad(CLEANED_FILES.newProvinces, i + 1, "bad province code")
    else newProvinces.set(code, { code: asNewProvinceCode(code), name: cleanText(r.new_province_name ?? "") })
  }
  for (const [i, r] of (oldDistrictsTable ?? []).entries()) {
    const code = normalizeUnitCode(r.old_district_code, "district")
    const province = normalizeUnitCode(r.old_province_code, "province")
    if (code === undefined || province === undefined) bad(CLEANED_FILES.oldDistricts, i + 1, "bad district/province code")
    else oldDistricts.set(code, { code: asOldDistrictCode(code), name: cleanText(r.old_district_name ?? ""), provinceCode: asOldProvinceCode(province) })
  }
  for (const [i, r] of (oldWards ?? []).entries()) {
    const code = normalizeUnitCode(r.old_ward_code, "commune")
    const district = normalizeUnitCode(r.old_district_code, "district")
    const province = normalizeUnitCode(r.old_province_code, "province")
    if (code === undefined || district === undefined || province === undefined) {
      bad(CLEANED_FILES.oldWards, i + 1, "bad commune/district/province code")
      continue
    }
    oldCommunes.set(code, {
      c: { code: asOldCommuneCode(code), name: cleanText(r.old_ward_name ?? ""), districtCode: asOldDistrictCode(district), provinceCode: asOldProvinceCode(province), aliases: [] },
      aliases: new Set()
    })
    if (!oldDistricts.has(district)) {
      oldDistricts.set(district, { code: asOldDistrictCode(district), name: cleanText(r.old_district_name ?? ""), provinceCode: asOldProvinceCode(province) })
    }
  }
  for (const [i, r] of (newWards ?? []).entries()) {
    const code = normalizeUnitCode(r.new_ward_code, "commune")
    const province = normalizeUnitCode(r.new_province_code, "province")
    if (code === undefined || province === undefined) {
      bad(CLEANED_FILES.newWards, i + 1, "bad commune/province code")
      continue
    }
    const name = cleanText(r.new_ward_name ?? "")
    const aliases = new Set<string>()
    for (const alt of [...(r.nso_alt_spellings ?? "").split("|"), r.name_cv1027 ?? "", r["name_thanglequoc_v3.0.2"] ?? ""]) {
      const a = cleanText(alt)
      if (a.length > 0 && a !== name) aliases.add(a)
    }
    newCommunes.set(code, { c: { code: asNewCommuneCode(code), name, provinceCode: asNewProvinceCode(province), type: cleanText(r.ward_type ?? "") || undefined, aliases: [] }, aliases })
  }

  for (const [i, r] of mapping.entries()) {
    const row = i + 1
    const oldProvince = normalizeUnitCode(r.old_province_code, "province")
    const oldDistrict = normalizeUnitCode(r.old_district_code, "district")
    const oldCommune = normalizeUnitCode(r.old_ward_code, "commune")
    const newProvince = normalizeUnitCode(r.new_province_code, "province")
    const newCommune = normalizeUnitCode(r.new_ward_code, "commune")
    if (oldProvince === undefined || oldDistrict === undefined || newProvince === undefined || newCommune === undefined) {
      bad(CLEANED_FILES.mapping, row, "bad province/district/commune code")
      continue
    }
    const oldName = cleanText(r.old_ward_name ?? "")
    const newName = cleanText(r.new_ward_name ?? "")
    if (!oldProvinces.has(oldProvince)) {
      oldProvinces.set(oldProvince, { code: asOldProvinceCode(oldProvince), name: cleanText(r.old_province_name ?? ""), newProvinceCode: asNewProvinceCode(newProvince) })
    }
    if (!oldDistricts.has(oldDistrict)) {
      oldDistricts.set(oldDistrict, { code: asOldDistrictCode(oldDistrict), name: cleanText(r.old_district_name ?? ""), provinceCode: asOldProvinceCode(oldProvince) })
    }
    if (!newProvinces.has(newProvince)) newProvinces.set(newProvince, { code: asNewProvinceCode(newProvince), name: cleanText(r.new_province_name ?? "") })
    const nc = newCommunes.get(newCommune)
    if (nc === undefined) {
      newCommunes.set(newCommune, { c: { code: asNewCommuneCode(newCommune), name: newName, provinceCode: asNewProvinceCode(newProvince), aliases: [] }, aliases: new Set() })
    } else if (newName !== nc.c.name) nc.aliases.add(newName)

    const fix = (r.fix ?? "").trim()
    if (fix.length > 0) {
      log.add({
        code: fix.startsWith("old_ward_code") ? "wrong_old_commune_code" : fix.startsWith("old parent") ? "wrong_old_province_label" : "missing_edge",
        severity: "info",
        message: `${CLEANED_FILES.mapping} row ${row} (${oldName || r.old_district_name}): corrected upstream: ${fix}`,
        action: "used as corrected",
        rows: [row]
      })
    }
    const sourceRow = Number.parseInt(r.nso_row ?? "", 10)
    if (oldCommune === undefined) {
      if (oldName.length === 0) {
        districtEdges.push({ oldDistrictCode: asOldDistrictCode(oldDistrict), newCommuneCode: asNewCommuneCode(newCommune), note: cleanText(r.note ?? ""), ...(Number.isFinite(sourceRow) ? { sourceRow } : {}) })
      } else {
        unitlessEdges.push({ oldAreaName: oldName, oldDistrictCode: asOldDistrictCode(oldDistrict), newCommuneCode: asNewCommuneCode(newCommune), ...(Number.isFinite(sourceRow) ? { sourceRow } : {}) })
      }
      continue
    }
    const oc = oldCommunes.get(oldCommune)
    if (oc === undefined) {
      if (oldWards !== undefined) {
        log.add({
          code: "crosswalk_commune_missing_from_registry",
          severity: "warning",
          message: `Old commune ${oldName} (${oldCommune}) is in the mapping but not in ${CLEANED_FILES.oldWards}`,
          action: "kept as in the mapping",
          rows: [row]
        })
      }
      oldCommunes.set(oldCommune, {
        c: { code: asOldCommuneCode(oldCommune), name: oldName, districtCode: asOldDistrictCode(oldDistrict), provinceCode: asOldProvinceCode(oldProvince), aliases: [] },
        aliases: new Set()
      })
    } else if (oldName !== oc.c.name) oc.aliases.add(oldName)

    let relation = r.relation as EdgeRelation
    let areaOnly = r.area_only === "true"
    if (!RELATIONS.has(relation)) {
      const cls = classifyNote(r.note ?? "")
      relation = cls.relation
      areaOnly = cls.areaOnly
    }
    edges.push({
      oldCommuneCode: asOldCommuneCode(oldCommune),
      newCommuneCode: asNewCommuneCode(newCommune),
      relation,
      areaOnly,
      note: cleanText(r.note ?? ""),
      ...(Number.isFinite(sourceRow) ? { sourceRow } : {})
    })
  }

  const withEdges = new Set(edges.map((e) => e.oldCommuneCode as string))
  for (const { c } of oldCommunes.values()) {
    if (withEdges.has(c.code)) continue
    log.add({
      code: "registry_commune_missing_from_crosswalk",
      severity: "error",
      message: `Old commune ${c.name} (${c.code}) is in ${CLEANED_FILES.oldWards} but has no mapping row`,
      action: "kept without a successor: references to it resolve as unknown with this reason",
      rows: []
    })
  }

  return {
    source: `cleaned tables in ${dir}`,
    oldProvinces: sortByCode([...oldProvinces.values()]),
    oldDistricts: sortByCode([...oldDistricts.values()]),
    oldCommunes: sortByCode([...oldCommunes.values()].map(({ c, aliases }) => ({ ...c, aliases: [...aliases] }))),
    newProvinces: sortByCode([...newProvinces.values()]),
    newCommunes: sortByCode([...newCommunes.values()].map(({ c, aliases }) => ({ ...c, aliases: [...aliases] }))),
    edges,
    districtEdges,
    unitlessEdges
  }
}

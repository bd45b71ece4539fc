/**
 * Building a UnitCatalog from the official crosswalk sheet, with the cross-row checks that catch
 * what cell cleaning cannot: old-province labels that contradict the district (Tân An labelled
 * Tiền Giang), a label naming one province with another's code (Cồn Cỏ "Quảng Trị (44)"),
 * an old commune code written for the wrong commune (Đặng Xá as 00553, which is Cổ Bi), and
 * the edge the workbook lost (Hòa Thắng -> Hồng Thái, Resolution 1671/NQ-UBTVQH15).
 *
 * Every correction is reported. Where the sheet alone cannot decide (two communes under one
 * code, no registry given), nothing is guessed: both edges stay, so the code resolves as
 * ambiguous and goes to review.
 */
import {
  asNewCommuneCode,
  asNewProvinceCode,
  asOldCommuneCode,
  asOldDistrictCode,
  asOldProvinceCode
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
import type { OfficialEdgeRow } from "./official-crosswalk.ts"
import type { OldUnitRegistryRow } from "./old-unit-registry.ts"
import { compactKey, splitUnitName } from "./unit-names.ts"

/**
 * Edges the published workbook lacks but the National Assembly Standing Committee's resolution
 * names. Applied only when both units exist under these names and the edge is absent.
 */
export const KNOWN_MISSING_EDGES: ReadonlyArray<{
  readonly oldCommuneCode: string
  readonly oldCommuneName: string
  readonly newCommuneCode: string
  readonly newCommuneName: string
  readonly relation: EdgeRelation
  readonly areaOnly: boolean
  readonly authority: string
}> = [
  {
    oldCommuneCode: "23053",
    oldCommuneName: "Xã Hòa Thắng",
    newCommuneCode: "23041",
    newCommuneName: "Xã Hồng Thái",
    relation: "partial",
    areaOnly: true,
    authority: "Nghị quyết 1671/NQ-UBTVQH15, Điều 1 khoản 46 (một phần diện tích tự nhiên của xã Hòa Thắng)"
  }
]

/** Same unit name: same base key (or same without spaces), and not two different type words. */
export function sameUnitName(a: string, b: string): boolean {
  const x = splitUnitName(a)
  const y = splitUnitName(b)
  if (x.type !== undefined && y.type !== undefined && x.type !== y.type) return false
  return x.base === y.base || compactKey(x.base) === compactKey(y.base)
}

const provinceKey = (name: string): string => splitUnitName(name).base

class Counter<K> {
  readonly map = new Map<K, number>()
  add(k: K): void {
    this.map.set(k, (this.map.get(k) ?? 0) + 1)
  }
  /** The most frequent key when it is strictly more frequent than any other. */
  majority(): K | undefined {
    let best: K | undefined
    let bestN = 0
    let tie = false
    for (const [k, n] of this.map) {
      if (n > bestN) {
        best = k
        bestN = n
        tie = false
      } else if (n === bestN) tie = true
    }
    return tie ? undefined : best
  }
  count(k: K): number {
    return this.map.get(k) ?? 0
  }
}

const counterMap = <K, V>(): { get: (k: K) => Counter<V>; entries: () => IterableIterator<[K, Counter<V>]> } => {
  const m = new Map<K, Counter<V>>()
  return {
    get: (k) => {
      let c = m.get(k)
      if (c === undefined) m.set(k, (c = new Counter<V>()))
      return c
    },
    entries: () => m.entries()
  }
}

/** Old-province labels: the name must fit the code, and the district must fit the province. */
function fixOldProvinceLabels(rows: OfficialEdgeRow[], log: DefectLog, registry: readonly OldUnitRegistryRow[] | undefined): void {
  const namesOfCode = counterMap<string, string>()
  const codesOfName = counterMap<string, string>()
  for (const r of rows) {
    namesOfCode.get(r.oldProvinceCode).add(provinceKey(r.oldProvinceName))
    codesOfName.get(provinceKey(r.oldProvinceName)).add(r.oldProvinceCode)
  }
  const displayName = new Map<string, string>()
  for (const r of rows) {
    if (!displayName.has(r.oldProvinceCode) && namesOfCode.get(r.oldProvinceCode).majority() === provinceKey(r.oldProvinceName)) {
      displayName.set(r.oldProvinceCode, r.oldProvinceName)
    }
  }
  const relabel = (r: OfficialEdgeRow, code: string, why: string): void => {
    const before = `${r.oldProvinceName} (${r.oldProvinceCode})`
    const name = displayName.get(code) ?? r.oldProvinceName
    log.add({
      code: "wrong_old_province_label",
      severity: "warning",
      message: `Row ${r.sheetRow}: old commune ${r.oldCommuneName || "(none)"} in ${r.oldDistrictName} (${r.oldDistrictCode}) is labelled old province "${before}"; ${why}`,
      action: `corrected to ${name} (${code})`,
      rows: [r.sheetRow]
    })
    r.fixes.push(`old province ${r.oldProvinceCode}->${code}`)
    r.oldProvinceCode = code
    r.oldProvinceName = name
  }

  // 1. a label whose name belongs to another code ("Quảng Trị (44)": 44 is Quảng Bình, Quảng Trị is 45)
  for (const r of rows) {
    const key = provinceKey(r.oldProvinceName)
    const codeMajorityName = namesOfCode.get(r.oldProvinceCode).majority()
    const nameMajorityCode = codesOfName.get(key).majority()
    if (codeMajorityName !== undefined && codeMajorityName !== key && nameMajorityCode !== undefined && nameMajorityCode !== r.oldProvinceCode) {
      relabel(r, nameMajorityCode, `code ${r.oldProvinceCode} is ${displayName.get(r.oldProvinceCode) ?? codeMajorityName} everywhere else, and that name carries code ${nameMajorityCode}`)
    }
  }
  // 2. a district labelled with another province than in its other rows (or than the registry says)
  const registryProvinceOfDistrict = new Map<string, string>()
  for (const u of registry ?? []) registryProvinceOfDistrict.set(u.districtCode, u.provinceCode)
  const provincesOfDistrict = counterMap<string, string>()
  for (const r of rows) provincesOfDistrict.get(r.oldDistrictCode).add(r.oldProvinceCode)
  for (const r of rows) {
    const fromRegistry = registryProvinceOfDistrict.get(r.oldDistrictCode)
    const counter = provincesOfDistrict.get(r.oldDistrictCode)
    const expected = fromRegistry ?? counter.majority()
    if (expected !== undefined && expected !== r.oldProvinceCode) {
      const why =
        fromRegistry !== undefined
          ? `the old-unit registry places district ${r.oldDistrictCode} in province ${expected}`
          : `district ${r.oldDistrictCode} is in province ${expected} in its ${counter.count(expected)} other row(s)`
      relabel(r, expected, why)
    }
  }
}

/** Old commune codes written for the wrong commune. */
function fixOldCommuneCodes(rows: OfficialEdgeRow[], log: DefectLog, registry: readonly OldUnitRegistryRow[] | undefined): void {
  const withCode = rows.filter((r) => r.oldCommuneCode !== undefined)
  const fix = (r: OfficialEdgeRow, code: string, why: string): void => {
    log.add({
      code: "wrong_old_commune_code",
      severity: "warning",
      message: `Row ${r.sheetRow}: old commune ${r.oldCommuneName} in ${r.oldDistrictName} (${r.oldDistrictCode}) has code ${r.oldCommuneCode}; ${why}`,
      action: `corrected to ${code}`,
      rows: [r.sheetRow]
    })
    r.fixes.push(`old commune code ${r.oldCommuneCode}->${code}`)
    r.oldCommuneCode = code
  }

  if (registry !== undefined) {
    const byCode = new Map(registry.map((u) => [u.code, u]))
    const byDistrict = new Map<string, OldUnitRegistryRow[]>()
    for (const u of registry) {
      const list = byDistrict.get(u.districtCode)
      if (list === undefined) byDistrict.set(u.districtCode, [u])
      else list.push(u)
    }
    for (const r of withCode) {
      const reg = byCode.get(r.oldCommuneCode!)
      if (reg !== undefined && sameUnitName(reg.name, r.oldCommuneName)) continue
      const namesakes = (byDistrict.get(r.oldDistrictCode) ?? []).filter((u) => sameUnitName(u.name, r.oldCommuneName))
      if (namesakes.length === 1 && namesakes[0]!.code !== r.oldCommuneCode) {
        fix(r, namesakes[0]!.code, `the old-unit registry has ${r.oldCommuneCode} as ${reg?.name ?? "no commune"} and ${r.oldCommuneName} as ${namesakes[0]!.code}`)
      } else if (reg !== undefined) {
        log.tally(
          "old_commune_name_variant",
          "info",
          "Old commune names spelled differently from the old-unit registry (same code)",
          "kept the code; both spellings are accepted as names",
          r.sheetRow
        )
      }
    }
    return
  }

  // No registry: a code used for two names is fixed only when the sheet itself shows the other
  // name under exactly one other code in the same district.
  const groups = new Map<string, OfficialEdgeRow[]>()
  for (const r of withCode) {
    const list = groups.get(r.oldCommuneCode!)
    if (list === undefined) groups.set(r.oldCommuneCode!, [r])
    else list.push(r)
  }
  for (const [code, group] of groups) {
    const distinct: OfficialEdgeRow[] = []
    for (const r of group) if (!distinct.some((d) => sameUnitName(d.oldCommuneName, r.oldCommuneName))) distinct.push(r)
    if (distinct.length < 2) continue
    const remaining: OfficialEdgeRow[] = []
    for (const d of distinct) {
      const otherCodes = new Set(
        withCode
          .filter((o) => o.oldCommuneCode !== code && o.oldDistrictCode === d.oldDistrictCode && sameUnitName(o.oldCommuneName, d.oldCommuneName))
          .map((o) => o.oldCommuneCode!)
      )
      if (otherCodes.size === 1) {
        const other = [...otherCodes][0]!
        for (const r of group) {
          if (sameUnitName(r.oldCommuneName, d.oldCommuneName)) fix(r, other, `${code} is ${distinct.find((x) => x !== d)!.oldCommuneName} in the other rows, and ${d.oldCommuneName} appears as ${other} in the same district`)
        }
      } else remaining.push(d)
    }
    if (remaining.length >= 2) {
      const rowsOfCode = group.filter((r) => r.oldCommuneCode === code)
      log.add({
        code: "old_commune_code_conflict",
        severity: "warning",
        message: `Old commune code ${code} is used for ${remaining.length} different communes: ${rowsOfCode.map((r) => `${r.oldCommuneName} (row ${r.sheetRow})`).join(", ")}`,
        action: "kept every edge under this code, so it resolves as ambiguous and goes to review; load the old-unit registry (old_wards_2025-06-30.csv) to correct the code",
        rows: rowsOfCode.map((r) => r.sheetRow)
      })
    }
  }
}

export interface OfficialCatalogOptions {
  readonly source: string
  readonly registry?: readonly OldUnitRegistryRow[]
}

/** Builds the catalog from cleaned sheet rows, checking and correcting across rows. */
export function buildCatalogFromOfficialRows(rows: OfficialEdgeRow[], log: DefectLog, options: OfficialCatalogOptions): UnitCatalog {
  const registry = options.registry
  fixOldProvinceLabels(rows, log, registry)
  fixOldCommuneCodes(rows, log, registry)

  // provinces
  const newProvinces = new Map<string, NewProvince>()
  const oldProvinceNames = counterMap<string, string>()
  const oldProvinceTargets = counterMap<string, string>()
  for (const r of rows) {
    if (!newProvinces.has(r.newProvinceCode)) newProvinces.set(r.newProvinceCode, { code: asNewProvinceCode(r.newProvinceCode), name: r.newProvinceName })
    oldProvinceNames.get(r.oldProvinceCode).add(r.oldProvinceName)
    oldProvinceTargets.get(r.oldProvinceCode).add(r.newProvinceCode)
  }
  const registryProvinceName = new Map<string, string>()
  for (const u of registry ?? []) registryProvinceName.set(u.provinceCode, u.provinceName)
  const oldProvinces: OldProvince[] = []
  for (const [code, targets] of oldProvinceTargets.entries()) {
    const target = targets.majority() ?? [...targets.map.keys()][0]!
    if (targets.map.size > 1) {
      log.add({
        code: "old_province_split_across_new",
        severity: "error",
        message: `Old province ${code} has communes in ${targets.map.size} new provinces (${[...targets.map.keys()].join(", ")}); every old province should go into exactly one`,
        action: `district-only references of province ${code} resolve to ${target}; check the rows`,
        rows: rows.filter((r) => r.oldProvinceCode === code && r.newProvinceCode !== target).map((r) => r.sheetRow)
      })
    }
    const names = oldProvinceNames.get(code)
    const prefixed = [...names.map.keys()].find((n) => splitUnitName(n).type !== undefined)
    oldProvinces.push({
      code: asOldProvinceCode(code),
      name: registryProvinceName.get(code) ?? prefixed ?? names.majority() ?? [...names.map.keys()][0]!,
      newProvinceCode: asNewProvinceCode(target)
    })
  }

  // districts and communes
  const oldDistricts = new Map<string, OldDistrict>()
  const oldCommuneRows = new Map<string, OfficialEdgeRow[]>()
  const newCommuneNames = new Map<string, { provinceCode: string; names: Counter<string>; rows: number[] }>()
  const edges: CrosswalkEdge[] = []
  const edgeIndex = new Map<string, number>()
  const districtEdges: DistrictEdge[] = []
  const unitlessEdges: UnitlessAreaEdge[] = []
  for (const r of rows) {
    if (!oldDistricts.has(r.oldDistrictCode)) {
      oldDistricts.set(r.oldDistrictCode, { code: asOldDistrictCode(r.oldDistrictCode), name: r.oldDistrictName, provinceCode: asOldProvinceCode(r.oldProvinceCode) })
    }
    let nc = newCommuneNames.get(r.newCommuneCode)
    if (nc === undefined) newCommuneNames.set(r.newCommuneCode, (nc = { provinceCode: r.newProvinceCode, names: new Counter(), rows: [] }))
    nc.names.add(r.newCommuneName)
    nc.rows.push(r.sheetRow)

    if (r.oldCommuneCode === undefined) {
      if (r.oldCommuneName.length === 0) {
        districtEdges.push({ oldDistrictCode: asOldDistrictCode(r.oldDistrictCode), newCommuneCode: asNewCommuneCode(r.newCommuneCode), note: r.note, sourceRow: r.sheetRow })
        log.add({
          code: "island_district_row",
          severity: "info",
          message: `Row ${r.sheetRow}: ${r.oldDistrictName} (${r.oldDistrictCode}) has no communes, so the row has no old commune code`,
          action: `references to district ${r.oldDistrictCode} resolve by district to ${r.newCommuneName} (${r.newCommuneCode})`,
          rows: [r.sheetRow]
        })
      } else {
        unitlessEdges.push({ oldAreaName: r.oldCommuneName, oldDistrictCode: asOldDistrictCode(r.oldDistrictCode), newCommuneCode: asNewCommuneCode(r.newCommuneCode), sourceRow: r.sheetRow })
        log.add({
          code: "unitless_area_row",
          severity: "warning",
          message: `Row ${r.sheetRow}: "${r.oldCommuneName}" in ${r.oldDistrictName} (${r.oldDistrictCode}) is not an administrative unit and has no code`,
          action: `kept as an area note of ${r.newCommuneName} (${r.newCommuneCode}); not a resolution target, references to district ${r.oldDistrictCode} are unaffected`,
          rows: [r.sheetRow]
        })
      }
      continue
    }
    const code = r.oldCommuneCode
    const list = oldCommuneRows.get(code)
    if (list === undefined) oldCommuneRows.set(code, [r])
    else list.push(r)
    const key = `${code}>${r.newCommuneCode}`
    const existing = edgeIndex.get(key)
    if (existing !== undefined) {
      const e = edges[existing]!
      edges[existing] = { ...e, areaOnly: e.areaOnly && r.areaOnly }
      log.add({
        code: "duplicate_edge",
        severity: "warning",
        message: `Row ${r.sheetRow} repeats the edge ${code} -> ${r.newCommuneCode} (first at row ${e.sourceRow ?? "?"})`,
        action: "merged into one edge (population if either row carries population)",
        rows: [r.sheetRow]
      })
      continue
    }
    edgeIndex.set(key, edges.length)
    edges.push({
      oldCommuneCode: asOldCommuneCode(code),
      newCommuneCode: asNewCommuneCode(r.newCommuneCode),
      relation: r.relation,
      areaOnly: r.areaOnly,
      note: r.note,
      sourceRow: r.sheetRow
    })
  }

  const newCommunes: NewCommune[] = []
  for (const [code, nc] of newCommuneNames) {
    const name = nc.names.majority() ?? [...nc.names.map.keys()][0]!
    const aliases = [...nc.names.map.keys()].filter((n) => n !== name)
    if (aliases.some((a) => !sameUnitName(a, name))) {
      log.add({
        code: "new_commune_name_conflict",
        severity: "warning",
        message: `New commune ${code} is named ${[...nc.names.map.keys()].map((n) => `"${n}"`).join(" and ")} in different rows`,
        action: `named "${name}"; the other spelling is kept as an alias`,
        rows: nc.rows
      })
    }
    newCommunes.push({ code: asNewCommuneCode(code), name, provinceCode: asNewProvinceCode(nc.provinceCode), type: splitUnitName(name).word?.accented.replace(/^./, (c) => c.toUpperCase()), aliases })
  }

  const registryByCode = new Map((registry ?? []).map((u) => [u.code, u]))
  const oldCommunes: OldCommune[] = []
  for (const [code, list] of oldCommuneRows) {
    const first = list[0]!
    const reg = registryByCode.get(code)
    const names = new Counter<string>()
    for (const r of list) names.add(r.oldCommuneName)
    const name = reg?.name ?? names.majority() ?? first.oldCommuneName
    const aliases = [...new Set(list.map((r) => r.oldCommuneName))].filter((n) => n !== name)
    oldCommunes.push({ code: asOldCommuneCode(code), name, districtCode: asOldDistrictCode(first.oldDistrictCode), provinceCode: asOldProvinceCode(first.oldProvinceCode), aliases })
  }

  // registry cross-check
  if (registry !== undefined) {
    const inCrosswalk = new Set(oldCommuneRows.keys())
    for (const u of registry) {
      if (inCrosswalk.has(u.code)) continue
      log.add({
        code: "registry_commune_missing_from_crosswalk",
        severity: "error",
        message: `Old commune ${u.name} (${u.code}) of ${u.districtName} (${u.districtCode}) is in the old-unit registry but has no crosswalk row`,
        action: "added to the catalog without a successor: references to it resolve as unknown with this reason",
        rows: []
      })
      if (!oldDistricts.has(u.districtCode)) oldDistricts.set(u.districtCode, { code: asOldDistrictCode(u.districtCode), name: u.districtName, provinceCode: asOldProvinceCode(u.provinceCode) })
      oldCommunes.push({ code: asOldCommuneCode(u.code), name: u.name, districtCode: asOldDistrictCode(u.districtCode), provinceCode: asOldProvinceCode(u.provinceCode), aliases: [] })
    }
    for (const code of oldCommuneRows.keys()) {
      if (registryByCode.has(code)) continue
      const r = oldCommuneRows.get(code)![0]!
      log.add({
        code: "crosswalk_commune_missing_from_registry",
        severity: "warning",
        message: `Old commune ${r.oldCommuneName} (${code}) in the crosswalk is not in the old-unit registry`,
        action: "kept as in the crosswalk",
        rows: oldCommuneRows.get(code)!.map((x) => x.sheetRow)
      })
    }
  }

  // edges the workbook lacks (known errata)
  const oldByCode = new Map(oldCommunes.map((c) => [c.code as string, c]))
  const newByCode = new Map(newCommunes.map((c) => [c.code as string, c]))
  for (const e of KNOWN_MISSING_EDGES) {
    const o = oldByCode.get(e.oldCommuneCode)
    const n = newByCode.get(e.newCommuneCode)
    if (o === undefined || n === undefined || !sameUnitName(o.name, e.oldCommuneName) || !sameUnitName(n.name, e.newCommuneName)) continue
    if (edgeIndex.has(`${e.oldCommuneCode}>${e.newCommuneCode}`)) continue
    edges.push({
      oldCommuneCode: asOldCommuneCode(e.oldCommuneCode),
      newCommuneCode: asNewCommuneCode(e.newCommuneCode),
      relation: e.relation,
      areaOnly: e.areaOnly,
      note: `Nhập một phần diện tích (added from ${e.authority})`
    })
    log.add({
      code: "missing_edge",
      severity: "warning",
      message: `The edge ${o.name} (${e.oldCommuneCode}) -> ${n.name} (${e.newCommuneCode}) is missing from the workbook; ${e.authority}`,
      action: `added as a ${e.areaOnly ? "area-only " : ""}${e.relation} edge`,
      rows: []
    })
  }

  const byCode = <T extends { code: string }>(a: T, b: T): number => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0)
  return {
    source: options.source,
    oldProvinces: oldProvinces.sort(byCode),
    oldDistricts: [...oldDistricts.values()].sort(byCode),
    oldCommunes: oldCommunes.sort(byCode),
    newProvinces: [...newProvinces.values()].sort(byCode),
    newCommunes: newCommunes.sort(byCode),
    edges,
    districtEdges,
    unitlessEdges
  }
}

/**
 * Agencies (cơ quan, đơn vị) of the old systems and their successors after 1 July 2025.
 *
 * The district level is gone: a district People's Committee (UBND huyện) and its offices no
 * longer exist. Their work goes either down to the new commune(s) that took the district's
 * communes, or up to a province department (sở), depending on the procedure field. Commune
 * People's Committees go to the new commune their commune went to. Province-level agencies go to
 * the same department of the new province.
 *
 * The successor of each kind of agency is a user-editable rule table; `DEFAULT_AGENCY_RULES`
 * holds sensible defaults. Agencies that no rule and no catalog answer can place are returned
 * as orphans, never assigned by guess.
 */
import * as Data from "effect/Data"
import { foldKey } from "../text/vietnamese.ts"
import type { NewCommuneCode, NewProvinceCode } from "./admin-units/codes.ts"
import { indexCatalog, type UnitCatalog } from "./admin-units/catalog.ts"
import { createUnitResolver, type UnitResolver } from "./admin-units/unit-resolver.ts"

export type AgencyLevel = "province" | "district" | "commune"

/** An agency as the old system knows it. */
export interface SourceAgency {
  /** Id in the old system. */
  readonly sourceId: string
  /** Mã định danh điện tử of the agency (QĐ 20/2020/QĐ-TTg style code), carried to the target. */
  readonly code: string
  readonly name: string
  readonly level: AgencyLevel
  readonly oldProvinceCode: string
  readonly oldDistrictCode?: string
  readonly oldCommuneCode?: string
  /** Procedure field (lĩnh vực TTHC) when the agency is a specialised office: "ho_tich", "dat_dai", … */
  readonly field?: string
}

/** Where an agency's work goes. */
export type AgencyTarget =
  /** The new commune(s) that took the old unit's communes (UBND xã mới). */
  | { readonly kind: "new_commune" }
  /** A department of the new province (Sở …), by its short key ("so_tu_phap"). */
  | { readonly kind: "province_department"; readonly department: string }
  /** The same agency of the new province (province-level agencies). */
  | { readonly kind: "same_province_agency" }

/**
 * One rule: agencies of `level` (and `field`, when given; `namePattern`, when given) go to
 * `target`. The first matching rule wins; put specific rules first.
 */
export interface AgencySuccessorRule {
  readonly level: AgencyLevel
  readonly field?: string
  /** Case- and accent-insensitive regular expression on the agency name. */
  readonly namePattern?: string
  readonly target: AgencyTarget
  readonly note?: string
}

/**
 * Defaults: district offices whose procedures moved to the province (land registration, business
 * registration, construction permits above commune level) go to the department; everything
 * else a district did (civil status, social protection, certification, the UBND huyện itself)
 * goes to the new communes.
 */
export const DEFAULT_AGENCY_RULES: readonly AgencySuccessorRule[] = [
  { level: "district", field: "dat_dai", target: { kind: "province_department", department: "so_nong_nghiep_va_moi_truong" }, note: "Land: chi nhánh văn phòng đăng ký đất đai of the province" },
  { level: "district", field: "dang_ky_kinh_doanh", target: { kind: "province_department", department: "so_tai_chinh" }, note: "Household business registration moved to the province finance department" },
  { level: "district", field: "xay_dung", target: { kind: "province_department", department: "so_xay_dung" } },
  { level: "district", field: "giao_duc", target: { kind: "province_department", department: "so_giao_duc_va_dao_tao" } },
  { level: "district", field: "y_te", target: { kind: "province_department", department: "so_y_te" } },
  { level: "district", field: "ho_tich", target: { kind: "new_commune" } },
  { level: "district", field: "chung_thuc", target: { kind: "new_commune" } },
  { level: "district", field: "bao_tro_xa_hoi", target: { kind: "new_commune" } },
  { level: "district", target: { kind: "new_commune" }, note: "UBND huyện and its other offices: the new communes" },
  { level: "commune", target: { kind: "new_commune" } },
  { level: "province", target: { kind: "same_province_agency" } }
]

export interface AgencySuccessor {
  readonly agency: SourceAgency
  /** The agency identification code, carried unchanged for traceability. */
  readonly code: string
  readonly newProvinceCode: NewProvinceCode
  readonly target: AgencyTarget
  /**
   * For new_commune targets: the new communes that take the work. One commune = a single
   * successor; several = the work is split by the dossier's own unit (each dossier follows its
   * address), and the list is the review set.
   */
  readonly newCommuneCodes: readonly NewCommuneCode[]
  readonly rule: AgencySuccessorRule
}

export interface AgencyMappingResult {
  readonly successors: AgencySuccessor[]
  /** Agencies no rule or catalog answer could place, each with the reason. */
  readonly orphans: SourceAgency[]
  readonly orphanReasons: ReadonlyMap<string, string>
}

/** A rule table that cannot be used (stable code agency_rule_invalid, with the row). */
export class AgencyRuleError extends Data.TaggedError("AgencyRuleError")<{ readonly code: "agency_rule_invalid"; readonly row: number; readonly message: string }> {}

function ruleMatches(rule: AgencySuccessorRule, agency: SourceAgency): boolean {
  if (rule.level !== agency.level) return false
  if (rule.field !== undefined && rule.field !== agency.field) return false
  if (rule.namePattern !== undefined && !new RegExp(foldKey(rule.namePattern), "i").test(foldKey(agency.name))) return false
  return true
}

/**
 * Maps every old agency to its successor. `resolver` may be passed to share one resolver (and
 * its hints) with the rest of the pipeline.
 */
export function mapAgencies(
  agencies: readonly SourceAgency[],
  catalog: UnitCatalog,
  rules: readonly AgencySuccessorRule[] = DEFAULT_AGENCY_RULES,
  resolver: UnitResolver = createUnitResolver(catalog)
): AgencyMappingResult {
  const idx = indexCatalog(catalog)
  const successors: AgencySuccessor[] = []
  const orphans: SourceAgency[] = []
  const orphanReasons = new Map<string, string>()
  const orphan = (a: SourceAgency, reason: string): void => {
    orphans.push(a)
    orphanReasons.set(a.sourceId, reason)
  }
  for (const agency of agencies) {
    const rule = rules.find((r) => ruleMatches(r, agency))
    if (rule === undefined) {
      orphan(agency, `no successor rule for a ${agency.level}-level agency${agency.field !== undefined ? ` of field ${agency.field}` : ""}`)
      continue
    }
    const province = idx.oldProvince.get(agency.oldProvinceCode)
    if (province === undefined) {
      orphan(agency, `old province ${agency.oldProvinceCode} is not in the unit catalog`)
      continue
    }
    if (rule.target.kind !== "new_commune") {
      successors.push({ agency, code: agency.code, newProvinceCode: province.newProvinceCode, target: rule.target, newCommuneCodes: [], rule })
      continue
    }
    // new_commune: resolve the agency's own unit
    if (agency.level === "commune" && agency.oldCommuneCode === undefined) {
      orphan(agency, "a commune-level agency without its old commune code")
      continue
    }
    if (agency.level !== "commune" && agency.oldDistrictCode === undefined) {
      orphan(agency, `a ${agency.level}-level agency sent to new communes needs its old district code`)
      continue
    }
    const answer =
      agency.level === "commune"
        ? resolver.resolve({ provinceCode: agency.oldProvinceCode, districtCode: agency.oldDistrictCode, communeCode: agency.oldCommuneCode })
        : resolver.resolve({ provinceCode: agency.oldProvinceCode, districtCode: agency.oldDistrictCode })
    if (answer.status === "unknown" || answer.candidates.length === 0) {
      orphan(agency, answer.reason ?? "its unit does not resolve")
      continue
    }
    successors.push({
      agency,
      code: agency.code,
      newProvinceCode: answer.newProvinceCode ?? province.newProvinceCode,
      target: rule.target,
      newCommuneCodes: answer.newCommuneCode !== undefined ? [answer.newCommuneCode] : answer.candidates,
      rule
    })
  }
  return { successors, orphans, orphanReasons }
}

/**
 * Reads a rule table edited by users (CSV columns level, field, name_pattern, target_kind,
 * department, note). Unknown target kinds are rejected with the row number.
 */
export function parseAgencyRules(records: readonly Record<string, string>[]): AgencySuccessorRule[] {
  return records.map((r, i) => {
    const level = (r.level ?? "").trim() as AgencyLevel
    if (level !== "province" && level !== "district" && level !== "commune") throw new AgencyRuleError({ code: "agency_rule_invalid", row: i + 1, message: `agency rule row ${i + 1}: level must be province, district or commune` })
    const kind = (r.target_kind ?? "").trim()
    let target: AgencyTarget
    if (kind === "new_commune") target = { kind }
    else if (kind === "same_province_agency") target = { kind }
    else if (kind === "province_department" && (r.department ?? "").trim().length > 0) target = { kind, department: r.department!.trim() }
    else throw new AgencyRuleError({ code: "agency_rule_invalid", row: i + 1, message: `agency rule row ${i + 1}: target_kind must be new_commune, same_province_agency or province_department (with department)` })
    const field = (r.field ?? "").trim()
    const pattern = (r.name_pattern ?? "").trim()
    const note = (r.note ?? "").trim()
    return { level, target, ...(field ? { field } : {}), ...(pattern ? { namePattern: pattern } : {}), ...(note ? { note } : {}) }
  })
}

/**
 * Agencies (cơ quan: People's Committees of province, districts and communes, and the justice
 * offices that handle civil status) and officials' accounts, for one old province in its
 * vendor's schema. Their number follows the units, not the scale: a province has as many
 * communes and officials whatever the volume of its dossiers.
 */
import { createHash } from "node:crypto"
import type { AccountRecord, AgencyRecord } from "../mappings/canonical-records.ts"
import type { RejectCode } from "../mappings/reject-codes.ts"
import { sourceKeyOf } from "../mappings/vendor-mapping.ts"
import { cccd as decodeCccd } from "../mappings/field-decoders.ts"
import type { OfficialRole } from "../mappings/vendors/official-roles.ts"
import { vendorBRoles } from "../mappings/vendors/vendor-b.ts"
import { foldKey } from "../text/vietnamese.ts"
import { DIRT_RATES, drawRejectingDefect, invalidCccd } from "./dirt.ts"
import { drawAge, drawCccd, drawMobile, drawName, fullNameOf, WORLD_TODAY, type Sex } from "./people.ts"
import type { Random } from "./random.ts"
import type { EmittedRow, SourceSink } from "./source-sink.ts"
import { expectCode, expectText, expectUnitRef } from "./expected-values.ts"
import { dmCoQuan, nguoiDung } from "./vendor-schemas/vendor-a.ts"
import { orgUnit, sysUser } from "./vendor-schemas/vendor-b.ts"
import type { WorldSource } from "./world-units.ts"

type Level = "province" | "district" | "commune"

export interface AgencyPlan {
  readonly id: number
  readonly code: string
  readonly name: string
  readonly level: Level
  readonly provinceCode: string
  readonly districtCode?: string
  readonly communeCode?: string
  readonly field?: string
}

/** The agencies of one source, with lookups the dossiers need. */
export interface SourceAgencies {
  readonly all: readonly AgencyPlan[]
  readonly province: AgencyPlan
  /** district code -> [People's Committee, justice office] */
  readonly byDistrict: ReadonlyMap<string, readonly [AgencyPlan, AgencyPlan]>
  /** commune code -> People's Committee of the commune */
  readonly byCommune: ReadonlyMap<string, AgencyPlan>
}

const stripType = (name: string): string => name.replace(/^(Tỉnh|Thành phố|Huyện|Quận|Thị xã|Xã|Phường|Thị trấn)\s+/, "")

export const planAgencies = (source: WorldSource): SourceAgencies => {
  const p = source.province.code
  const all: AgencyPlan[] = []
  const add = (a: Omit<AgencyPlan, "id">): AgencyPlan => {
    const plan = { ...a, id: all.length + 1 }
    all.push(plan)
    return plan
  }
  const province = add({ code: `000.00.00.H${p}`, name: `Ủy ban nhân dân ${source.province.name}`, level: "province", provinceCode: p })
  add({ code: `000.00.01.H${p}`, name: `Sở Tư pháp ${source.province.name}`, level: "province", provinceCode: p, field: "Hộ tịch" })
  const byDistrict = new Map<string, readonly [AgencyPlan, AgencyPlan]>()
  const byCommune = new Map<string, AgencyPlan>()
  source.districts.forEach((d, di) => {
    const dd = String(di + 10).padStart(2, "0")
    const ubnd = add({ code: `000.00.${dd}.H${p}`, name: `Ủy ban nhân dân ${d.name}`, level: "district", provinceCode: p, districtCode: d.code })
    const justice = add({
      code: `000.01.${dd}.H${p}`,
      name: `Phòng Tư pháp ${stripType(d.name)}`,
      level: "district",
      provinceCode: p,
      districtCode: d.code,
      field: "Hộ tịch"
    })
    byDistrict.set(d.code, [ubnd, justice])
  })
  const districtIndex = new Map(source.districts.map((d, i) => [d.code, String(i + 10).padStart(2, "0")]))
  source.communes.forEach((c, ci) => {
    const dd = districtIndex.get(c.districtCode) ?? "99"
    byCommune.set(
      c.code,
      add({
        code: `${String(ci + 100).padStart(3, "0")}.${dd}.00.H${p}`,
        name: `Ủy ban nhân dân ${c.name}`,
        level: "commune",
        provinceCode: p,
        districtCode: c.districtCode,
        communeCode: c.code
      })
    )
  })
  return { all, province, byDistrict, byCommune }
}

const agencyRow = (source: WorldSource, a: AgencyPlan): EmittedRow => {
  const a_ = source.vendor === "vendor-a"
  const table = a_ ? dmCoQuan : orgUnit
  const sourceKey = sourceKeyOf(source.name, table.name, a.id)
  const level = a_ ? { province: "TINH", district: "HUYEN", commune: "XA" }[a.level] : { province: 1, district: 2, commune: 3 }[a.level]
  const record: AgencyRecord = {
    kind: "agency",
    sourceKey,
    code: a.code,
    name: expectText(a.name)!,
    level: a.level,
    unit: expectUnitRef(source.province.code, { province: a.provinceCode, district: a.districtCode, commune: a.communeCode }),
    ...(a.field !== undefined ? { field: expectText(a.field) } : {})
  }
  const unit = { provinceCode: a.provinceCode, districtCode: a.districtCode, communeCode: a.communeCode }
  return {
    table,
    row: [a.id, a.code, a.name, level, a.provinceCode, a.districtCode ?? null, a.communeCode ?? null, a.field ?? null],
    sourceKey,
    accountingUnit: a.communeCode ?? a.districtCode ?? a.provinceCode,
    record,
    unit
  }
}

const rolesFor = (random: Random, a: AgencyPlan): OfficialRole[][] => {
  switch (a.level) {
    case "commune":
      return random.chance(0.3) ? [["chuyen_vien_xa"], ["lanh_dao_xa"], ["van_thu"]] : [["chuyen_vien_xa"], ["lanh_dao_xa"]]
    case "district":
      return a.field === undefined
        ? [["lanh_dao_huyen"], ["chuyen_vien_huyen", "van_thu"]]
        : [["chuyen_vien_huyen"], ["chuyen_vien_huyen"]]
    case "province":
      return a.field === undefined ? [["lanh_dao_tinh"], ["chuyen_vien_tinh"], ["quan_tri"]] : [["chuyen_vien_tinh"], ["chuyen_vien_tinh"]]
  }
}

const BCRYPT_ALPHABET = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
const bcryptLike = (random: Random): string => {
  let s = "$2b$10$"
  for (let i = 0; i < 53; i++) s += BCRYPT_ALPHABET[random.int(BCRYPT_ALPHABET.length)]
  return s
}
const ROLE_CODE: ReadonlyMap<OfficialRole, string> = new Map(Object.entries(vendorBRoles).map(([code, role]) => [role, code]))

/** Writes the agencies and accounts of a source. Returns the agency plan for the dossiers. */
export const generateAgenciesAndAccounts = async (
  random: Random,
  source: WorldSource,
  sink: SourceSink,
  seed: number | string
): Promise<{ agencies: SourceAgencies; accounts: number }> => {
  const agencies = planAgencies(source)
  for (const a of agencies.all) await sink.emit(agencyRow(source, a))
  const usernames = new Set<string>()
  let id = 0
  const vendorA = source.vendor === "vendor-a"
  const table = vendorA ? nguoiDung : sysUser
  for (const a of agencies.all) {
    for (const roles of rolesFor(random, a)) {
      id++
      const sex: Sex = random.chance(0.5) ? "M" : "F"
      const name = drawName(random, sex)
      const fullName = fullNameOf(name)
      const initials = foldKey(`${name.middle}`).slice(0, 1) + foldKey(name.surname).slice(0, 1)
      let username = `${foldKey(name.given).replace(/[^a-z]/g, "")}${initials}`
      for (let n = 2; usernames.has(username); n++) username = `${foldKey(name.given).replace(/[^a-z]/g, "")}${initials}${n}`
      usernames.add(username)
      const birthYear = WORLD_TODAY.year - Math.max(23, Math.min(60, drawAge(random) + 20))
      const validCccd = drawCccd(random, source.province.code, sex, birthYear)
      const defect = drawRejectingDefect(random, DIRT_RATES.account.reject, new Set<RejectCode>(["INVALID_CCCD"]))
      const storedCccd = defect === "INVALID_CCCD" ? invalidCccd(random, validCccd) : random.chance(0.1) ? null : validCccd
      const email = `${username}@${source.name}.gov.vn`
      const phone = drawMobile(random)
      const active = random.chance(0.9)
      const hash = vendorA ? bcryptLike(random) : createHash("md5").update(`synthetic:${seed}:${source.name}:${id}`).digest("hex")
      const sourceKey = sourceKeyOf(source.name, table.name, id)
      const unitCodes = { province: a.provinceCode, district: a.districtCode, commune: a.communeCode }
      const record: AccountRecord | undefined =
        defect !== undefined
          ? undefined
          : {
              kind: "account",
              sourceKey,
              username,
              fullName: expectText(fullName)!,
              ...(storedCccd !== null ? { cccd: (decodeCccd(storedCccd) as { value: string }).value } : {}),
              email: expectCode(email),
              phone,
              agencySourceKey: sourceKeyOf(source.name, vendorA ? dmCoQuan.name : orgUnit.name, a.id),
              unit: expectUnitRef(source.province.code, unitCodes),
              roles,
              hashAlgorithm: vendorA ? "bcrypt" : "md5",
              active
            }
      const roleText = vendorA ? roles.join(",") : roles.map((r) => ROLE_CODE.get(r)!).join(";")
      await sink.emit({
        table,
        row: [
          id, username, fullName, storedCccd, email, phone, a.id, roleText, hash,
          ...(vendorA ? [a.provinceCode, a.districtCode ?? null, a.communeCode ?? null, active ? 1 : 0] : [active, a.provinceCode, a.districtCode ?? null, a.communeCode ?? null])
        ],
        sourceKey,
        accountingUnit: a.communeCode ?? a.districtCode ?? a.provinceCode,
        reject: defect,
        record,
        unit: { provinceCode: a.provinceCode, districtCode: a.districtCode, communeCode: a.communeCode }
      })
    }
  }
  return { agencies, accounts: id }
}

import { describe, expect, it } from "vitest"
import { builtInSyntheticCatalog } from "../../mappings/admin-units/synthetic-catalog.ts"
import { DEFAULT_AGENCY_RULES, mapAgencies, parseAgencyRules, type SourceAgency } from "../../mappings/agencies.ts"
import {
  accountIdFor,
  detectHashAlgorithm,
  mergeOfficialAccounts,
  normalizePhone,
  type SourceAccount,
  toReportRow
} from "../../mappings/official-accounts.ts"

const catalog = builtInSyntheticCatalog()

describe("agency successors", () => {
  const agencies: SourceAgency[] = [
    { sourceId: "ubnd-huyen-983", code: "000.00.98.H01", name: "UBND huyện Lam Điền", level: "district", oldProvinceCode: "98", oldDistrictCode: "983" },
    { sourceId: "tnmt-983", code: "000.01.98.H01", name: "Phòng Tài nguyên và Môi trường huyện Lam Điền", level: "district", oldProvinceCode: "98", oldDistrictCode: "983", field: "dat_dai" },
    { sourceId: "ubnd-xa-40034", code: "000.00.98.X34", name: "UBND xã Lam Điền", level: "commune", oldProvinceCode: "98", oldDistrictCode: "983", oldCommuneCode: "40034" },
    { sourceId: "ubnd-xa-40007", code: "000.00.97.X07", name: "UBND phường Hai", level: "commune", oldProvinceCode: "97", oldDistrictCode: "981", oldCommuneCode: "40007" },
    { sourceId: "stp-98", code: "000.00.98.S01", name: "Sở Tư pháp tỉnh Lam Điền", level: "province", oldProvinceCode: "98" },
    { sourceId: "dao-984", code: "000.00.98.H02", name: "UBND huyện Đảo Ngọc Trai", level: "district", oldProvinceCode: "98", oldDistrictCode: "984" },
    { sourceId: "ghost", code: "000.00.55.H01", name: "UBND huyện Không Có", level: "district", oldProvinceCode: "55", oldDistrictCode: "555" },
    { sourceId: "no-code", code: "x", name: "UBND xã ?", level: "commune", oldProvinceCode: "97" }
  ]
  const { successors, orphans, orphanReasons } = mapAgencies(agencies, catalog)
  const by = Object.fromEntries(successors.map((s) => [s.agency.sourceId, s]))

  it("sends a district People's Committee to the new communes, and land offices to the province department", () => {
    expect(by["ubnd-huyen-983"]).toMatchObject({ code: "000.00.98.H01", newProvinceCode: "97", target: { kind: "new_commune" }, newCommuneCodes: ["40031", "40040"] })
    expect(by["tnmt-983"]).toMatchObject({ target: { kind: "province_department", department: "so_nong_nghiep_va_moi_truong" }, newProvinceCode: "97", newCommuneCodes: [] })
    expect(by["stp-98"]).toMatchObject({ target: { kind: "same_province_agency" }, newProvinceCode: "97" })
    expect(by["dao-984"]).toMatchObject({ newCommuneCodes: ["41000"] })
  })

  it("a commune committee follows its commune (the population target for a land-only split; the candidates for a real split)", () => {
    expect(by["ubnd-xa-40034"]!.newCommuneCodes).toEqual(["40031"])
    expect(by["ubnd-xa-40007"]!.newCommuneCodes).toEqual(["40001", "40010"])
  })

  it("reports agencies it cannot place, with the reason", () => {
    expect(orphans.map((o) => o.sourceId)).toEqual(["ghost", "no-code"])
    expect(orphanReasons.get("ghost")).toContain("55")
  })

  it("rules are user-editable (first match wins) and invalid rules are rejected with the row", () => {
    const rules = [
      ...parseAgencyRules([{ level: "district", field: "", name_pattern: "tai nguyen", target_kind: "province_department", department: "so_tnmt_moi", note: "" }]),
      ...DEFAULT_AGENCY_RULES
    ]
    const r = mapAgencies(agencies.slice(0, 2), catalog, rules)
    expect(r.successors[1]!.target).toEqual({ kind: "province_department", department: "so_tnmt_moi" })
    expect(() => parseAgencyRules([{ level: "county", target_kind: "new_commune" }])).toThrow(/row 1/)
    expect(() => parseAgencyRules([{ level: "district", target_kind: "province_department" }])).toThrow(/department/)
  })
})

describe("officials' accounts", () => {
  const bcrypt = "$2b$10$abcdefghijklmnopqrstuuOTm7DkX5o3o9q1QqkQ2n4W7u0Kx9y8e"
  const accounts: SourceAccount[] = [
    { source: "dvc_a", sourceId: "7", username: "nguyenvana", fullName: "Nguyễn Văn A", cccd: "001090000123", email: "A@Example.vn", roles: ["chuyen_vien_huyen"], passwordHash: bcrypt, active: true, agencySourceId: "ubnd-huyen-983" },
    { source: "hotich_b", sourceId: "12", username: "anv", fullName: "Nguyen Van A", email: "a@example.vn", phone: "+84 912 345 678", roles: ["ho_tich_xa"], passwordHash: "5f4dcc3b5aa765d61d8327deb882cf99", active: true, agencySourceId: "ubnd-xa-40034" },
    { source: "hotich_b", sourceId: "30", username: "nguyenvana", fullName: "Nguyễn Văn A", cccd: "001090000999", roles: ["ho_tich_xa"], active: true, agencySourceId: "ubnd-xa-40010" },
    { source: "dvc_a", sourceId: "9", username: "tranthib", fullName: "Trần Thị B", phone: "0912000111", roles: ["lanh_dao_huyen"], passwordHash: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA", active: true, agencySourceId: "ubnd-huyen-983" },
    { source: "dvc_a", sourceId: "10", username: "le.c", fullName: "Lê C", roles: ["mystery"], active: false }
  ]
  const ctx = {
    roleMap: { chuyen_vien_huyen: "chuyen_vien", ho_tich_xa: "cong_chuc_ho_tich", lanh_dao_huyen: null },
    abolishedAgencies: new Map([["ubnd-huyen-983", "UBND huyện Lam Điền no longer exists (district level abolished)"]]),
    existingUsernames: new Set(["admin"])
  }
  const result = mergeOfficialAccounts(accounts, ctx)
  const byMember = (key: string) => result.accounts.find((a) => a.members.includes(key))!

  it("finds the same person across systems by CCCD/e-mail/phone/name+unit, but never merges different CCCDs", () => {
    const a = byMember("dvc_a:7")
    expect(a.members).toEqual(["dvc_a:7", "hotich_b:12"])
    expect(a.matchedBy).toEqual(["email"])
    expect(byMember("hotich_b:30").members).toEqual(["hotich_b:30"])
    expect(result.accounts).toHaveLength(4)
    expect(a.targetAccountId).toBe(accountIdFor("dvc_a:7"))
  })

  it("resolves username collisions by the documented rule, deterministically", () => {
    expect(byMember("dvc_a:7")).toMatchObject({ targetUsername: "nguyenvana", collisionRule: "none" })
    expect(byMember("hotich_b:30")).toMatchObject({ targetUsername: "nguyenvana.hotich_b", collisionRule: "source_suffix" })
    const again = mergeOfficialAccounts([...accounts].reverse(), ctx)
    expect(again.accounts.map((a) => [a.members.join(), a.targetUsername])).toEqual(result.accounts.map((a) => [a.members.join(), a.targetUsername]))
  })

  it("remaps roles, disables accounts of abolished units and inactive ones with the reason", () => {
    expect(byMember("dvc_a:7")).toMatchObject({ roles: ["chuyen_vien", "cong_chuc_ho_tich"], status: "active" })
    expect(byMember("dvc_a:9")).toMatchObject({ roles: [], droppedRoles: ["lanh_dao_huyen"], status: "disabled" })
    expect(byMember("dvc_a:9").disabledReason).toMatch(/abolished unit/)
    expect(byMember("dvc_a:10")).toMatchObject({ status: "disabled", disabledReason: "inactive in every source system", droppedRoles: ["mystery"] })
  })

  it("carries only hashes the target verifies; everything else must reset, and reports never hold a hash", () => {
    expect(byMember("dvc_a:7")).toMatchObject({ mustResetPassword: false, hashAlgorithm: "bcrypt", passwordHash: bcrypt })
    expect(byMember("dvc_a:9")).toMatchObject({ mustResetPassword: false, hashAlgorithm: "argon2id" })
    expect(byMember("hotich_b:30")).toMatchObject({ mustResetPassword: true, passwordResetReason: "no password hash in the source" })
    const md5Only = mergeOfficialAccounts([accounts[1]!], ctx).accounts[0]!
    expect(md5Only.mustResetPassword).toBe(true)
    expect(md5Only.passwordHash).toBeUndefined()
    expect(md5Only.passwordResetReason).toContain("md5")
    for (const a of result.accounts) {
      const row = JSON.stringify(toReportRow(a))
      expect(row).not.toContain("$2b$")
      expect(row).not.toContain("argon2")
      expect(row).not.toContain("5f4dcc3b")
    }
    const stricter = mergeOfficialAccounts([accounts[3]!], { ...ctx, verifiedHashAlgorithms: ["bcrypt"] }).accounts[0]!
    expect(stricter.mustResetPassword).toBe(true)
  })

  it("normalises identifiers", () => {
    expect(normalizePhone("+84 912 345 678")).toBe("0912345678")
    expect(normalizePhone("12345")).toBeUndefined()
    expect(detectHashAlgorithm("$2y$12$x", undefined)).toBe("bcrypt")
    expect(detectHashAlgorithm("abc", "BCRYPT")).toBe("bcrypt")
    expect(detectHashAlgorithm("plaintext", undefined)).toBe("unknown")
  })
})

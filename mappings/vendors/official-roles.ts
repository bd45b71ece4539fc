/**
 * The role names accounts carry after migration (vai trò cán bộ). Vendor A already uses these
 * names; other vendors map their own codes onto them.
 */
export const officialRoles = [
  "chuyen_vien_xa",
  "lanh_dao_xa",
  "chuyen_vien_huyen",
  "lanh_dao_huyen",
  "chuyen_vien_tinh",
  "lanh_dao_tinh",
  "van_thu",
  "quan_tri"
] as const

export type OfficialRole = (typeof officialRoles)[number]

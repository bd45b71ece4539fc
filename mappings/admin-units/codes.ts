/**
 * Administrative unit codes (mã đơn vị hành chính), old (before 1 July 2025) and new (from
 * 1 July 2025), as distinct types.
 *
 * The two code spaces overlap: 3,316 new commune codes reuse a predecessor's code, often with a
 * different meaning (00008 was Phường Liễu Giai, is now Phường Ngọc Hà), and seven province codes
 * changed meaning (15, 24, 44, 52, 80, 82, 91). A bare string cannot say which one it is, so the
 * types are branded: an `OldCommuneCode` never type-checks where a `NewCommuneCode` is expected.
 * Codes are zero-padded strings: provinces 2 digits, districts 3, communes 5.
 */

declare const unitCodeBrand: unique symbol

/** A zero-padded code string tagged with what it identifies. Erased at run time. */
type Branded<K extends string> = string & { readonly [unitCodeBrand]: K }

export type OldProvinceCode = Branded<"OldProvinceCode">
export type OldDistrictCode = Branded<"OldDistrictCode">
export type OldCommuneCode = Branded<"OldCommuneCode">
export type NewProvinceCode = Branded<"NewProvinceCode">
export type NewCommuneCode = Branded<"NewCommuneCode">

export type UnitLevel = "province" | "district" | "commune"

/** Digits per level: tỉnh 2, huyện 3, xã 5. */
export const CODE_WIDTH: Readonly<Record<UnitLevel, number>> = { province: 2, district: 3, commune: 5 }

/**
 * A unit reference that says explicitly whether its code is old or new. This is the form every
 * record should carry across the migration boundary.
 */
export type TaggedUnitCode =
  | { readonly kind: "old"; readonly level: "province"; readonly code: OldProvinceCode }
  | { readonly kind: "old"; readonly level: "district"; readonly code: OldDistrictCode }
  | { readonly kind: "old"; readonly level: "commune"; readonly code: OldCommuneCode }
  | { readonly kind: "new"; readonly level: "province"; readonly code: NewProvinceCode }
  | { readonly kind: "new"; readonly level: "commune"; readonly code: NewCommuneCode }

/**
 * Normalises a raw code as it arrives from spreadsheets and old systems: trims, strips a trailing
 * ".0" (Excel numbers), and left-pads digits to the level's width ("4" -> "00004" for a commune).
 * Returns undefined for empty input, non-digits or a code longer than the width.
 */
export function normalizeUnitCode(raw: string | number | null | undefined, level: UnitLevel): string | undefined {
  if (raw === null || raw === undefined) return undefined
  let s = typeof raw === "number" ? (Number.isInteger(raw) && raw >= 0 ? String(raw) : "") : raw.trim()
  if (s.endsWith(".0")) s = s.slice(0, -2)
  if (s.length === 0) return undefined
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return undefined
  }
  const width = CODE_WIDTH[level]
  if (s.length > width) return undefined
  return s.length === width ? s : s.padStart(width, "0")
}

export const asOldProvinceCode = (s: string): OldProvinceCode => s as OldProvinceCode
export const asOldDistrictCode = (s: string): OldDistrictCode => s as OldDistrictCode
export const asOldCommuneCode = (s: string): OldCommuneCode => s as OldCommuneCode
export const asNewProvinceCode = (s: string): NewProvinceCode => s as NewProvinceCode
export const asNewCommuneCode = (s: string): NewCommuneCode => s as NewCommuneCode

/** Tags an old commune code ("xã/phường/thị trấn" before 1 July 2025). */
export const oldCommune = (code: string): TaggedUnitCode => ({ kind: "old", level: "commune", code: asOldCommuneCode(code) })
/** Tags a new commune code (from 1 July 2025). */
export const newCommune = (code: string): TaggedUnitCode => ({ kind: "new", level: "commune", code: asNewCommuneCode(code) })

/** "old:commune:00016" — a stable text form of a tagged code for ledgers and report cells. */
export const formatTaggedUnitCode = (ref: TaggedUnitCode): string => `${ref.kind}:${ref.level}:${ref.code}`

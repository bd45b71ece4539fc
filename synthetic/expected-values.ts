/**
 * The clean value a correct mapping yields for a stored value, computed the way the mapping's
 * decoders define it (cleanText for text, trimmed codes). Used to write records/*.jsonl.
 */
import { cleanText } from "../text/vietnamese.ts"
import type { OldUnitRef } from "../mappings/canonical-records.ts"

export const expectText = (s: string | null | undefined): string | undefined => {
  if (s === null || s === undefined) return undefined
  const c = cleanText(s)
  return c === "" ? undefined : c
}

export const expectCode = (s: string | null | undefined): string | undefined => {
  if (s === null || s === undefined) return undefined
  const t = s.trim()
  return t === "" ? undefined : t
}

/** The OldUnitRef the mappings build: codes as stored, the source's province when none is stored. */
export const expectUnitRef = (
  defaultProvince: string,
  codes: { province?: string | null | undefined; district?: string | null | undefined; commune?: string | null | undefined },
  address?: string | null,
  hamlet?: string | null
): OldUnitRef => {
  const ref: { -readonly [K in keyof OldUnitRef]: OldUnitRef[K] } = { provinceCode: expectCode(codes.province) ?? defaultProvince }
  const district = expectCode(codes.district)
  const commune = expectCode(codes.commune)
  const a = expectText(address)
  const h = expectText(hamlet)
  if (district !== undefined) ref.districtCode = district
  if (commune !== undefined) ref.communeCode = commune
  if (a !== undefined) ref.address = a
  if (h !== undefined) ref.hamlet = h
  return ref
}

/** `YYYY-MM-DDTHH:mm:ss+07:00` from date and time parts. */
export const isoTimestamp = (isoDate: string, h: number, m: number, s: number): string =>
  `${isoDate}T${String(h).padStart(2, "0")}:${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}+07:00`

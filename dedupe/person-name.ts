/**
 * Vietnamese personal names (họ tên): normalised display form and the split into surname (họ),
 * middle name (tên đệm) and given name (tên), with compound surnames kept whole.
 */
import { cleanText, foldKey } from "../text/vietnamese.ts"

/**
 * Compound surnames (họ kép), accent-folded. Only taken as a surname when at least one more
 * token follows for the given name. "Tôn Nữ" is the female form of the Tôn Thất lineage.
 */
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  "ton that",
  "ton nu",
  "nguyen phuc",
  "au duong",
  "hoang phu",
  "tu ma",
  "gia cat",
  "thuong quan",
  "cong tang"
])

/** Four-token prefix used by the royal Công Tằng Tôn Nữ lineage. */
const CONG_TANG_TON_NU = "cong tang ton nu"

export interface NameParts {
  /** Display form: NFC, canonical tone marks, each word capitalised ("Nguyễn Thị Hòa"). */
  readonly full: string
  readonly surname: string
  /** All tokens between surname and given name, space-separated; "" when there are none. */
  readonly middle: string
  readonly given: string
  readonly tokens: readonly string[]
}

const tokenCache = new Map<string, string>()

/**
 * A letter typed twice in a row ("Quỳnhh", "Huỳỳnh", "AAnh"): no Vietnamese syllable repeats a
 * letter, except plain o and u ("xoong"; "Luu", Lưu typed without diacritics), so the second
 * one is a key bounce. Without this the given names Quỳnhh and Quỳnh fold to different keys and
 * block and compare as a misspelling at best.
 */
const DOUBLED_LETTER = /((?![ou])\p{L})\1+/gu

/**
 * One word of a name in display form: canonical tones, lowercase with a capital first letter,
 * a doubled letter written once (DOUBLED_LETTER).
 */
export function normaliseNameToken(raw: string): string {
  const hit = tokenCache.get(raw)
  if (hit !== undefined) return hit
  const clean = cleanText(raw).toLowerCase().replace(DOUBLED_LETTER, "$1")
  const out = clean.length === 0 ? "" : clean[0]!.toUpperCase() + clean.slice(1)
  if (tokenCache.size > 200_000) tokenCache.clear()
  tokenCache.set(raw, out)
  return out
}

/** Splits on whitespace (any kind, including NBSP and newlines), dots and commas that creep into names. */
export function nameTokens(raw: string): string[] {
  const out: string[] = []
  let start = -1
  for (let i = 0; i <= raw.length; i++) {
    const c = i < raw.length ? raw.charCodeAt(i) : 32
    const sep = c === 32 || c === 9 || c === 10 || c === 13 || c === 0xa0 || c === 44 || c === 46 || c === 0x3000
    if (sep) {
      if (start >= 0) {
        const t = normaliseNameToken(raw.slice(start, i))
        if (t.length > 0) out.push(t)
        start = -1
      }
    } else if (start < 0) start = i
  }
  return out
}

/** Parses a full name into its parts. Returns undefined for an empty name. */
export function splitVietnameseName(raw: string | undefined): NameParts | undefined {
  if (raw === undefined) return undefined
  return splitNameTokens(nameTokens(raw))
}

/** The same split for a name already cut into normalised words (see nameTokens). */
export function splitNameTokens(tokens: string[]): NameParts | undefined {
  if (tokens.length === 0) return undefined
  const full = tokens.join(" ")
  if (tokens.length === 1) return { full, surname: "", middle: "", given: tokens[0]!, tokens }
  let surnameLength = 1
  if (tokens.length >= 5 && foldKey(tokens.slice(0, 4).join(" ")) === CONG_TANG_TON_NU) surnameLength = 4
  else if (tokens.length >= 3 && COMPOUND_SURNAMES.has(foldKey(tokens[0]! + " " + tokens[1]!))) surnameLength = 2
  const surname = tokens.slice(0, surnameLength).join(" ")
  const given = tokens[tokens.length - 1]!
  const middle = tokens.slice(surnameLength, tokens.length - 1).join(" ")
  return { full, surname, middle, given, tokens }
}

/**
 * Names of administrative units: splitting the type word (Xã, Phường, Thị trấn, Huyện, Quận,
 * Thị xã, Thành phố, Tỉnh, Đặc khu) from the proper name, and the lookup keys used to compare
 * names across sources that differ in diacritics, tone-mark placement (Hoà/Hòa), case,
 * apostrophes, hyphens and spacing ("Đakrông" / "Đa Krông").
 *
 * Names are for display and lookup inside a known scope only; codes are what migrate.
 */
import { cleanText, foldKey } from "../../text/vietnamese.ts"
import type { UnitLevel } from "./codes.ts"

export interface UnitTypeWord {
  /** Folded form as it appears at the start of a name ("thi tran", "tp"). */
  readonly folded: string
  /** The lowercase written form with diacritics ("thị trấn"); equals `folded` for abbreviations. */
  readonly accented: string
  /** The levels this word can introduce ("thanh pho" is both a province and a district). */
  readonly levels: readonly UnitLevel[]
  /** Canonical type ("xa", "phuong", "thi tran", ...), so "tt" and "thi tran" compare equal. */
  readonly type: string
}

/** Type words, longest first so that "thi tran" wins over "thi". Folded, lowercase. */
export const UNIT_TYPE_WORDS: readonly UnitTypeWord[] = [
  { folded: "thanh pho", accented: "thành phố", levels: ["province", "district"], type: "thanh pho" },
  { folded: "thi tran", accented: "thị trấn", levels: ["commune"], type: "thi tran" },
  { folded: "dac khu", accented: "đặc khu", levels: ["commune", "district"], type: "dac khu" },
  { folded: "thi xa", accented: "thị xã", levels: ["district"], type: "thi xa" },
  { folded: "phuong", accented: "phường", levels: ["commune"], type: "phuong" },
  { folded: "huyen", accented: "huyện", levels: ["district"], type: "huyen" },
  { folded: "tinh", accented: "tỉnh", levels: ["province"], type: "tinh" },
  { folded: "quan", accented: "quận", levels: ["district"], type: "quan" },
  { folded: "xa", accented: "xã", levels: ["commune"], type: "xa" },
  // abbreviations seen in addresses ("TP. Hải Dương", "TX Sơn Tây", "TT. Yên Minh", "P.4", "Q.1", "H. Tứ Kỳ")
  { folded: "tp", accented: "tp", levels: ["province", "district"], type: "thanh pho" },
  { folded: "t.p", accented: "t.p", levels: ["province", "district"], type: "thanh pho" },
  { folded: "tx", accented: "tx", levels: ["district"], type: "thi xa" },
  { folded: "tt", accented: "tt", levels: ["commune"], type: "thi tran" },
  { folded: "p", accented: "p", levels: ["commune"], type: "phuong" },
  { folded: "q", accented: "q", levels: ["district"], type: "quan" },
  { folded: "h", accented: "h", levels: ["district"], type: "huyen" },
  { folded: "x", accented: "x", levels: ["commune"], type: "xa" },
  { folded: "t", accented: "t", levels: ["province"], type: "tinh" }
]

/** Abbreviations only count as a type word when followed by "." or a space/digit, never inside a word. */
const ABBREVIATIONS = new Set(["tp", "t.p", "tx", "tt", "p", "q", "h", "x", "t"])

export interface SplitName {
  /** The type word as matched, or undefined. */
  readonly word?: UnitTypeWord
  /** The type word found (canonical), or undefined. */
  readonly type: string | undefined
  readonly levels: readonly UnitLevel[]
  /** The folded proper name after the type word ("hung dao", "4"). */
  readonly base: string
}

const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39

/**
 * Splits a folded name ("xa hung dao", "p.4", "tp. hai duong") into its type word and base.
 * Expects foldKey output (lowercase, no diacritics, single spaces).
 */
export function splitFoldedName(folded: string): SplitName {
  for (const w of UNIT_TYPE_WORDS) {
    if (!folded.startsWith(w.folded)) continue
    const rest = folded.slice(w.folded.length)
    if (rest.length === 0) continue
    const c = rest.charCodeAt(0)
    const abbreviation = ABBREVIATIONS.has(w.folded)
    if (c === 0x20 || c === 0x2e /* . */ || (abbreviation && isDigit(c))) {
      let i = 0
      while (i < rest.length && (rest.charCodeAt(i) === 0x20 || rest.charCodeAt(i) === 0x2e)) i++
      const base = rest.slice(i)
      if (base.length === 0) continue
      // a one-letter abbreviation followed by a space needs a dot or digit to count ("x hung dao" is ambiguous with a name)
      if (abbreviation && w.folded.length === 1 && c === 0x20) continue
      return { word: w, type: w.type, levels: w.levels, base: baseKey(base) }
    }
  }
  return { type: undefined, levels: [], base: baseKey(folded) }
}

/**
 * Key of a proper name (no type word): hyphens and dots to spaces, apostrophes dropped, numbers
 * without leading zeros ("04" -> "4"), single spaces. Input is folded.
 */
export function baseKey(foldedBase: string): string {
  let s = foldedBase
  if (s.includes("-") || s.includes(".") || s.includes("'") || s.includes("  ")) {
    s = s.replace(/['’]/g, "").replace(/[-.]/g, " ").replace(/\s+/g, " ").trim()
  }
  if (isDigit(s.charCodeAt(0))) s = s.replace(/\b0+(\d)/g, "$1")
  return s
}

/** The key without spaces, for spacing variants ("dakrong" = "da krong"). */
export const compactKey = (key: string): string => (key.includes(" ") ? key.replaceAll(" ", "") : key)

/**
 * Splits a display name or address part ("Xã Hưng Đạo", "xa hung dao", "TP. Hải Dương") into
 * type word and base key. A type word written with diacritics must be the type word itself:
 * "Xà Phìn" and "Quán Toan" are names, not "Xã Phìn" / "Quận Toan".
 */
export function splitUnitName(text: string): SplitName {
  const folded = foldKey(text)
  const split = splitFoldedName(folded)
  const word = split.word
  if (word === undefined || word.folded === word.accented) return split
  const written = cleanText(text).toLowerCase().slice(0, word.folded.length)
  if (written === word.folded || written === word.accented) return split
  return { type: undefined, levels: [], base: baseKey(folded) }
}

/** Base key of a display name ("Xã Hưng Đạo" -> "hung dao", "Phường 04" -> "4"). */
export const nameBaseKey = (name: string): string => splitUnitName(name).base

/** Canonical type of a display name ("Thị trấn Yên Minh" -> "thi tran"), or undefined. */
export const nameType = (name: string): string | undefined => splitUnitName(name).type

/**
 * Tokens of a free-text address or a unit name, for matching names inside a scope:
 * "Thôn 3, Xã Hưng Đạo, Huyện Tứ Kỳ, Tỉnh Hải Dương" and "thon 3 xa hung dao h.tu ky - hai duong"
 * tokenise to the same folded words. Each token keeps its written (lowercase, accented) form
 * so that "Xà" (a name) is not taken for "Xã" (the type word), and a flag for whether it
 * starts a comma-separated part.
 */
import { cleanText, foldKey } from "../../text/vietnamese.ts"
import type { UnitLevel } from "./codes.ts"

export interface AddressTokens {
  /** Folded words: no diacritics, lowercase; numbers without leading zeros. */
  readonly folded: readonly string[]
  /** The same words as written (cleaned, lowercase, with diacritics). */
  readonly written: readonly string[]
  /** True where a token begins a part (after a comma, semicolon, line break or the start). */
  readonly partStart: readonly boolean[]
}

const isPartBreak = (c: number): boolean => c === 0x2c /* , */ || c === 0x3b /* ; */ || c === 0x7c /* | */ || c === 0x0a || c === 0x0d

/** Characters that separate words without ending a part. */
const isWordBreak = (c: number): boolean =>
  c === 0x20 ||
  c === 0x09 ||
  c === 0x2e /* . */ ||
  c === 0x2d /* - */ ||
  c === 0x2f /* / */ ||
  c === 0x5c /* \ */ ||
  c === 0x28 ||
  c === 0x29 ||
  c === 0x5b ||
  c === 0x5d ||
  c === 0x3a /* : */ ||
  c === 0x22 /* " */ ||
  c === 0x23 /* # */ ||
  c === 0x2013 ||
  c === 0x2014 ||
  c === 0xa0

const isApostrophe = (c: number): boolean => c === 0x27 || c === 0x2019 || c === 0x2018 || c === 0x60

const stripLeadingZeros = (w: string): string => {
  const c0 = w.charCodeAt(0)
  if (c0 !== 0x30 || w.length < 2) return w
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return w
  }
  let i = 0
  while (i < w.length - 1 && w.charCodeAt(i) === 0x30) i++
  return w.slice(i)
}

/** A type abbreviation glued to a number: p4, q1, f12, tt2 (phường 4, quận 1, …). */
const GLUED_TYPE = /^(p|q|f|x|tt|tx|tp)(\d{1,2})$/

/** Words repeat across millions of addresses (xã, thôn, hưng, …): cache their two forms. */
const wordCache = new Map<string, readonly [string, string]>()
const WORD_CACHE_LIMIT = 200_000

export function tokenizeAddress(text: string): AddressTokens {
  const folded: string[] = []
  const written: string[] = []
  const partStart: boolean[] = []
  let wordStart = -1
  let hasApostrophe = false
  let newPart = true
  const flush = (end: number): void => {
    if (wordStart < 0) return
    let word = text.slice(wordStart, end)
    wordStart = -1
    if (hasApostrophe) {
      // "Tr'hy" and "Trhy" are the same name
      word = word.replace(/['\u2019\u2018`]/g, "")
      hasApostrophe = false
      if (word.length === 0) return
    }
    let forms = wordCache.get(word)
    if (forms === undefined) {
      const w = cleanText(word).toLowerCase()
      forms = [w, stripLeadingZeros(foldKey(w))]
      if (wordCache.size >= WORD_CACHE_LIMIT) wordCache.clear()
      wordCache.set(word, forms)
    }
    const glued = GLUED_TYPE.exec(forms[1])
    if (glued !== null) {
      // "P4", "Q.1" written as one word: the type abbreviation and the number
      written.push(glued[1]!, stripLeadingZeros(glued[2]!))
      folded.push(glued[1]!, stripLeadingZeros(glued[2]!))
      partStart.push(newPart, false)
    } else {
      written.push(forms[0])
      folded.push(forms[1])
      partStart.push(newPart)
    }
    newPart = false
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (isPartBreak(c)) {
      flush(i)
      newPart = true
    } else if (isWordBreak(c) || (c >= 0x2000 && c <= 0x200a) || c === 0x3000) {
      flush(i)
    } else {
      if (wordStart < 0) wordStart = i
      if (isApostrophe(c)) hasApostrophe = true
    }
  }
  flush(text.length)
  return { folded, written, partStart }
}

/** Folded word list of a unit's proper name (type word removed by the caller). */
export const nameTokens = (name: string): string[] => tokenizeAddress(name).folded.slice()

export interface TypeWordTokens {
  readonly folded: readonly string[]
  readonly written: readonly string[]
  readonly levels: readonly UnitLevel[]
  /** Canonical type ("xa", "phuong", "thi tran", ...). */
  readonly type: string
}

/** Type words as token sequences. Abbreviations have no accented form. */
export const TYPE_WORD_TOKENS: readonly TypeWordTokens[] = [
  { folded: ["thi", "tran"], written: ["thị", "trấn"], levels: ["commune"], type: "thi tran" },
  { folded: ["thi", "xa"], written: ["thị", "xã"], levels: ["district"], type: "thi xa" },
  { folded: ["thanh", "pho"], written: ["thành", "phố"], levels: ["province", "district"], type: "thanh pho" },
  { folded: ["dac", "khu"], written: ["đặc", "khu"], levels: ["commune", "district"], type: "dac khu" },
  { folded: ["t", "p"], written: ["t", "p"], levels: ["province", "district"], type: "thanh pho" },
  { folded: ["xa"], written: ["xã"], levels: ["commune"], type: "xa" },
  { folded: ["phuong"], written: ["phường"], levels: ["commune"], type: "phuong" },
  { folded: ["huyen"], written: ["huyện"], levels: ["district"], type: "huyen" },
  { folded: ["quan"], written: ["quận"], levels: ["district"], type: "quan" },
  { folded: ["tinh"], written: ["tỉnh"], levels: ["province"], type: "tinh" },
  { folded: ["tp"], written: ["tp"], levels: ["province", "district"], type: "thanh pho" },
  { folded: ["tx"], written: ["tx"], levels: ["district"], type: "thi xa" },
  { folded: ["tt"], written: ["tt"], levels: ["commune"], type: "thi tran" },
  { folded: ["p"], written: ["p"], levels: ["commune"], type: "phuong" },
  { folded: ["f"], written: ["f"], levels: ["commune"], type: "phuong" },
  { folded: ["q"], written: ["q"], levels: ["district"], type: "quan" },
  { folded: ["h"], written: ["h"], levels: ["district"], type: "huyen" },
  { folded: ["x"], written: ["x"], levels: ["commune"], type: "xa" },
  { folded: ["t"], written: ["t"], levels: ["province"], type: "tinh" }
]

/**
 * The type word that ends right before token `end` (exclusive), if any. A word written with
 * diacritics must be the type word's own spelling ("xà" is not "xã").
 */
export function typeWordBefore(tokens: AddressTokens, end: number): TypeWordTokens | undefined {
  for (const t of TYPE_WORD_TOKENS) {
    const n = t.folded.length
    const start = end - n
    if (start < 0) continue
    let ok = true
    for (let k = 0; k < n; k++) {
      const f = tokens.folded[start + k]!
      if (f !== t.folded[k]) {
        ok = false
        break
      }
      const w = tokens.written[start + k]!
      if (w !== f && w !== t.written[k]) {
        ok = false
        break
      }
    }
    if (ok) return t
  }
  return undefined
}

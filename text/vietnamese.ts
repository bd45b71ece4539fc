/**
 * Vietnamese text normalisation: NFC, one canonical tone-mark placement, whitespace and
 * apostrophe cleanup, and accent-folded lookup keys.
 *
 * Everything here runs on millions of rows, so the hot paths are table lookups over UTF-16
 * code units, with an early exit for plain ASCII and no regular expressions.
 *
 * Tone placement ("dấu thanh"): the canonical form is the one the 2025 official unit catalog
 * mostly uses (Hòa 3,112 times vs Hoà 1,390; Thủy 571 vs Thuỷ 144; Thụy 244 vs Thuỵ 43).
 * In the open syllables oa, oe, uy the tone goes on the first vowel (Hòa, Khỏe, Thủy, Hủy);
 * with a final consonant it goes on the last vowel (Hoàng, Toàn, Huỳnh, Hoạch). Wikipedia and
 * some style guides call this placement "old style" (kiểu cũ) and Hoà/Thuỷ "new style";
 * the names differ between sources, the examples above are what this module produces.
 */

/** Tone marks in NFD, index = tone number: 0 ngang (none), 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng. */
const TONE_MARKS = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"] as const

/** The twelve vowel letters with their shape marks (breve, circumflex, horn), lowercase. */
const VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"] as const
const V_I = 5
const V_U = 9
/** Vowels that carry a shape mark: ă â ê ô ơ ư. A tone goes on the last of these in a nucleus. */
const HAS_SHAPE_MARK = [false, true, true, false, true, false, false, true, true, false, true, false]

/** All Vietnamese letters live below this code point (U+1EF9 ỹ is the last). */
const TABLE_SIZE = 0x1f00

/** code unit -> 1 + index into VOWELS, 0 when the unit is not a Vietnamese vowel letter. */
const VOWEL_OF = new Uint8Array(TABLE_SIZE)
/** code unit -> tone number (only meaningful where VOWEL_OF is non-zero). */
const TONE_OF = new Uint8Array(TABLE_SIZE)
/** code unit -> 1 when uppercase. */
const UPPER_OF = new Uint8Array(TABLE_SIZE)
/** (vowel * 6 + tone) * 2 + upper -> the precomposed NFC character. */
const COMPOSED: string[] = []

for (let v = 0; v < VOWELS.length; v++) {
  for (let t = 0; t < TONE_MARKS.length; t++) {
    for (let up = 0; up < 2; up++) {
      const base = up === 1 ? VOWELS[v]!.toUpperCase() : VOWELS[v]!
      const ch = (base + TONE_MARKS[t]!).normalize("NFC")
      if (ch.length !== 1) throw new Error(`vietnamese.ts: ${base}+tone ${t} has no precomposed form`)
      const code = ch.charCodeAt(0)
      VOWEL_OF[code] = v + 1
      TONE_OF[code] = t
      UPPER_OF[code] = up
      COMPOSED[(v * 6 + t) * 2 + up] = ch
    }
  }
}

/** 1 for code units that are letters in a Vietnamese word: ASCII letters, vowels, đ/Đ. */
const IS_LETTER = new Uint8Array(TABLE_SIZE)
for (let c = 0x41; c <= 0x5a; c++) IS_LETTER[c] = 1
for (let c = 0x61; c <= 0x7a; c++) IS_LETTER[c] = 1
for (let c = 0; c < TABLE_SIZE; c++) if (VOWEL_OF[c] !== 0) IS_LETTER[c] = 1
IS_LETTER[0x0110] = 1 // Đ
IS_LETTER[0x0111] = 1 // đ

/**
 * code unit -> its accent-folded replacement ("" for a combining mark), or undefined when the
 * unit folds to itself. Covers Latin-1 Supplement, Latin Extended-A/B, IPA, combining
 * diacritics and Latin Extended Additional (all Vietnamese precomposed letters).
 */
const FOLD: (string | undefined)[] = new Array(TABLE_SIZE)
/** Same as FOLD, lowercased; also set for letters that only change by case. */
const FOLD_LOWER: (string | undefined)[] = new Array(TABLE_SIZE)

const foldOne = (ch: string): string => {
  const d = ch.normalize("NFD")
  let out = ""
  for (let i = 0; i < d.length; i++) {
    const c = d.charCodeAt(i)
    if (c < 0x300 || c > 0x36f) out += d[i]
  }
  return out
}
const foldRanges: ReadonlyArray<readonly [number, number]> = [
  [0x80, 0x36f],
  [0x1e00, 0x1eff]
]
for (const [lo, hi] of foldRanges) {
  for (let c = lo; c <= hi; c++) {
    const ch = String.fromCharCode(c)
    const f = c >= 0x300 && c <= 0x36f ? "" : foldOne(ch)
    if (f !== ch) FOLD[c] = f
    const fl = f.toLowerCase()
    if (fl !== ch) FOLD_LOWER[c] = fl
  }
}
// other scripts below the table limit (Greek, Cyrillic, ...): only lowercase
for (let c = 0x370; c < 0x1e00; c++) {
  const ch = String.fromCharCode(c)
  const fl = ch.toLowerCase()
  if (fl !== ch) FOLD_LOWER[c] = fl
}
// NFD does not decompose the stroke letters; Ð (U+00D0, eth) is the usual stand-in for Đ in
// data that went through Windows-1258 or a Latin-1 font.
for (const [c, f] of [
  [0x0110, "D"],
  [0x0111, "d"],
  [0x00d0, "D"],
  [0x00f0, "d"]
] as const) {
  FOLD[c] = f
  FOLD_LOWER[c] = f.toLowerCase()
}

/** ASCII lowercase, as a table to avoid branches. */
const ASCII_LOWER: string[] = []
for (let c = 0; c < 0x80; c++) ASCII_LOWER[c] = String.fromCharCode(c).toLowerCase()

/** Whitespace as JavaScript's \s sees it (Unicode White_Space plus BOM). */
const isSpace = (c: number): boolean =>
  c === 0x20 ||
  (c >= 0x09 && c <= 0x0d) ||
  (c >= 0x80 &&
    (c === 0xa0 ||
      c === 0x85 ||
      c === 0x1680 ||
      (c >= 0x2000 && c <= 0x200a) ||
      c === 0x2028 ||
      c === 0x2029 ||
      c === 0x202f ||
      c === 0x205f ||
      c === 0x3000 ||
      c === 0xfeff))

/** Invisible characters that cleanText drops: soft hyphen, zero-width space/joiners, word joiner. */
const isInvisible = (c: number): boolean => c === 0xad || (c >= 0x200b && c <= 0x200d) || c === 0x2060

/** Replacement for typographic quotes and look-alikes, or undefined. */
const quoteReplacement = (c: number): string | undefined => {
  switch (c) {
    case 0x2018: // ‘
    case 0x2019: // ’
    case 0x201b: // ‛
    case 0x02bc: // ʼ modifier letter apostrophe
    case 0x02b9: // ʹ modifier letter prime
    case 0x0060: // ` grave accent used as an apostrophe
    case 0x00b4: // ´ acute accent used as an apostrophe
      return "'"
    case 0x201c: // “
    case 0x201d: // ”
    case 0x201e: // „
      return '"'
    case 0x00d0: // Ð (eth) standing in for Đ
      return "Đ"
    default:
      return undefined
  }
}

/** Per BMP code unit: 1 whitespace, 2 invisible, 3 quote or Ð to replace, 0 otherwise. */
const SPECIAL = new Uint8Array(0x10000)
for (let c = 0; c < 0x10000; c++) {
  if (isSpace(c)) SPECIAL[c] = 1
  else if (isInvisible(c)) SPECIAL[c] = 2
  else if (quoteReplacement(c) !== undefined) SPECIAL[c] = 3
}

/** Per code unit below TABLE_SIZE: 0 not a letter, 1 consonant letter, 2 vowel, 3 toned vowel. */
const LETTER_CLASS = new Uint8Array(TABLE_SIZE)
for (let c = 0; c < TABLE_SIZE; c++) {
  if (IS_LETTER[c] === 0) continue
  LETTER_CLASS[c] = VOWEL_OF[c] === 0 ? 1 : TONE_OF[c] === 0 ? 2 : 3
}

/**
 * Unicode NFC. Skips the ICU call when every character is NFC-stable on its own: below the
 * combining marks (ASCII, Latin-1, Latin Extended-A/B) or precomposed Vietnamese (U+1E00-1EFF).
 */
export function nfc(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x300 && (c < 0x1e00 || c > 0x1eff)) return s.normalize("NFC")
  }
  return s
}

const isToneMark = (c: number): boolean =>
  c === 0x300 || c === 0x301 || c === 0x303 || c === 0x309 || c === 0x323 || c === 0x340 || c === 0x341
const isShapeMark = (c: number): boolean => c === 0x302 || c === 0x306 || c === 0x31b

/**
 * NFC, also composing sequences whose marks were typed in the wrong order (tone before the
 * circumflex/breve/horn, as some input methods emit: "a\u0301\u0302" -> "ấ"). Canonical
 * ordering cannot fix those because both marks have combining class 230.
 */
function nfcVietnamese(s: string): string {
  const n = s.normalize("NFC")
  let leftover = false
  for (let i = 0; i < n.length; i++) {
    const c = n.charCodeAt(i)
    if (c >= 0x300 && c <= 0x36f) {
      leftover = true
      break
    }
  }
  if (!leftover) return n
  const d = n.normalize("NFD")
  let out = ""
  let i = 0
  while (i < d.length) {
    const c = d.charCodeAt(i)
    if (c < 0x300 || c > 0x36f) {
      out += d[i]
      i++
      continue
    }
    // a run of combining marks: shape marks first, then tone marks, then anything else
    let j = i
    while (j < d.length && d.charCodeAt(j) >= 0x300 && d.charCodeAt(j) <= 0x36f) j++
    let shapes = ""
    let tones = ""
    let others = ""
    for (let k = i; k < j; k++) {
      const m = d.charCodeAt(k)
      if (isShapeMark(m)) shapes += d[k]
      else if (isToneMark(m)) tones += d[k]
      else others += d[k]
    }
    out += shapes + tones + others
    i = j
  }
  return out.normalize("NFC")
}

/**
 * Where the tone of one syllable belongs, or -1 to leave the word alone.
 * `start`/`end` delimit a run of letters in `s` (NFC).
 */
function canonicalTonePosition(s: string, start: number, end: number): { from: number; to: number } | undefined {
  // the single vowel run of the word
  let vStart = -1
  let vEnd = -1
  let toned = -1
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i)
    const v = c < TABLE_SIZE ? VOWEL_OF[c]! : 0
    if (v !== 0) {
      if (vStart === -1) vStart = i
      else if (vEnd !== i) return undefined // a second vowel run: not one Vietnamese syllable
      vEnd = i + 1
      if (TONE_OF[c] !== 0) {
        if (toned !== -1) return undefined // two tone marks: leave as is
        toned = i
      }
    }
  }
  if (toned === -1) return undefined

  // "qu" and "gi" onsets: the u / i belongs to the consonant when more vowels follow
  let nStart = vStart
  if (vEnd - vStart > 1) {
    const prev = s.charCodeAt(vStart - 1) | 0x20
    const first = VOWEL_OF[s.charCodeAt(vStart)]! - 1
    if (vStart > start && prev === 0x71 /* q */ && first === V_U) nStart++
    else if (vStart === start + 1 && prev === 0x67 /* g */ && first === V_I) nStart++
  }
  const n = vEnd - nStart
  if (n > 3) return undefined
  const closed = vEnd < end

  let target = -1
  for (let i = vEnd - 1; i >= nStart; i--) {
    if (HAS_SHAPE_MARK[VOWEL_OF[s.charCodeAt(i)]! - 1]) {
      target = i
      break
    }
  }
  if (target === -1) {
    if (closed) target = vEnd - 1
    else if (n === 3) target = nStart + 1
    else target = nStart
  }
  return target === toned ? undefined : { from: toned, to: target }
}

/**
 * Puts every syllable's tone mark in the canonical place (Hoà -> Hòa, Thuỵ -> Thụy,
 * Qúy -> Quý, Hòang -> Hoàng, Ngòai -> Ngoài), for NFC or NFD input, any case. Words that are
 * not a single Vietnamese syllable (two vowel runs, two tone marks, over three nucleus vowels)
 * are left as they are. Returns NFC.
 */
export function canonicalToneMarks(s: string): string {
  let ascii = true
  let stable = true
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80) {
      ascii = false
      if (c >= 0x300 && (c < 0x1e00 || c > 0x1eff)) {
        stable = false
        break
      }
    }
  }
  if (ascii) return s
  // Latin below the combining block and Latin Extended Additional (all precomposed Vietnamese
  // letters) are NFC-stable on their own: skip the ICU call for them
  const n = stable ? s : nfcVietnamese(s)
  let out = ""
  let copied = 0
  let i = 0
  const len = n.length
  while (i < len) {
    const c = n.charCodeAt(i)
    if (c >= TABLE_SIZE || LETTER_CLASS[c] === 0) {
      i++
      continue
    }
    const wStart = i
    let vowels = 0
    let toned = 0
    while (i < len) {
      const d = n.charCodeAt(i)
      const k = d < TABLE_SIZE ? LETTER_CLASS[d]! : 0
      if (k === 0) break
      if (k >= 2) {
        vowels++
        if (k === 3) toned++
      }
      i++
    }
    // one toned vowel alone cannot move; two tones are left as they are
    if (toned !== 1 || vowels < 2) continue
    const move = canonicalTonePosition(n, wStart, i)
    if (move === undefined) continue
    const fromCode = n.charCodeAt(move.from)
    const toCode = n.charCodeAt(move.to)
    const tone = TONE_OF[fromCode]!
    const bare = COMPOSED[((VOWEL_OF[fromCode]! - 1) * 6) * 2 + UPPER_OF[fromCode]!]!
    const marked = COMPOSED[((VOWEL_OF[toCode]! - 1) * 6 + tone) * 2 + UPPER_OF[toCode]!]!
    const lo = Math.min(move.from, move.to)
    const hi = Math.max(move.from, move.to)
    out +=
      n.slice(copied, lo) +
      (lo === move.from ? bare : marked) +
      n.slice(lo + 1, hi) +
      (hi === move.from ? bare : marked)
    copied = hi + 1
  }
  return copied === 0 ? n : out + n.slice(copied)
}

/**
 * Whitespace/quote pass of cleanText: typographic apostrophes and quotes to ASCII, Ð to Đ,
 * invisible characters dropped, whitespace runs to one space, trimmed. Returns `s` itself when
 * nothing changes.
 */
function collapseSpacesAndQuotes(s: string): string {
  if (isSpaceAndQuoteClean(s)) return s
  let out = ""
  let pendingSpace = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (isSpace(c)) {
      pendingSpace = true
      continue
    }
    if (c >= 0x60 && (c === 0x60 || c >= 0x80)) {
      if (isInvisible(c)) continue
      const q = quoteReplacement(c)
      if (q !== undefined) {
        if (pendingSpace && out.length > 0) out += " "
        pendingSpace = false
        out += q
        continue
      }
    }
    if (pendingSpace && out.length > 0) out += " "
    pendingSpace = false
    out += s[i]
  }
  return out
}

/** True when collapseSpacesAndQuotes has nothing to do (the common case). */
function isSpaceAndQuoteClean(s: string): boolean {
  const len = s.length
  if (len === 0) return true
  if (s.charCodeAt(0) === 0x20 || s.charCodeAt(len - 1) === 0x20) return false
  let prevSpace = false
  for (let i = 0; i < len; i++) {
    const c = s.charCodeAt(i)
    if (c === 0x20) {
      if (prevSpace) return false
      prevSpace = true
      continue
    }
    prevSpace = false
    if (SPECIAL[c] !== 0) return false
  }
  return true
}

/**
 * The cleaned display form of a name or label: whitespace collapsed to single spaces (also
 * newlines, tabs, NBSP), trimmed, invisible characters dropped, typographic apostrophes and
 * quotes (’ ‘ ʼ “ ”) made ASCII, Ð made Đ, NFC, canonical tone marks.
 */
export function cleanText(s: string): string {
  return canonicalToneMarks(collapseSpacesAndQuotes(s))
}

/**
 * Removes all diacritics (tones and shape marks): "Đồng Hới" -> "Dong Hoi". Works on NFC and
 * NFD input; đ/Đ (and Ð) fold to d/D. Characters outside Latin are kept.
 */
export function foldAccents(s: string): string {
  let out = ""
  let copied = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80 || c >= TABLE_SIZE) continue
    const f = FOLD[c]
    if (f === undefined) continue
    out += s.slice(copied, i) + f
    copied = i + 1
  }
  return copied === 0 ? s : out + s.slice(copied)
}

/**
 * The key for accent-insensitive lookups: cleanText, then accents folded, lowercased,
 * whitespace collapsed. "Xã  Hưng Đạo" and "xa hung dao" have the same key; so do Hoà and Hòa.
 */
export function foldKey(s: string): string {
  let out = ""
  let pendingSpace = false
  let needsLowerCase = false
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    const kind = c < TABLE_SIZE ? KEY_KIND[c]! : highKind(c)
    if (kind === KEY_SINGLE || kind === KEY_MULTI) {
      if (pendingSpace) {
        if (out.length > 0) out += " "
        pendingSpace = false
      }
      out += KEY_STR[c]!
    } else if (kind === KEY_SPACE) pendingSpace = true
    else if (kind === KEY_OTHER) {
      if (pendingSpace) {
        if (out.length > 0) out += " "
        pendingSpace = false
      }
      needsLowerCase = true // a character above the tables: lowercased at the end
      out += s[i]
    }
    // KEY_DROP: combining marks (NFD input) and invisible characters
  }
  return needsLowerCase ? out.toLowerCase() : out
}

const KEY_SINGLE = 0
const KEY_SPACE = 1
const KEY_DROP = 2
const KEY_MULTI = 3
const KEY_OTHER = 4
/** Per code unit below TABLE_SIZE: how foldKey treats it. */
const KEY_KIND = new Uint8Array(TABLE_SIZE)
/** Per code unit below TABLE_SIZE: the folded, lowercased code unit (KEY_SINGLE). */
const KEY_CODE = new Uint16Array(TABLE_SIZE)
/** Per code unit below TABLE_SIZE: the folded, lowercased replacement when longer than one unit. */
const KEY_PIECE: (string | undefined)[] = []
for (let c = 0; c < TABLE_SIZE; c++) {
  if (SPECIAL[c] === 1) {
    KEY_KIND[c] = KEY_SPACE
    continue
  }
  if (SPECIAL[c] === 2 || (c >= 0x300 && c <= 0x36f)) {
    KEY_KIND[c] = KEY_DROP
    continue
  }
  const q = quoteReplacement(c)
  const ch = String.fromCharCode(c)
  const piece =
    q !== undefined && q !== "Đ" ? q : c < 0x80 ? ASCII_LOWER[c]! : (FOLD_LOWER[c] ?? ch)
  if (piece.length === 1) {
    KEY_KIND[c] = KEY_SINGLE
    KEY_CODE[c] = piece.charCodeAt(0)
  } else if (piece.length === 0) KEY_KIND[c] = KEY_DROP
  else {
    KEY_KIND[c] = KEY_MULTI
    KEY_PIECE[c] = piece
  }
}
/** Per code unit: its foldKey replacement ("" for dropped units); above TABLE_SIZE only quotes. */
const KEY_STR: string[] = new Array(TABLE_SIZE)
for (let c = 0; c < TABLE_SIZE; c++) {
  const kind = KEY_KIND[c]
  KEY_STR[c] = kind === KEY_SINGLE ? String.fromCharCode(KEY_CODE[c]!) : kind === KEY_MULTI ? KEY_PIECE[c]! : ""
}
for (let c = TABLE_SIZE; c < 0x10000; c++) if (SPECIAL[c] === 3) KEY_STR[c] = quoteReplacement(c)!

/** foldKey's treatment of a code unit above TABLE_SIZE (quotes, spaces, invisibles, other scripts). */
function highKind(c: number): number {
  switch (SPECIAL[c]) {
    case 1:
      return KEY_SPACE
    case 2:
      return KEY_DROP
    case 3:
      return KEY_MULTI
    default:
      return KEY_OTHER
  }
}

/** True when the text has any Vietnamese (or other Latin) diacritic, including đ/Đ. */
export function hasDiacritics(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c >= 0x80 && c < TABLE_SIZE && FOLD[c] !== undefined) return true
  }
  return false
}

/** Base vowel letters as used by vowelParts/composeVowel (lowercase, with shape marks). */
export type VowelBase = (typeof VOWELS)[number]
/** Tone number: 0 ngang (none), 1 huyền, 2 sắc, 3 hỏi, 4 ngã, 5 nặng. */
export type Tone = 0 | 1 | 2 | 3 | 4 | 5

/** Splits one precomposed Vietnamese vowel letter ("Ễ") into base "ê", tone 4, upper. */
export function vowelParts(ch: string): { base: VowelBase; tone: Tone; upper: boolean } | undefined {
  const c = ch.length === 1 ? ch.charCodeAt(0) : -1
  if (c < 0 || c >= TABLE_SIZE || VOWEL_OF[c] === 0) return undefined
  return { base: VOWELS[VOWEL_OF[c]! - 1]!, tone: TONE_OF[c]! as Tone, upper: UPPER_OF[c] === 1 }
}

/** The precomposed letter for a base vowel, a tone and a case: ("ê", 4, true) -> "Ễ". */
export function composeVowel(base: VowelBase, tone: Tone, upper: boolean): string {
  return COMPOSED[(VOWELS.indexOf(base) * 6 + tone) * 2 + (upper ? 1 : 0)]!
}

const ONSETS = new Set([
  "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh", "nh", "p", "ph",
  "qu", "r", "s", "t", "th", "tr", "v", "x"
])
// "k" is not standard, but Đắk / Lắk are in dozens of official unit names
const CODAS = new Set(["", "c", "ch", "k", "m", "n", "ng", "nh", "p", "t"])
const NUCLEI = new Set([
  "a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y",
  "ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iê", "iu", "oa", "oă", "oe", "oi", "oo", "ôi", "ơi",
  "ua", "uâ", "uê", "ui", "uô", "uơ", "uy", "ưa", "ưi", "ươ", "ưu", "yê",
  "iêu", "oai", "oay", "oeo", "uây", "uôi", "ươi", "ươu", "uya", "uyê", "uyu", "yêu"
])

/**
 * True when `word` (letters only, any case, NFC or NFD) spells one standard Vietnamese
 * syllable: a known onset, vowel nucleus and final consonant, at most one tone, and only
 * sắc/nặng before a stop (c, ch, p, t). Used to judge which decoding of legacy text reads as
 * Vietnamese; minority-language names (Krông, H'Leo) are not standard syllables.
 */
export function isVietnameseSyllable(word: string): boolean {
  const w = nfc(word).toLowerCase()
  let onset = ""
  let nucleus = ""
  let coda = ""
  let tone = 0
  let tonedAt = -1 // index of the toned vowel within the nucleus
  let part = 0 // 0 onset, 1 nucleus, 2 coda
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    const v = c < TABLE_SIZE ? VOWEL_OF[c]! : 0
    if (v !== 0) {
      if (part === 2) return false
      part = 1
      nucleus += VOWELS[v - 1]
      if (TONE_OF[c] !== 0) {
        if (tone !== 0) return false
        tone = TONE_OF[c]!
        tonedAt = nucleus.length - 1
      }
    } else {
      if (c >= TABLE_SIZE || IS_LETTER[c] === 0) return false
      if (part === 0) onset += w[i]
      else {
        part = 2
        coda += w[i]
      }
    }
  }
  if (nucleus.length > 1 && ((onset === "g" && nucleus[0] === "i") || (onset === "q" && nucleus[0] === "u"))) {
    onset += nucleus[0]
    nucleus = nucleus.slice(1)
    tonedAt--
  }
  if (nucleus === "") return false
  if (!ONSETS.has(onset) || !NUCLEI.has(nucleus) || !CODAS.has(coda)) return false
  const stop = coda === "c" || coda === "ch" || coda === "k" || coda === "p" || coda === "t"
  if (stop && tone !== 0 && tone !== 2 && tone !== 5) return false
  // -nh and -ch only follow a, ê, i, y (anh, ênh, inh, uynh, ach, êch, ich)
  if ((coda === "nh" || coda === "ch") && !"aêiy".includes(nucleus[nucleus.length - 1]!)) return false
  if (tone !== 0) {
    if (tonedAt < 0) return false // the tone sits on the u of qu / i of gi: "qúy"
    // the tone must sit where either placement convention puts it
    let expected = -1
    for (let k = nucleus.length - 1; k >= 0; k--) {
      if ("ăâêôơư".includes(nucleus[k]!)) {
        expected = k
        break
      }
    }
    if (expected === -1) expected = coda !== "" ? nucleus.length - 1 : nucleus.length === 3 ? 1 : 0
    const oldStyle = coda === "" && (nucleus === "oa" || nucleus === "oe" || nucleus === "uy") && tonedAt === 1
    if (tonedAt !== expected && !oldStyle) return false
  }
  return true
}

/**
 * Decoders (and encoders, for the synthetic-data generator) for the pre-Unicode Vietnamese
 * encodings that provincial systems still hold, plus repair of UTF-8 text that was stored
 * through a Latin-1 / cp1252 column ("Nguyá»…n" -> "Nguyễn").
 *
 * Input convention: a legacy string is what a driver returns for a Latin-1 column, one
 * character per byte. Bytes 0x80-0x9F may arrive either as C1 controls (U+0080-U+009F, true
 * ISO-8859-1) or as their cp1252 characters (MySQL's "latin1" is cp1252: 0x93 -> U+201C);
 * both are accepted. `legacyStringToBytes` / `bytesToLegacyString` convert to and from bytes.
 *
 * Sources of the tables (checked against each other, see tests/text/legacy-encodings.test.ts):
 * - TCVN3 (TCVN 5712:1993 VN3, the ABC ".VnTime" fonts): the byte values are taken from
 *   iconv-lite's "tcvn" codec (TCVN 5712 VN1, whose lowercase, Ă Â Ê Ô Ơ Ư Đ and combining-mark
 *   positions VN3 shares), restricted to the VN3 repertoire; the same values appear in the
 *   TCVN3 tables of duydev/vietnamese-conversion (src/charsets.ts) and khiemdoan/VBKey
 *   (Modules/mdlCodeTable.bas). VN3 has no capitals with a tone: real documents set those in
 *   the uppercase font (.VnTimeH) using the lowercase bytes, so the encoder writes the
 *   lowercase byte and the decoder restores capitals in words that are otherwise all capitals.
 * - VNI-Windows: base letter followed by a mark byte. Values from lamdao/xvnkb (vni.h),
 *   duydev/vietnamese-conversion (src/charsets.ts) and khiemdoan/VBKey, which agree.
 * - Windows-1258: iconv-lite's "windows1258" codec, then NFC.
 * - cp1252 (for mojibake and the 0x80-0x9F punctuation of Windows fonts): iconv-lite.
 */
import iconv from "iconv-lite"
import * as Data from "effect/Data"
import { composeVowel, isVietnameseSyllable, vowelParts, type Tone, type VowelBase } from "./vietnamese.ts"

export type LegacyEncoding = "tcvn3" | "vni" | "cp1258" | "mojibake"
export type DetectedEncoding = "tcvn3" | "vni" | "mojibake" | "unicode" | "unknown"

/** Result of decodeLegacy: the text, or where and why decoding stopped. */
export type LegacyDecodeResult =
  | { readonly ok: true; readonly value: string }
  | {
      readonly ok: false
      readonly code: "LEGACY_DECODE_FAILED"
      readonly encoding: LegacyEncoding
      /** index of the offending character (= byte) in the input */
      readonly position: number
      readonly detail: string
    }

/** Thrown by decodeTcvn3 / decodeVni / decodeCp1258 when a byte has no mapping. */
export class LegacyDecodeFailed extends Data.TaggedError("LegacyDecodeFailed")<{
  readonly code: "LEGACY_DECODE_FAILED"
  readonly encoding: LegacyEncoding
  readonly position: number
  readonly detail: string
  readonly message: string
}> {}

/** Thrown by encodeTcvn3 / encodeVni when a character has no representation. */
export class LegacyEncodeFailed extends Data.TaggedError("LegacyEncodeFailed")<{
  readonly encoding: "tcvn3" | "vni"
  readonly position: number
  readonly character: string
  readonly message: string
}> {}

type Failure = { readonly position: number; readonly detail: string }
const hex = (b: number): string => "0x" + b.toString(16).toUpperCase().padStart(2, "0")
const codePoint = (s: string, i: number): string =>
  "U+" + (s.codePointAt(i) ?? 0).toString(16).toUpperCase().padStart(4, "0")

// ---------------------------------------------------------------------------------------------
// bytes <-> "latin1 strings"

/** cp1252 byte -> character for 0x80-0x9F; undefined bytes (0x81 0x8D 0x8F 0x90 0x9D) absent. */
const CP1252_HIGH: (string | undefined)[] = []
/** Unicode code unit of a cp1252 character -> its byte (0x80-0x9F only). */
const CP1252_BYTE = new Map<number, number>()
for (let b = 0x80; b < 0xa0; b++) {
  const ch = iconv.decode(Buffer.from([b]), "cp1252")
  if (ch !== "\ufffd" && ch.length === 1) {
    CP1252_HIGH[b] = ch
    CP1252_BYTE.set(ch.charCodeAt(0), b)
  }
}

/** The byte a character of a legacy string stands for, or -1. */
function byteAt(s: string, i: number): number {
  const c = s.charCodeAt(i)
  if (c <= 0xff) return c
  return CP1252_BYTE.get(c) ?? -1
}

/** Bytes of a legacy string (one character per byte, cp1252 characters accepted), or undefined. */
export function legacyStringToBytes(s: string): Uint8Array | undefined {
  const out = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const b = byteAt(s, i)
    if (b < 0) return undefined
    out[i] = b
  }
  return out
}

/** The legacy string for raw bytes, as MySQL's latin1 (cp1252) would return it. */
export function bytesToLegacyString(bytes: Uint8Array): string {
  let out = ""
  for (const b of bytes) out += (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b] : undefined) ?? String.fromCharCode(b)
  return out
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) >= 0x80) return false
  return true
}

/** Punctuation of Windows fonts in 0x80-0x9F (curly quotes, dashes, ellipsis), kept as is. */
const windowsPunctuation = (b: number): string | undefined => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b] : undefined)

// ---------------------------------------------------------------------------------------------
// TCVN3

const TCVN3_DECODE: (string | undefined)[] = new Array(256)
const TCVN3_ENCODE = new Map<string, number>()
for (let b = 0; b < 0x80; b++) TCVN3_DECODE[b] = String.fromCharCode(b)
for (let b = 0x80; b < 0xa0; b++) TCVN3_DECODE[b] = windowsPunctuation(b)
for (let b = 0xa0; b <= 0xff; b++) {
  const ch = iconv.decode(Buffer.from([b]), "tcvn")
  const parts = vowelParts(ch)
  // VN1-only positions: capitals with a tone (À Ả Ã ... Ố), which VN3 does not define
  if (parts !== undefined && parts.upper && parts.tone !== 0) continue
  TCVN3_DECODE[b] = ch
  if (b !== 0xa0) TCVN3_ENCODE.set(ch, b)
}

/** Decodes TCVN3 bytes; restores capitals lost to the uppercase-font convention. */
function decodeTcvn3Raw(s: string): { value: string } | Failure {
  if (isAscii(s)) return { value: s }
  let out = ""
  for (let i = 0; i < s.length; i++) {
    const b = byteAt(s, i)
    if (b < 0) return { position: i, detail: `${codePoint(s, i)} is not a single byte` }
    const ch = TCVN3_DECODE[b]
    if (ch === undefined) return { position: i, detail: `byte ${hex(b)} has no TCVN3 (VN3) mapping` }
    out += ch
  }
  return { value: restoreCapitals(out.normalize("NFC")) }
}

/**
 * Per code unit below 0x1F00: 1 capital, -1 lowercase, 2 for a letter TCVN3 can only write in
 * lowercase (toned vowels, either case), 0 not a letter.
 */
const CASE_CLASS = new Int8Array(0x1f00)
for (let c = 0x41; c <= 0x5a; c++) CASE_CLASS[c] = 1
for (let c = 0x61; c <= 0x7a; c++) CASE_CLASS[c] = -1
CASE_CLASS[0x110] = 1
CASE_CLASS[0x111] = -1
for (let c = 0x80; c < 0x1f00; c++) {
  const p = vowelParts(String.fromCharCode(c))
  if (p !== undefined) CASE_CLASS[c] = p.tone !== 0 ? 2 : p.upper ? 1 : -1
}
const caseClassAt = (text: string, i: number): number => {
  const c = text.charCodeAt(i)
  return c < 0x1f00 ? CASE_CLASS[c]! : 0
}

/**
 * TCVN3 text typed in the uppercase font reads back as "NGUYễN": capitalise the toned letters
 * of a word whose other letters are all capitals when it has at least two of them or stands
 * next to such a word ("ĐÔNG Hồ" -> "ĐÔNG HỒ"), or anywhere in a text without lowercase letters
 * that has such a word. Title-case words ("Tõ Hà") are left alone.
 */
function restoreCapitals(text: string): string {
  let upper = 0
  let lower = 0
  for (let i = 0; i < text.length; i++) {
    const k = caseClassAt(text, i)
    if (k === 1) upper++
    else if (k === -1) lower++
  }
  if (upper < 2) return text
  const allCaps = lower === 0
  const words: Array<{ start: number; end: number; caps: boolean; strong: boolean }> = []
  let i = 0
  while (i < text.length) {
    if (caseClassAt(text, i) === 0) {
      i++
      continue
    }
    let j = i
    let up = 0
    let low = 0
    while (j < text.length) {
      const k = caseClassAt(text, j)
      if (k === 0) break
      if (k === 1) up++
      else if (k === -1) low++
      j++
    }
    words.push({ start: i, end: j, caps: low === 0 && up >= 1, strong: low === 0 && up >= 2 })
    i = j
  }
  const anyStrong = words.some((w) => w.strong)
  let out = ""
  let copied = 0
  for (let w = 0; w < words.length; w++) {
    const word = words[w]!
    if (!word.caps) continue
    const context = words[w - 1]?.strong === true || words[w + 1]?.strong === true || (allCaps && anyStrong)
    if (!word.strong && !context) continue
    out += text.slice(copied, word.start) + text.slice(word.start, word.end).toUpperCase()
    copied = word.end
  }
  return copied === 0 ? text : out + text.slice(copied)
}

// ---------------------------------------------------------------------------------------------
// VNI

/** Mark bytes (lowercase forms; the uppercase form is the byte - 0x20), by tone 0-5. */
const VNI_TONE = [-1, 0xf8, 0xf9, 0xfb, 0xf5, 0xef] // none, grave ø, acute ù, hook û, tilde õ, dot ï
const VNI_CIRCUMFLEX = [0xe2, 0xe0, 0xe1, 0xe5, 0xe3, 0xe4] // â à á å ã ä
const VNI_BREVE = [0xea, 0xe8, 0xe9, 0xfa, 0xfc, 0xeb] // ê è é ú ü ë
/** Precomposed single-byte letters (lowercase bytes; uppercase = byte - 0x20). */
const VNI_I_TONED = [-1, 0xec, 0xed, 0xe6, 0xf3, 0xf2] // ì í ỉ ĩ ị
const VNI_Y_DOT = 0xee // ỵ
const VNI_D_STROKE = 0xf1 // đ
const VNI_O_HORN = 0xf4 // ơ
const VNI_U_HORN = 0xf6 // ư

const SHAPE_NONE = 0
const SHAPE_CIRCUMFLEX = 1
const SHAPE_BREVE = 2
/** byte -> shape * 8 + tone for mark bytes, -1 otherwise. */
const VNI_MARK = new Int8Array(256).fill(-1)
/** byte -> decoded single-byte letter. */
const VNI_LETTER: (string | undefined)[] = new Array(256)
for (const up of [0, 0x20]) {
  for (let t = 1; t <= 5; t++) VNI_MARK[VNI_TONE[t]! - up] = SHAPE_NONE * 8 + t
  for (let t = 0; t <= 5; t++) VNI_MARK[VNI_CIRCUMFLEX[t]! - up] = SHAPE_CIRCUMFLEX * 8 + t
  for (let t = 0; t <= 5; t++) VNI_MARK[VNI_BREVE[t]! - up] = SHAPE_BREVE * 8 + t
  const upper = up !== 0
  for (let t = 1; t <= 5; t++) VNI_LETTER[VNI_I_TONED[t]! - up] = composeVowel("i", t as Tone, upper)
  VNI_LETTER[VNI_Y_DOT - up] = composeVowel("y", 5, upper)
  VNI_LETTER[VNI_D_STROKE - up] = upper ? "Đ" : "đ"
  VNI_LETTER[VNI_O_HORN - up] = composeVowel("ơ", 0, upper)
  VNI_LETTER[VNI_U_HORN - up] = composeVowel("ư", 0, upper)
}

/** The vowel a VNI base letter + shape gives, or undefined when the mark cannot follow it. */
function vniBase(letter: string, shape: number): VowelBase | undefined {
  switch (letter) {
    case "a":
      return shape === SHAPE_CIRCUMFLEX ? "â" : shape === SHAPE_BREVE ? "ă" : "a"
    case "e":
      return shape === SHAPE_CIRCUMFLEX ? "ê" : shape === SHAPE_NONE ? "e" : undefined
    case "o":
      return shape === SHAPE_CIRCUMFLEX ? "ô" : shape === SHAPE_NONE ? "o" : undefined
    case "u":
    case "i": // VNI writes toned i as one byte; "i" + tone mark is accepted too
    case "y":
    case "ơ":
    case "ư":
      return shape === SHAPE_NONE ? (letter as VowelBase) : undefined
    default:
      return undefined
  }
}

function decodeVniRaw(s: string): { value: string } | Failure {
  if (isAscii(s)) return { value: s }
  let out = ""
  for (let i = 0; i < s.length; i++) {
    const b = byteAt(s, i)
    if (b < 0) return { position: i, detail: `${codePoint(s, i)} is not a single byte` }
    let letter: string | undefined
    if (b < 0x80) letter = String.fromCharCode(b)
    else letter = VNI_LETTER[b]
    if (letter === undefined) {
      const punct = b === 0xa0 ? "\u00a0" : windowsPunctuation(b)
      if (punct !== undefined) {
        out += punct
        continue
      }
      if (VNI_MARK[b] !== -1) return { position: i, detail: `mark byte ${hex(b)} does not follow a vowel` }
      return { position: i, detail: `byte ${hex(b)} has no VNI mapping` }
    }
    const next = i + 1 < s.length ? byteAt(s, i + 1) : -1
    const mark = next >= 0 ? VNI_MARK[next]! : -1
    if (mark === -1) {
      out += letter
      continue
    }
    const lowerLetter = letter.toLowerCase()
    const base = vniBase(lowerLetter, mark >> 3)
    if (base === undefined) {
      // a mark byte after a consonant, or a shape the vowel cannot take ("e" + breve)
      return { position: i + 1, detail: `mark byte ${hex(next)} cannot follow "${letter}"` }
    }
    out += composeVowel(base, (mark & 7) as Tone, letter !== lowerLetter)
    i++
  }
  return { value: out }
}

// ---------------------------------------------------------------------------------------------
// Windows-1258

function decodeCp1258Raw(s: string): { value: string } | Failure {
  if (isAscii(s)) return { value: s }
  const bytes = new Uint8Array(s.length)
  for (let i = 0; i < s.length; i++) {
    const b = byteAt(s, i)
    if (b < 0) return { position: i, detail: `${codePoint(s, i)} is not a single byte` }
    bytes[i] = b
  }
  const text = iconv.decode(Buffer.from(bytes), "windows1258")
  const bad = text.indexOf("\ufffd")
  if (bad >= 0) return { position: bad, detail: `byte ${hex(bytes[bad]!)} has no Windows-1258 mapping` }
  return { value: text.normalize("NFC") }
}

// ---------------------------------------------------------------------------------------------
// mojibake

const utf8 = new TextDecoder("utf-8")

/**
 * Strict UTF-8 validation (no overlong forms, surrogates or code points past U+10FFFF), done by
 * hand because a fatal TextDecoder reports failure by throwing, which costs microseconds.
 */
function isValidUtf8(bytes: Uint8Array): boolean {
  let i = 0
  const n = bytes.length
  while (i < n) {
    const b = bytes[i]!
    if (b < 0x80) {
      i++
      continue
    }
    let len: number
    let min: number
    let max = 0xbf
    if (b >= 0xc2 && b <= 0xdf) {
      len = 2
      min = 0x80
    } else if (b >= 0xe0 && b <= 0xef) {
      len = 3
      min = b === 0xe0 ? 0xa0 : 0x80
      if (b === 0xed) max = 0x9f
    } else if (b >= 0xf0 && b <= 0xf4) {
      len = 4
      min = b === 0xf0 ? 0x90 : 0x80
      if (b === 0xf4) max = 0x8f
    } else return false
    if (i + len > n) return false
    const b1 = bytes[i + 1]!
    if (b1 < min || b1 > max) return false
    for (let k = 2; k < len; k++) {
      const bk = bytes[i + k]!
      if (bk < 0x80 || bk > 0xbf) return false
    }
    i += len
  }
  return true
}

/** One round of "these characters were UTF-8 bytes": undefined if not valid UTF-8 with a multibyte char. */
function unmojibakeOnce(s: string): string | undefined {
  const bytes = legacyStringToBytes(s)
  if (bytes === undefined) return undefined
  let high = false
  for (const b of bytes) if (b >= 0x80) high = true
  if (!high) return undefined
  if (isValidUtf8(bytes)) return utf8.decode(bytes)
  // the NBSP of a split sequence (Ơ = C6 A0 -> "Æ ") is often collapsed to a plain space
  let patched = false
  for (let i = 1; i < bytes.length; i++) {
    if (bytes[i] === 0x20 && expectsContinuation(bytes, i)) {
      bytes[i] = 0xa0
      patched = true
    }
  }
  return patched && isValidUtf8(bytes) ? utf8.decode(bytes) : undefined
}

/** True when position i of `bytes` is inside a UTF-8 sequence started before it. */
function expectsContinuation(bytes: Uint8Array, i: number): boolean {
  for (let k = 1; k <= 3 && i - k >= 0; k++) {
    const lead = bytes[i - k]!
    if (lead >= 0x80 && lead < 0xc0) continue // a continuation byte: look further back
    const len = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 ? 2 : 1
    return k < len
  }
  return false
}

/**
 * Repairs UTF-8 text that was read as Latin-1/cp1252 ("Nguyá»…n" -> "Nguyễn"), also when it
 * happened twice. Undefined when the text is not such mojibake (plain ASCII, not valid UTF-8
 * once turned back into bytes, or holding characters that are not single bytes).
 */
export function repairMojibake(s: string): string | undefined {
  let current = unmojibakeOnce(s)
  if (current === undefined) return undefined
  for (let round = 1; round < 3; round++) {
    const again = unmojibakeOnce(current)
    if (again === undefined) break
    current = again
  }
  return current.normalize("NFC")
}

// ---------------------------------------------------------------------------------------------
// public decoders

const raw = (s: string, encoding: LegacyEncoding): { value: string } | Failure => {
  switch (encoding) {
    case "tcvn3":
      return decodeTcvn3Raw(s)
    case "vni":
      return decodeVniRaw(s)
    case "cp1258":
      return decodeCp1258Raw(s)
    case "mojibake": {
      if (isAscii(s)) return { value: s }
      const fixed = repairMojibake(s)
      return fixed === undefined ? { position: 0, detail: "not UTF-8 read as Latin-1/cp1252" } : { value: fixed }
    }
  }
}

/** Decodes legacy text, returning where it failed instead of guessing. ASCII passes through. */
export function decodeLegacy(s: string, encoding: LegacyEncoding): LegacyDecodeResult {
  const r = raw(s, encoding)
  if ("value" in r) return { ok: true, value: r.value }
  return { ok: false, code: "LEGACY_DECODE_FAILED", encoding, position: r.position, detail: r.detail }
}

const orThrow = (s: string, encoding: LegacyEncoding): string => {
  const r = raw(s, encoding)
  if ("value" in r) return r.value
  throw new LegacyDecodeFailed({
    code: "LEGACY_DECODE_FAILED",
    encoding,
    position: r.position,
    detail: r.detail,
    message: `${encoding}: ${r.detail} (at ${r.position})`
  })
}

/** TCVN3 (ABC, .VnTime) to Unicode NFC. Throws LegacyDecodeFailed on an unmapped byte. */
export function decodeTcvn3(s: string): string {
  return orThrow(s, "tcvn3")
}

/** VNI-Windows to Unicode NFC ("Nguyeãn" -> "Nguyễn"). Throws LegacyDecodeFailed on an unmapped byte. */
export function decodeVni(s: string): string {
  return orThrow(s, "vni")
}

/** Windows-1258 to Unicode NFC. Throws LegacyDecodeFailed on an unmapped byte. */
export function decodeCp1258(s: string): string {
  return orThrow(s, "cp1258")
}

// ---------------------------------------------------------------------------------------------
// encoders (for generating dirty test data)

const encodeFail = (encoding: "tcvn3" | "vni", s: string, i: number): never => {
  throw new LegacyEncodeFailed({
    encoding,
    position: i,
    character: s[i]!,
    message: `${encoding}: ${codePoint(s, i)} "${s[i]}" cannot be encoded (at ${i})`
  })
}

/** Non-letter characters both encoders pass through: cp1252 punctuation and NBSP. */
const passThrough = (c: number): boolean => c === 0xa0 || CP1252_BYTE.has(c)

/**
 * Unicode to TCVN3, one character per byte. Capitals with a tone (which TCVN3 lacks) are written
 * with the lowercase byte, as documents in the uppercase font were. Throws LegacyEncodeFailed.
 */
export function encodeTcvn3(s: string): string {
  const text = s.normalize("NFC")
  let out = ""
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    const c = ch.charCodeAt(0)
    if (c < 0x80 || passThrough(c)) {
      out += ch
      continue
    }
    let b = TCVN3_ENCODE.get(ch)
    if (b === undefined) {
      const p = vowelParts(ch)
      if (p !== undefined && p.upper) b = TCVN3_ENCODE.get(composeVowel(p.base, p.tone, false))
    }
    if (b === undefined) return encodeFail("tcvn3", text, i)
    out += String.fromCharCode(b)
  }
  return out
}

/** Unicode to VNI-Windows, one character per byte ("Nguyễn" -> "Nguyeãn"). Throws LegacyEncodeFailed. */
export function encodeVni(s: string): string {
  const text = s.normalize("NFC")
  let out = ""
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    const c = ch.charCodeAt(0)
    if (c < 0x80 || passThrough(c)) {
      out += ch
      continue
    }
    if (c === 0x110 || c === 0x111) {
      out += String.fromCharCode(VNI_D_STROKE - (c === 0x110 ? 0x20 : 0))
      continue
    }
    const p = vowelParts(ch)
    if (p === undefined) return encodeFail("vni", text, i)
    const up = p.upper ? 0x20 : 0
    const letter = (l: string): string => (p.upper ? l.toUpperCase() : l)
    const byte = (b: number): string => String.fromCharCode(b - up)
    const tone = (): string => (p.tone === 0 ? "" : byte(VNI_TONE[p.tone]!))
    switch (p.base) {
      case "a":
      case "e":
      case "o":
      case "u":
        out += letter(p.base) + tone()
        break
      case "â":
      case "ê":
      case "ô":
        out += letter(p.base === "â" ? "a" : p.base === "ê" ? "e" : "o") + byte(VNI_CIRCUMFLEX[p.tone]!)
        break
      case "ă":
        out += letter("a") + byte(VNI_BREVE[p.tone]!)
        break
      case "i":
        out += p.tone === 0 ? letter("i") : byte(VNI_I_TONED[p.tone]!)
        break
      case "y":
        out += p.tone === 5 ? byte(VNI_Y_DOT) : letter("y") + tone()
        break
      case "ơ":
        out += byte(VNI_O_HORN) + tone()
        break
      case "ư":
        out += byte(VNI_U_HORN) + tone()
        break
    }
  }
  return out
}

// ---------------------------------------------------------------------------------------------
// detection

/**
 * Share (0-1) of the words holding a non-ASCII character that read as standard Vietnamese
 * syllables; words with symbols in them (¸ ¶ µ from a wrong decoding) count as not Vietnamese.
 * Undefined when no word has a non-ASCII character.
 */
function vietnameseShare(text: string): number | undefined {
  let words = 0
  let good = 0
  let i = 0
  while (i < text.length) {
    const c = text.charCodeAt(i)
    if (c <= 0x40 || (c >= 0x5b && c <= 0x60) || (c >= 0x7b && c <= 0x7f) || c === 0xa0) {
      i++
      continue
    }
    let j = i
    let nonAscii = false
    while (j < text.length) {
      const d = text.charCodeAt(j)
      if (d <= 0x40 || (d >= 0x5b && d <= 0x60) || (d >= 0x7b && d <= 0x7f) || d === 0xa0) break
      if (d >= 0x80) nonAscii = true
      j++
    }
    if (nonAscii) {
      words++
      if (isVietnameseSyllable(text.slice(i, j))) good++
    }
    i = j
  }
  return words === 0 ? undefined : good / words
}

/**
 * Guesses how a text column value is encoded: "unicode" (already Unicode, or plain ASCII),
 * "mojibake" (UTF-8 read as Latin-1/cp1252), "tcvn3", "vni", or "unknown" when no reading looks
 * like Vietnamese. Judges by which decoding succeeds and reads as Vietnamese syllables; a short
 * value (one or two words) can be genuinely ambiguous, so decide per column, not per cell,
 * where possible (see detectColumnEncoding).
 */
export function detectLegacyEncoding(s: string): DetectedEncoding {
  if (isAscii(s)) return "unicode"
  if (legacyStringToBytes(s) === undefined) return "unicode" // holds characters beyond one byte
  if (repairMojibake(s) !== undefined) return "mojibake"
  const candidates: Array<[DetectedEncoding, number]> = []
  const asIs = vietnameseShare(s)
  candidates.push(["unicode", asIs ?? 0])
  const t = decodeTcvn3Raw(s)
  if ("value" in t) candidates.push(["tcvn3", vietnameseShare(t.value) ?? 0])
  const v = decodeVniRaw(s)
  if ("value" in v) candidates.push(["vni", vietnameseShare(v.value) ?? 0])
  let best: [DetectedEncoding, number] = ["unknown", 0]
  for (const cand of candidates) if (cand[1] > best[1]) best = cand
  return best[1] >= 0.5 ? best[0] : "unknown"
}

/**
 * Column-level detection: the encoding most of the first `sampleSize` non-ASCII values agree
 * on (detection costs ~25 µs a value). "unicode" for an all-ASCII column, "unknown" when no
 * value could be read as Vietnamese.
 */
export function detectColumnEncoding(values: Iterable<string>, sampleSize = 1000): DetectedEncoding {
  const votes = new Map<DetectedEncoding, number>()
  let sampled = 0
  for (const v of values) {
    if (isAscii(v)) continue
    if (sampled++ >= sampleSize) break
    const d = detectLegacyEncoding(v)
    votes.set(d, (votes.get(d) ?? 0) + 1)
  }
  let best: DetectedEncoding = "unicode"
  let bestVotes = 0
  for (const [d, n] of votes) {
    if (d !== "unknown" && n > bestVotes) {
      best = d
      bestVotes = n
    }
  }
  return bestVotes === 0 && votes.size > 0 ? "unknown" : best
}

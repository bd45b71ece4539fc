/**
 * Small typed decoders that turn one raw source value into a clean canonical value or a reject
 * with a stable code, and `rowDecoder`, which runs a declarative table of them over a row. A vendor
 * table is then a list of "column → decoder" pairs plus the record it builds (`defineTable`).
 *
 * Raw values arrive as the drivers return them: strings, numbers, bigints, Date objects (pg and
 * PGlite for DATE/TIMESTAMP), Buffers, null. Every decoder accepts all of those it can make sense
 * of. Decoders are synchronous and allocation-light: they run once per column per row.
 */
import { type MappingContext, type MappingResult, type SourceRow, sourceKeyOf } from "./vendor-mapping.ts"
import type { OldUnitRef } from "./canonical-records.ts"
import type { RejectCode } from "./reject-codes.ts"
import { cleanText, nfc } from "../text/vietnamese.ts"
import { bytesToLegacyString, decodeLegacy } from "../text/legacy-encodings.ts"
import { appendText, finishText, startText } from "../text/flat-latin1.ts"

/** The outcome of decoding one value: `undefined` means "no value" (optional and empty). */
export type Decoded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly code: RejectCode; readonly message: string }

export type Decoder<T> = (raw: unknown) => Decoded<T>

const ok = <T>(value: T): Decoded<T> => ({ ok: true, value })
const fail = (code: RejectCode, message: string): Decoded<never> => ({ ok: false, code, message })
const NONE: Decoded<undefined> = { ok: true, value: undefined }

// ---------------------------------------------------------------------------------------------
// Text

const NUL = "\u0000"

/** Raw value as a string (numbers, bigints, Buffers as UTF-8), or undefined for null. */
const asString = (raw: unknown): string | undefined => {
  if (raw === null || raw === undefined) return undefined
  if (typeof raw === "string") return raw
  if (typeof raw === "number" || typeof raw === "bigint") return String(raw)
  if (raw instanceof Uint8Array) return Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("utf8")
  if (raw instanceof Date) return undefined
  return String(raw)
}

/** NUL characters are padding from fixed-width legacy exports: stripped, never loaded. */
const stripNul = (s: string): string => (s.includes(NUL) ? s.split(NUL).join("") : s)

/**
 * Optional free text: NUL stripped, whitespace collapsed, NFC with canonical tone marks
 * (`cleanText`). Empty → no value. Leading = + - @ are kept: escaping is the report writer's job.
 */
export const text: Decoder<string | undefined> = (raw) => {
  const s = asString(raw)
  if (s === undefined) return NONE
  let decoded = cleanedTexts.get(s)
  if (decoded === undefined) {
    const cleaned = cleanText(stripNul(s))
    decoded = cleaned === "" ? NONE : ok(cleaned)
    if (cleanedTexts.size >= CLEANED_TEXT_MEMO_SIZE) cleanedTexts.clear()
    cleanedTexts.set(s, decoded)
  }
  return decoded
}

/**
 * Decoded free texts by raw text. Names and labels repeat (an applicant's name on each of their
 * dossiers, a handful of fixed summaries), and a lookup costs a fraction of `cleanText`. Bounded:
 * a full memo starts over. The decoded values are immutable, so sharing them is safe.
 */
const CLEANED_TEXT_MEMO_SIZE = 1 << 15
const cleanedTexts = new Map<string, Decoded<string | undefined>>()

/** Optional code-like value (unit codes, usernames, numbers printed on papers): NUL stripped and trimmed only. */
export const code: Decoder<string | undefined> = (raw) => {
  const s = asString(raw)
  if (s === undefined) return NONE
  const t = stripNul(s).trim()
  return t === "" ? NONE : ok(t)
}

/** Wraps an optional decoder: no value → MISSING_REQUIRED. */
export const required = <T>(decoder: Decoder<T | undefined>): Decoder<T> => (raw) => {
  const d = decoder(raw)
  if (!d.ok) return d
  if (d.value === undefined) return fail("MISSING_REQUIRED", "a required value is empty")
  return d as Decoded<T>
}

/** Required cleaned text. */
export const requiredText: Decoder<string> = required(text)
/** Required code-like value. */
export const requiredCode: Decoder<string> = required(code)

/** A list in one column ("a,b;c"): split on any of the separators, each item trimmed, empties dropped. */
export const list = (separators: string): Decoder<readonly string[]> => (raw) => {
  const s = asString(raw)
  if (s === undefined) return ok([])
  const items: string[] = []
  let current = ""
  for (const ch of stripNul(s)) {
    if (separators.includes(ch)) {
      const t = current.trim()
      if (t !== "") items.push(t)
      current = ""
    } else current += ch
  }
  const t = current.trim()
  if (t !== "") items.push(t)
  return ok(items)
}

/** Maps each item of a list through a decoder; the first failing item fails the whole value. */
export const eachOf = <T>(listDecoder: Decoder<readonly string[]>, item: Decoder<T>): Decoder<readonly T[]> => (raw) => {
  const l = listDecoder(raw)
  if (!l.ok) return l
  const out: T[] = []
  for (const x of l.value) {
    const d = item(x)
    if (!d.ok) return d
    out.push(d.value)
  }
  return ok(out)
}

// ---------------------------------------------------------------------------------------------
// Legacy encodings (TCVN3 / VNI)

/**
 * Optional legacy-encoded text: the stored bytes decoded from TCVN3 or VNI, then cleaned. The raw
 * value is a Buffer, or one character per byte: MariaDB latin1 columns arrive through a UTF-8
 * connection as cp1252 characters (0x93 → U+201C), PostgreSQL/PGlite sources hold U+00XX; both
 * are accepted. A byte the encoding does not use, or a character that is no byte → LEGACY_DECODE_FAILED.
 */
export const legacyText = (encoding: "tcvn3" | "vni"): Decoder<string | undefined> => (raw) => {
  if (raw === null || raw === undefined) return NONE
  const legacy = raw instanceof Uint8Array ? bytesToLegacyString(raw) : String(raw)
  const decoded = decodeLegacy(legacy, encoding)
  if (!decoded.ok) {
    return fail("LEGACY_DECODE_FAILED", `not valid ${encoding.toUpperCase()} text: ${decoded.detail} (character ${decoded.position + 1})`)
  }
  return text(decoded.value)
}

// ---------------------------------------------------------------------------------------------
// Dates and times

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0

/** The earliest and latest years a date in these systems can plausibly have. */
export const PLAUSIBLE_YEARS = { min: 1850, max: 2100 } as const

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n))
const pad4 = (n: number): string => String(n).padStart(4, "0")

/** ISO date after an existence and plausibility check. */
const isoDate = (y: number, m: number, d: number): Decoded<string> => {
  if (m < 1 || m > 12 || d < 1) return fail("INVALID_DATE", `${pad2(d)}/${pad2(m)}/${pad4(y)} does not exist`)
  const max = m === 2 && isLeap(y) ? 29 : DAYS_IN_MONTH[m - 1]!
  if (d > max) return fail("INVALID_DATE", `${pad2(d)}/${pad2(m)}/${pad4(y)} does not exist`)
  if (y < PLAUSIBLE_YEARS.min || y > PLAUSIBLE_YEARS.max) {
    return fail("DATE_OUT_OF_RANGE", `year ${y} is outside ${PLAUSIBLE_YEARS.min}–${PLAUSIBLE_YEARS.max}`)
  }
  return ok(`${pad4(y)}-${pad2(m)}-${pad2(d)}`)
}

const yearOnly = (y: number): Decoded<string> =>
  y < PLAUSIBLE_YEARS.min || y > PLAUSIBLE_YEARS.max
    ? fail("DATE_OUT_OF_RANGE", `year ${y} is outside ${PLAUSIBLE_YEARS.min}–${PLAUSIBLE_YEARS.max}`)
    : ok(pad4(y))

const validTime = (h: number, mi: number, s: number): boolean => h <= 23 && mi <= 59 && s <= 59

/** Vietnam's offset. Timestamps stored without a zone are Vietnamese wall-clock time. */
export const VIETNAM_OFFSET = "+07:00"

const DMY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$/
const YMD = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/
const YEAR = /^\d{4}$/

const isZeroDate = (s: string): boolean => s.startsWith("0000-00-00") || s.startsWith("00/00/0000")

// Fast paths for the fixed-width forms drivers and vendors nearly always give ("dd/mm/yyyy",
// "dd/mm/yyyy HH:MM:SS", "YYYY-MM-DD HH:MM:SS"): digits read in place instead of a regex match
// and Number() per field. Anything else takes the general path, with the same results.

/** The n digits of s at i as a number, or -1 when one is not a digit. */
const digitsAt = (s: string, i: number, n: number): number => {
  let v = 0
  for (let k = i; k < i + n; k++) {
    const d = s.charCodeAt(k) - 48
    if (d < 0 || d > 9) return -1
    v = v * 10 + d
  }
  return v
}

const allDigits = (s: string, positions: readonly number[], offset = 0): boolean => {
  for (let k = 0; k < positions.length; k++) {
    const d = s.charCodeAt(positions[k]! + offset) - 48
    if (d < 0 || d > 9) return false
  }
  return true
}

const DMY_DIGITS = [0, 1, 3, 4, 6, 7, 8, 9] as const
const YMD_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9] as const
const TIME_DIGITS = [1, 2, 4, 5, 7, 8] as const

/** "dd/mm/yyyy" at the start of s. */
const isDmy = (s: string): boolean => s.charCodeAt(2) === 47 && s.charCodeAt(5) === 47 && allDigits(s, DMY_DIGITS)
/** "yyyy-mm-dd" at the start of s. */
const isYmd = (s: string): boolean => s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45 && allDigits(s, YMD_DIGITS)
/** `${separator}HH:MM:SS` at i. */
const isTimeAt = (s: string, i: number, separator: string): boolean =>
  s[i] === separator && s.charCodeAt(i + 3) === 58 && s.charCodeAt(i + 6) === 58 && allDigits(s, TIME_DIGITS, i)

/**
 * `${isoDate}T${HH:MM:SS}+07:00` from a checked fixed-width value whose time is its last 8
 * characters (at 11), built as one flat string (see text/flat-latin1.ts: the COPY writer reads
 * every character of it).
 */
const isoTimestamp = (isoDate: string, raw: string): string => {
  startText()
  appendText(isoDate)
  appendText("T")
  appendText(raw, 11, 19)
  appendText(VIETNAM_OFFSET)
  return finishText()
}

/**
 * A Vietnamese-order date string "dd/mm/yyyy" (also d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy) → ISO date.
 * "yyyy" alone (only the year is known) → "YYYY". Empty or a zero date → no value.
 * A date that does not exist (31/02/1990) → INVALID_DATE; anything unreadable → INVALID_DATE.
 * A time part, when present, is ignored.
 */
export const dmyDate: Decoder<string | undefined> = (raw) => {
  if (typeof raw === "string" && raw.length === 10 && isDmy(raw) && !isZeroDate(raw)) {
    return isoDate(digitsAt(raw, 6, 4), digitsAt(raw, 3, 2), digitsAt(raw, 0, 2))
  }
  if (raw instanceof Date) return sqlDate(raw)
  const s0 = asString(raw)
  if (s0 === undefined) return NONE
  const s = stripNul(s0).trim()
  if (s === "" || isZeroDate(s)) return NONE
  if (YEAR.test(s)) return yearOnly(Number(s))
  const m = DMY.exec(s)
  if (m === null) return fail("INVALID_DATE", `'${s}' is not a dd/mm/yyyy date`)
  return isoDate(Number(m[3]), Number(m[2]), Number(m[1]))
}

/**
 * A Vietnamese-order timestamp "dd/mm/yyyy HH:mm[:ss]" (local Vietnamese time) → ISO with +07:00.
 * A date without a time → ISO date. Empty or zero → no value; impossible → INVALID_DATE.
 */
export const dmyTimestamp: Decoder<string | undefined> = (raw) => {
  if (typeof raw === "string" && raw.length === 19 && isDmy(raw) && isTimeAt(raw, 10, " ") && !isZeroDate(raw)) {
    const date = isoDate(digitsAt(raw, 6, 4), digitsAt(raw, 3, 2), digitsAt(raw, 0, 2))
    if (!date.ok) return date
    if (!validTime(digitsAt(raw, 11, 2), digitsAt(raw, 14, 2), digitsAt(raw, 17, 2))) {
      return fail("INVALID_DATE", `'${raw}' has an impossible time of day`)
    }
    return ok(isoTimestamp(date.value, raw))
  }
  if (raw instanceof Date) return sqlTimestamp(raw)
  const s0 = asString(raw)
  if (s0 === undefined) return NONE
  const s = stripNul(s0).trim()
  if (s === "" || isZeroDate(s)) return NONE
  const m = DMY.exec(s)
  if (m === null) return fail("INVALID_DATE", `'${s}' is not a dd/mm/yyyy hh:mm date`)
  const date = isoDate(Number(m[3]), Number(m[2]), Number(m[1]))
  if (!date.ok || m[4] === undefined) return date
  const h = Number(m[4]), mi = Number(m[5]), sec = m[6] === undefined ? 0 : Number(m[6])
  if (!validTime(h, mi, sec)) return fail("INVALID_DATE", `'${s}' has an impossible time of day`)
  return ok(`${date.value}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}${VIETNAM_OFFSET}`)
}

/**
 * The calendar date a driver's Date object stands for. pg builds DATE values at local midnight,
 * PGlite at UTC midnight: whichever reading lands on midnight is the stored date.
 */
const calendarDateOf = (d: Date): [number, number, number] =>
  d.getHours() === 0 && d.getMinutes() === 0 && d.getSeconds() === 0 && d.getMilliseconds() === 0
    ? [d.getFullYear(), d.getMonth() + 1, d.getDate()]
    : [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()]

/**
 * A real DATE value → ISO date: a Date object from pg/PGlite, or "YYYY-MM-DD" from MariaDB
 * (dateStrings). '0000-00-00' and null → no value. A timestamp value keeps only its date part.
 */
export const sqlDate: Decoder<string | undefined> = (raw) => {
  if (raw === null || raw === undefined) return NONE
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return fail("INVALID_DATE", "the driver returned an invalid date")
    const [y, m, d] = calendarDateOf(raw)
    return isoDate(y, m, d)
  }
  const s = stripNul(asString(raw) ?? "").trim()
  if (s === "" || isZeroDate(s)) return NONE
  const m = YMD.exec(s)
  if (m === null) return fail("INVALID_DATE", `'${s}' is not a yyyy-mm-dd date`)
  return isoDate(Number(m[1]), Number(m[2]), Number(m[3]))
}

/**
 * A TIMESTAMP/DATETIME without zone (Vietnamese wall-clock time) → ISO with +07:00. pg and PGlite
 * parse such values as process-local time, so the local fields of the Date are the wall clock;
 * MariaDB (dateStrings) gives "YYYY-MM-DD HH:mm:ss". Zero dates and null → no value.
 */
export const sqlTimestamp: Decoder<string | undefined> = (raw) => {
  if (typeof raw === "string" && raw.length === 19 && isYmd(raw) && isTimeAt(raw, 10, " ") && !isZeroDate(raw)) {
    const date = isoDate(digitsAt(raw, 0, 4), digitsAt(raw, 5, 2), digitsAt(raw, 8, 2))
    if (!date.ok) return date
    if (!validTime(digitsAt(raw, 11, 2), digitsAt(raw, 14, 2), digitsAt(raw, 17, 2))) {
      return fail("INVALID_DATE", `'${raw}' has an impossible time of day`)
    }
    return ok(isoTimestamp(date.value, raw))
  }
  if (raw === null || raw === undefined) return NONE
  if (raw instanceof Date) {
    if (Number.isNaN(raw.getTime())) return fail("INVALID_DATE", "the driver returned an invalid timestamp")
    const date = isoDate(raw.getFullYear(), raw.getMonth() + 1, raw.getDate())
    if (!date.ok) return date
    return ok(`${date.value}T${pad2(raw.getHours())}:${pad2(raw.getMinutes())}:${pad2(raw.getSeconds())}${VIETNAM_OFFSET}`)
  }
  const s = stripNul(asString(raw) ?? "").trim()
  if (s === "" || isZeroDate(s)) return NONE
  const m = YMD.exec(s)
  if (m === null) return fail("INVALID_DATE", `'${s}' is not a yyyy-mm-dd hh:mm:ss timestamp`)
  const date = isoDate(Number(m[1]), Number(m[2]), Number(m[3]))
  if (!date.ok || m[4] === undefined) return date
  const h = Number(m[4]), mi = Number(m[5]), sec = m[6] === undefined ? 0 : Number(m[6])
  if (!validTime(h, mi, sec)) return fail("INVALID_DATE", `'${s}' has an impossible time of day`)
  return ok(`${date.value}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}${VIETNAM_OFFSET}`)
}

/** A year kept in its own column (people whose exact birth date is unknown) → "YYYY"; 0 or empty → no value. */
export const yearNumber: Decoder<string | undefined> = (raw) => {
  const s = asString(raw)
  if (s === undefined || s.trim() === "" || s.trim() === "0") return NONE
  const t = s.trim()
  if (!YEAR.test(t)) return fail("INVALID_DATE", `'${t}' is not a year`)
  return yearOnly(Number(t))
}

// ---------------------------------------------------------------------------------------------
// Enums, booleans, numbers

/**
 * A vendor's coded column → canonical value through a lookup table. Keys are compared after
 * trimming and NFC, as strings (so 1, "1" and 1n are the same key). Empty → no value; unknown → UNKNOWN_ENUM.
 */
export const enumOf = <T>(table: Readonly<Record<string, T>>, what: string): Decoder<T | undefined> => {
  const map = new Map<string, T>(Object.entries(table).map(([k, v]) => [nfc(k), v]))
  return (raw) => {
    const s = asString(raw)
    if (s === undefined) return NONE
    const k = nfc(stripNul(s).trim())
    if (k === "") return NONE
    const v = map.get(k)
    return v === undefined ? fail("UNKNOWN_ENUM", `'${k}' is not a known ${what}`) : ok(v)
  }
}

/**
 * A boolean as MariaDB `tinyint(1)` (0/1, "0"/"1"), PostgreSQL boolean (true/false, "t"/"f")
 * or a BIT(1) Buffer. Null → no value; anything else → UNKNOWN_ENUM.
 */
export const flag: Decoder<boolean | undefined> = (raw) => {
  if (raw === null || raw === undefined) return NONE
  if (typeof raw === "boolean") return ok(raw)
  if (raw instanceof Uint8Array && raw.length === 1) return raw[0] === 0 ? ok(false) : raw[0] === 1 ? ok(true) : fail("UNKNOWN_ENUM", "not a boolean")
  const s = String(raw).trim().toLowerCase()
  if (s === "1" || s === "t" || s === "true") return ok(true)
  if (s === "0" || s === "f" || s === "false") return ok(false)
  if (s === "") return NONE
  return fail("UNKNOWN_ENUM", `'${s}' is not a boolean (0/1)`)
}

const DECIMAL = /^([+-]?)(\d+)(?:\.(\d*))?$/

/**
 * A decimal (DECIMAL/NUMERIC arrive as strings, or numbers) → a plain decimal string with exactly
 * `scale` fraction digits. Extra fraction digits must be zeros ("150000.00" → "150000" at scale 0;
 * "150000.50" → INVALID_NUMBER, never silently rounded). Empty → no value.
 */
export const decimalAtScale = (scale: number): Decoder<string | undefined> => (raw) => {
  if (raw === null || raw === undefined) return NONE
  let s: string
  if (typeof raw === "number") {
    if (!Number.isFinite(raw)) return fail("INVALID_NUMBER", `${raw} is not a number`)
    s = raw.toFixed(Math.max(scale, 6))
  } else s = stripNul(asString(raw) ?? "").trim().replace(/,/g, "")
  if (s === "") return NONE
  const m = DECIMAL.exec(s)
  if (m === null) return fail("INVALID_NUMBER", `'${s}' is not a decimal number`)
  const sign = m[1] === "-" ? "-" : ""
  const intPart = m[2]!.replace(/^0+(?=\d)/, "")
  const frac = m[3] ?? ""
  if (/[1-9]/.test(frac.slice(scale))) return fail("INVALID_NUMBER", `'${s}' has more than ${scale} decimal places`)
  const kept = frac.slice(0, scale).padEnd(scale, "0")
  const isZero = /^0+$/.test(intPart + kept)
  return ok(`${isZero ? "" : sign}${intPart}${scale > 0 ? `.${kept}` : ""}`)
}

/** An integer key (number, bigint, or digit string as pg returns BIGINT) → its decimal string. */
export const integerKey: Decoder<string | undefined> = (raw) => {
  if (raw === null || raw === undefined) return NONE
  if (typeof raw === "number") return Number.isSafeInteger(raw) ? ok(String(raw)) : fail("INVALID_NUMBER", `${raw} is not an integer key`)
  if (typeof raw === "bigint") return ok(raw.toString())
  const s = stripNul(asString(raw) ?? "").trim()
  if (s === "") return NONE
  return /^-?\d+$/.test(s) ? ok(s.replace(/^(-?)0+(?=\d)/, "$1")) : fail("INVALID_NUMBER", `'${s}' is not an integer key`)
}

// ---------------------------------------------------------------------------------------------
// Citizen identity numbers

/**
 * Province-of-birth codes that open a CCCD number (Circular 59/2021/TT-BCA): "0" + the 63 old
 * province codes.
 */
export const CCCD_PROVINCE_PREFIXES: ReadonlySet<string> = new Set(
  [
    "01", "02", "04", "06", "08", "10", "11", "12", "14", "15", "17", "19", "20", "22", "24", "25", "26", "27", "30",
    "31", "33", "34", "35", "36", "37", "38", "40", "42", "44", "45", "46", "48", "49", "51", "52", "54", "56", "58",
    "60", "62", "64", "66", "67", "68", "70", "72", "74", "75", "77", "79", "80", "82", "83", "84", "86", "87", "89",
    "91", "92", "93", "94", "95", "96"
  ].map((p) => `0${p}`)
)

/** Digits only: spaces, dots and dashes typed inside the number removed. Undefined when other characters remain. */
const idDigits = (raw: unknown): string | undefined | null => {
  const s = asString(raw)
  if (s === undefined) return undefined
  let out = ""
  for (const ch of stripNul(s)) {
    if (ch >= "0" && ch <= "9") out += ch
    else if (ch === " " || ch === "." || ch === "-" || ch === "\u00a0" || ch === "\t") continue
    else return null
  }
  return out
}

/**
 * Why a 12-digit string is not a structurally valid CCCD, or undefined when it is: the first
 * three digits must be a province-of-birth code, the fourth the gender/century digit of someone
 * born in the 20th or 21st century (0–3).
 */
export const cccdProblem = (digits: string): string | undefined => {
  if (digits.length !== 12) return `has ${digits.length} digits, not 12`
  if (!CCCD_PROVINCE_PREFIXES.has(digits.slice(0, 3))) return `'${digits.slice(0, 3)}' is not a province-of-birth code`
  const g = digits.charCodeAt(3) - 0x30
  if (g > 3) return `gender/century digit ${g} belongs to a birth after 2099`
  return undefined
}

/**
 * Optional CCCD (căn cước công dân): separators removed, leading zeros lost by spreadsheets
 * restored (10 or 11 digits → 12: every CCCD starts with 0), then checked structurally.
 * Empty → no value; anything else invalid → INVALID_CCCD.
 */
export const cccd: Decoder<string | undefined> = (raw) => {
  const digits = idDigits(raw)
  if (digits === undefined) return NONE
  if (digits === null) return fail("INVALID_CCCD", `'${String(raw)}' holds characters other than digits`)
  if (digits === "") return NONE
  const padded = digits.length === 10 || digits.length === 11 ? digits.padStart(12, "0") : digits
  const problem = cccdProblem(padded)
  return problem === undefined ? ok(padded) : fail("INVALID_CCCD", `CCCD '${digits}' ${problem}`)
}

/** Optional CMND (chứng minh nhân dân): 9 digits (or the 12-digit CMND of 2012–2016); else INVALID_CMND. */
export const cmnd: Decoder<string | undefined> = (raw) => {
  const digits = idDigits(raw)
  if (digits === undefined) return NONE
  if (digits === null) return fail("INVALID_CMND", `'${String(raw)}' holds characters other than digits`)
  if (digits === "") return NONE
  if (digits.length === 8) return ok(`0${digits}`)
  return digits.length === 9 || digits.length === 12 ? ok(digits) : fail("INVALID_CMND", `CMND '${digits}' has ${digits.length} digits`)
}

// ---------------------------------------------------------------------------------------------
// Rows

export type FieldSpec = Readonly<Record<string, readonly [column: string, decoder: Decoder<unknown>]>>

export type DecodedFields<S extends FieldSpec> = { -readonly [K in keyof S]: S[K][1] extends Decoder<infer T> ? T : never }

export type RowDecoding<V> =
  | { readonly ok: true; readonly values: V }
  | Extract<MappingResult<never>, { ok: false }>

/**
 * Compiles a table of `field: [column, decoder]` into one function over a row. The first column
 * that fails becomes the reject (with its column name and raw value); otherwise the decoded values.
 */
export const rowDecoder = <S extends FieldSpec>(spec: S): ((row: SourceRow) => RowDecoding<DecodedFields<S>>) => {
  const entries = Object.entries(spec).map(([field, [column, decoder]]) => ({ field, column, decoder }))
  // Every row's values object starts as a copy of this one: all fields in place, in one shape,
  // instead of growing property by property.
  const shape: Record<string, unknown> = Object.fromEntries(entries.map((e) => [e.field, undefined]))
  return (row) => {
    const values: Record<string, unknown> = { ...shape }
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!
      const raw = row[e.column]
      const d = e.decoder(raw)
      if (!d.ok) return { ok: false, code: d.code, column: e.column, message: d.message, value: raw }
      values[e.field] = d.value
    }
    return { ok: true, values: values as DecodedFields<S> }
  }
}

/** A reject result for a rule that spans columns (the mapping's own check). */
export const reject = (code: RejectCode, column: string, message: string, value: unknown): Extract<MappingResult<never>, { ok: false }> =>
  ({ ok: false, code, column, message, value })

/** A source key part from an integer key value (number, bigint, or BIGINT as a string). */
export const keyText = (raw: unknown): string => (typeof raw === "string" ? raw.trim() : String(raw))

/** An optional foreign key as the source key of the row it points to (null/0/"" → undefined). */
export const foreignKey = (source: string, table: string, raw: unknown): string | undefined => {
  if (raw === null || raw === undefined) return undefined
  let tables = foreignKeyMemos.get(source)
  if (tables === undefined) foreignKeyMemos.set(source, tables = new Map())
  let keys = tables.get(table)
  if (keys === undefined) tables.set(table, keys = new Map())
  let key = keys.get(raw)
  if (key === undefined) {
    const k = keyText(raw)
    if (k === "" || k === "0") return undefined
    if (keys.size >= FOREIGN_KEY_MEMO_SIZE) keys.clear()
    key = sourceKeyOf(source, table, k)
    keys.set(raw, key)
  }
  return key
}

/**
 * Source keys of referenced rows by raw key value, per source and referenced table: a dossier
 * names its applicant and agency, and most of them were named before. Handing out the same
 * string each time spares a concatenation per reference, and the id memos (`referenceId` in
 * target/tables) then find it by its cached hash and identity instead of hashing a fresh string.
 * Bounded (16k keys per source and table, ≈ 1 MB): a full memo starts over; a key it no longer
 * holds is made again, and the id memo then hashes it, as before this memo.
 */
const FOREIGN_KEY_MEMO_SIZE = 1 << 14
const foreignKeyMemos = new Map<string, Map<string, Map<unknown, string>>>()

/**
 * The OldUnitRef of a row from its raw codes (trimmed, never remapped here). A row without a
 * province code gets the source's old province.
 */
export const oldUnitRef = (
  context: MappingContext,
  parts: { province?: unknown; district?: unknown; commune?: unknown; address?: string | undefined; hamlet?: string | undefined }
): OldUnitRef => ({
  provinceCode: unitCode(parts.province) ?? context.oldProvinceCode,
  districtCode: unitCode(parts.district),
  communeCode: unitCode(parts.commune),
  address: parts.address,
  hamlet: parts.hamlet
})

/** A raw unit code trimmed, undefined when empty. */
const unitCode = (v: unknown): string | undefined => {
  if (v === null || v === undefined) return undefined
  const s = String(v).trim()
  return s === "" ? undefined : s
}

/** The commune code, else district code, else province code of a raw row, trimmed ("" when none). */
export const accountingUnitOf = (communeColumn: string | undefined, districtColumn: string | undefined, provinceColumn: string | undefined) => {
  const columns = [communeColumn, districtColumn, provinceColumn].filter((c) => c !== undefined)
  return (row: SourceRow): string => {
    for (let i = 0; i < columns.length; i++) {
      const v = row[columns[i]!]
      if (v === null || v === undefined) continue
      const s = String(v).trim()
      if (s !== "") return s
    }
    return ""
  }
}

/**
 * What the deduplication stage takes in and gives back.
 */

/** One citizen (công dân) record as one source system holds it. Every field but the ids may be missing. */
export interface CitizenRecord {
  /** Unique across the whole input (prefix it with the source when sources reuse numbers). */
  readonly recordId: string
  /** Which system the record came from ("hn-tthc", "hy-hotich", …). */
  readonly source: string
  readonly cccd?: string | undefined
  readonly cmnd?: string | undefined
  readonly fullName?: string | undefined
  /** YYYY-MM-DD, or YYYY when only the year is known (DD/MM/YYYY is also read). */
  readonly birthDate?: string | undefined
  readonly gender?: "M" | "F" | undefined
  /** Quê quán: an administrative unit code (remapped to the new units when available). */
  readonly hometownCode?: string | undefined
  /** Free-text residence address. */
  readonly address?: string | undefined
  /** Residence commune, as a NEW (post-2025) commune code after remapping. */
  readonly communeCode?: string | undefined
  readonly fatherName?: string | undefined
  readonly motherName?: string | undefined
  readonly phone?: string | undefined
  /** When the source last changed the record (ISO); used to pick the most recent CCCD. */
  readonly updatedAt?: string | undefined
}

/** A reviewer's verdict on a pair; it overrides the model on every later run. */
export interface ReviewDecision {
  readonly recordIdA: string
  readonly recordIdB: string
  readonly decision: "merge" | "keep_apart"
  readonly decidedBy: string
  /** ISO timestamp. When two decisions cover the same pair, the later one wins. */
  readonly decidedAt: string
}

export interface BirthDateParts {
  readonly year: number
  /** 0 when only the year is known. */
  readonly month: number
  readonly day: number
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

const isValidDay = (y: number, m: number, d: number): boolean => {
  if (m < 1 || m > 12 || d < 1) return false
  if (m === 2 && d === 29) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0
  return d <= DAYS_IN_MONTH[m - 1]!
}

/**
 * Reads a birth date written as YYYY-MM-DD, DD/MM/YYYY (also D/M/YYYY, with - or .), YYYYMMDD or
 * YYYY. Returns undefined for anything else, including impossible dates and years outside
 * 1850–2100.
 */
export function parseBirthDate(raw: string | undefined): BirthDateParts | undefined {
  if (raw === undefined) return undefined
  const s = raw.trim()
  if (s.length === 0) return undefined
  let y = 0
  let m = 0
  let d = 0
  let match: RegExpExecArray | null
  if ((match = /^(\d{4})$/.exec(s)) !== null) y = Number(match[1])
  // Year first with dashes (ISO), or with slashes or dots as some registers export it.
  else if ((match = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$/.exec(s) ?? /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/.exec(s)) !== null) {
    y = Number(match[1])
    m = Number(match[2])
    d = Number(match[3])
  } else if ((match = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s)) !== null) {
    d = Number(match[1])
    m = Number(match[2])
    y = Number(match[3])
  } else if ((match = /^(\d{4})(\d{2})(\d{2})$/.exec(s)) !== null) {
    y = Number(match[1])
    m = Number(match[2])
    d = Number(match[3])
  } else if ((match = /^(\d{1,2})[/.-](\d{4})$/.exec(s)) !== null) {
    // MM/YYYY: keep the year only, the month alone is not compared.
    y = Number(match[2])
  } else return undefined
  if (y < 1850 || y > 2100) return undefined
  if (m === 0) return { year: y, month: 0, day: 0 }
  if (!isValidDay(y, m, d)) return undefined
  return { year: y, month: m, day: d }
}

/** Reads nam/nữ/M/F/male/female (any case, with or without diacritics); undefined otherwise. */
export function parseGender(raw: string | undefined): "M" | "F" | undefined {
  if (raw === undefined) return undefined
  const s = raw.trim().normalize("NFC").toLowerCase()
  switch (s) {
    case "m":
    case "nam":
    case "male":
      return "M"
    case "f":
    case "nữ":
    case "nu":
    case "nư":
    case "nũ":
    case "female":
      return "F"
    default:
      return undefined
  }
}

/** The value of the decimal digits raw[from, to), -1 when one is not a digit. */
function digitsAt(raw: string, from: number, to: number): number {
  let v = 0
  for (let k = from; k < to; k++) {
    const c = raw.charCodeAt(k) - 48
    if (c < 0 || c > 9) return -1
    v = v * 10 + c
  }
  return v
}

/**
 * parseBirthDate packed as one number: YYYYMMDD (MMDD = 0 for a year alone), -1 when the text is
 * unreadable, 0 when it is empty. The usual YYYY-MM-DD is read without a regular expression.
 */
export function packedBirthDate(raw: string): number {
  if (raw.length === 10 && raw.charCodeAt(4) === 45 && raw.charCodeAt(7) === 45) {
    const y = digitsAt(raw, 0, 4)
    const m = digitsAt(raw, 5, 7)
    const d = digitsAt(raw, 8, 10)
    if (y >= 0 && m >= 0 && d >= 0) {
      if (y < 1850 || y > 2100) return -1
      if (m === 0) return y * 10000
      return isValidDay(y, m, d) ? y * 10000 + m * 100 + d : -1
    }
  }
  const p = parseBirthDate(raw)
  if (p !== undefined) return p.year * 10000 + p.month * 100 + p.day
  return raw.trim().length === 0 ? 0 : -1
}

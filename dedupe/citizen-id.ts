/**
 * Cleaning and validation of citizen identity numbers: CCCD (căn cước công dân, 12 digits) and
 * the old CMND (chứng minh nhân dân, 9 digits).
 *
 * CCCD layout (Circular 07/2016/TT-BCA, art. 7): 3-digit province-of-birth code, 1 digit for
 * century and gender (0/1 = 1900s male/female, 2/3 = 2000s, 4/5 = 2100s, …), 2 digits of the birth
 * year, 6 random digits. There is no check digit, so validation can only test that the layout is
 * possible and agrees with the rest of the record.
 */

/** The 63 pre-2025 province codes used as the CCCD prefix. */
export const CCCD_PROVINCE_CODES: ReadonlySet<string> = new Set([
  "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022",
  "024", "025", "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042",
  "044", "045", "046", "048", "049", "051", "052", "054", "056", "058", "060", "062", "064", "066",
  "067", "068", "070", "072", "074", "075", "077", "079", "080", "082", "083", "084", "086", "087",
  "089", "091", "092", "093", "094", "095", "096"
])

const PROVINCE_NUMBERS: ReadonlySet<number> = new Set([...CCCD_PROVINCE_CODES].map(Number))

export type CccdIssue =
  | "wrong_length"
  | "not_digits"
  | "unknown_province"
  | "birth_year_mismatch"
  | "gender_mismatch"
  | "implausible_century"

export interface CccdCheck {
  /** True when the layout is possible and nothing in the record contradicts it. */
  readonly valid: boolean
  readonly issues: readonly CccdIssue[]
  readonly provinceCode?: string
  /** Birth year and gender the number encodes (when the layout is readable). */
  readonly birthYear?: number
  readonly gender?: "M" | "F"
}

/** Digits only: removes spaces, dots, dashes and similar separators; undefined when nothing is left or letters remain. */
export function idDigits(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  let out = ""
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i)
    if (c >= 48 && c <= 57) out += raw[i]
    else if (c === 32 || c === 46 || c === 45 || c === 95 || c === 0xa0 || c === 9 || c === 39 || c === 34) continue
    else return undefined
  }
  return out.length === 0 ? undefined : out
}

export interface CleanedIds {
  readonly cccd?: string
  readonly cmnd?: string
  /** What was done: "cccd_leading_zero_restored", "cmnd_in_cccd_field", "cccd_unreadable", … */
  readonly notes: readonly string[]
}

/**
 * Cleans the two ID fields of one record: strips separators, restores a leading zero lost when
 * the number went through a spreadsheet (11 → 12 digits for CCCD, 8 → 9 for CMND) and moves a
 * number typed into the wrong column (9 digits in the CCCD field, 12 in the CMND field).
 * Anything else that is not the right length is dropped with a note rather than guessed.
 */
export function cleanCitizenIds(cccdRaw: string | undefined, cmndRaw: string | undefined): CleanedIds {
  const notes: string[] = []
  let cccd: string | undefined
  let cmnd: string | undefined
  const place = (digits: string | undefined, field: "cccd" | "cmnd", raw: string | undefined) => {
    if (digits === undefined) {
      if (raw !== undefined && raw.trim() !== "") notes.push(`${field}_unreadable`)
      return
    }
    let d = digits
    if (d.length === 11 && field === "cccd") {
      d = "0" + d
      notes.push("cccd_leading_zero_restored")
    } else if (d.length === 8 && field === "cmnd") {
      d = "0" + d
      notes.push("cmnd_leading_zero_restored")
    }
    if (/^0+$/.test(d)) {
      notes.push(`${field}_all_zeros`)
      return
    }
    if (d.length === 12) {
      if (field === "cmnd") notes.push("cccd_in_cmnd_field")
      if (cccd === undefined) cccd = d
    } else if (d.length === 9) {
      if (field === "cccd") notes.push("cmnd_in_cccd_field")
      if (cmnd === undefined) cmnd = d
    } else if (d.length === 11 && field === "cmnd") {
      notes.push("cccd_in_cmnd_field", "cccd_leading_zero_restored")
      if (cccd === undefined) cccd = "0" + d
    } else if (d.length === 8 && field === "cccd") {
      notes.push("cmnd_in_cccd_field", "cmnd_leading_zero_restored")
      if (cmnd === undefined) cmnd = "0" + d
    } else notes.push(`${field}_wrong_length`)
  }
  place(idDigits(cccdRaw), "cccd", cccdRaw)
  place(idDigits(cmndRaw), "cmnd", cmndRaw)
  const out: { cccd?: string; cmnd?: string; notes: string[] } = { notes }
  if (cccd !== undefined) out.cccd = cccd
  if (cmnd !== undefined) out.cmnd = cmnd
  return out
}

/**
 * Validates a cleaned CCCD against its layout and, when known, the record's birth year and
 * gender.
 */
const NO_ISSUES: readonly CccdIssue[] = []

/**
 * Allocation-free check of a 12-digit CCCD against the record: true when the layout is
 * possible (known province, 1900s/2000s century digit) and agrees with the birth year and
 * gender given (0 / undefined = unknown).
 */
/**
 * The birth year a CCCD encodes, from its first six digits as a number (province, century and
 * gender digit, two year digits): century digit 0/1 is 1900–1999, 2/3 is 2000–2099.
 */
export function birthYearOfCccdPrefix(prefix: number): number {
  const centuryGender = Math.floor(prefix / 100) % 10
  return 1900 + Math.floor(centuryGender / 2) * 100 + (prefix % 100)
}

export function isConsistentCccd(cccd: string, birthYear: number, gender: "M" | "F" | undefined): boolean {
  if (cccd.length !== 12) return false
  for (let k = 0; k < 12; k++) {
    const c = cccd.charCodeAt(k)
    if (c < 48 || c > 57) return false
  }
  const province = (cccd.charCodeAt(0) - 48) * 100 + (cccd.charCodeAt(1) - 48) * 10 + (cccd.charCodeAt(2) - 48)
  if (!PROVINCE_NUMBERS.has(province)) return false
  const cg = cccd.charCodeAt(3) - 48
  if (cg > 3) return false
  const year = 1900 + Math.floor(cg / 2) * 100 + (cccd.charCodeAt(4) - 48) * 10 + (cccd.charCodeAt(5) - 48)
  if (birthYear > 0 && birthYear !== year) return false
  if (gender !== undefined && gender !== (cg % 2 === 0 ? "M" : "F")) return false
  return true
}

export function validateCccd(cccd: string, record: { birthYear?: number; gender?: "M" | "F" } = {}): CccdCheck {
  for (let k = 0; k < cccd.length; k++) {
    const c = cccd.charCodeAt(k)
    if (c < 48 || c > 57) return { valid: false, issues: ["not_digits"] }
  }
  if (cccd.length !== 12) return { valid: false, issues: ["wrong_length"] }
  let issues = NO_ISSUES as CccdIssue[]
  const provinceCode = cccd.slice(0, 3)
  const add = (issue: CccdIssue) => {
    if (issues === NO_ISSUES) issues = []
    issues.push(issue)
  }
  if (!CCCD_PROVINCE_CODES.has(provinceCode)) add("unknown_province")
  const cg = cccd.charCodeAt(3) - 48
  const century = 1900 + Math.floor(cg / 2) * 100
  const gender: "M" | "F" = cg % 2 === 0 ? "M" : "F"
  const birthYear = century + (cccd.charCodeAt(4) - 48) * 10 + (cccd.charCodeAt(5) - 48)
  if (cg > 3) add("implausible_century")
  if (record.birthYear !== undefined && record.birthYear > 0 && record.birthYear !== birthYear) add("birth_year_mismatch")
  if (record.gender !== undefined && record.gender !== gender) add("gender_mismatch")
  return { valid: issues.length === 0, issues, provinceCode, birthYear, gender }
}

/** A CMND is 9 digits (the 12-digit CMND of 2012–2016 shares the CCCD layout and is handled as one). */
export function isPlausibleCmnd(cmnd: string): boolean {
  return /^\d{9}$/.test(cmnd) && !/^0+$/.test(cmnd)
}

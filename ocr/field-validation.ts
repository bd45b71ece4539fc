/**
 * Validation and normalisation of the fields read from a district result: dates that exist,
 * CCCD structure (Thông tư 07/2016/TT-BCA: 3-digit birth-registration province, century/sex digit,
 * 2-digit birth year, 6 random digits), document number and symbol format (Nghị định 30/2020),
 * and Vietnamese personal names (title case, canonical tone marks, OCR-damaged surnames).
 */
import { canonicalToneMarks, foldKey, nfc } from "../text/vietnamese.ts"

export type Checked<A> =
  | { readonly ok: true; readonly value: A; readonly corrected: boolean; readonly note?: string }
  | { readonly ok: false; readonly code: string; readonly detail: string }

/** The 63 province codes that open a CCCD (mã tỉnh nơi đăng ký khai sinh), Thông tư 07/2016/TT-BCA. */
export const CCCD_PROVINCE_CODES: ReadonlySet<string> = new Set([
  "001", "002", "004", "006", "008", "010", "011", "012", "014", "015", "017", "019", "020", "022", "024", "025",
  "026", "027", "030", "031", "033", "034", "035", "036", "037", "038", "040", "042", "044", "045", "046", "048",
  "049", "051", "052", "054", "056", "058", "060", "062", "064", "066", "067", "068", "070", "072", "074", "075",
  "077", "079", "080", "082", "083", "084", "086", "087", "089", "091", "092", "093", "094", "095", "096"
])

/** ISO date from day, month, year if that day exists and lies in [1945, next year]. */
export const checkDate = (day: number, month: number, year: number, now: Date = new Date()): Checked<string> => {
  if (!Number.isInteger(day) || !Number.isInteger(month) || !Number.isInteger(year)) {
    return { ok: false, code: "INVALID_DATE", detail: `not a date: ${day}/${month}/${year}` }
  }
  const d = new Date(Date.UTC(year, month - 1, day))
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) {
    return { ok: false, code: "INVALID_DATE", detail: `no such day: ${day}/${month}/${year}` }
  }
  if (year < 1945 || year > now.getUTCFullYear() + 1) {
    return { ok: false, code: "DATE_OUT_OF_RANGE", detail: `year ${year} is outside 1945..${now.getUTCFullYear() + 1}` }
  }
  return { ok: true, value: `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`, corrected: false }
}

/** Letters OCR commonly reads for digits inside a number. */
const DIGIT_LOOKALIKES: Readonly<Record<string, string>> = { O: "0", o: "0", D: "0", Q: "0", I: "1", l: "1", i: "1", "|": "1", S: "5", s: "5", B: "8", Z: "2", z: "2", g: "9" }

/** Digits of an OCR'd number, look-alike letters mapped back, separators dropped. */
export const digitsOf = (raw: string): { digits: string; corrected: boolean } => {
  let digits = ""
  let corrected = false
  for (const ch of raw) {
    if (ch >= "0" && ch <= "9") digits += ch
    else if (DIGIT_LOOKALIKES[ch] !== undefined) {
      digits += DIGIT_LOOKALIKES[ch]
      corrected = true
    }
  }
  return { digits, corrected }
}

/**
 * A 12-digit CCCD / personal identification number (số định danh cá nhân), or a 9-digit CMND.
 * Checks the province code, the century/sex digit and that the birth year is not in the future.
 */
export const checkCitizenId = (raw: string, now: Date = new Date()): Checked<string> => {
  const { digits, corrected } = digitsOf(raw)
  if (digits.length === 9) return { ok: true, value: digits, corrected, note: "LEGACY_CMND" }
  if (digits.length !== 12) return { ok: false, code: "INVALID_CCCD", detail: `${digits.length} digits, a CCCD has 12` }
  const province = digits.slice(0, 3)
  if (!CCCD_PROVINCE_CODES.has(province)) return { ok: false, code: "INVALID_CCCD", detail: `no province has code ${province}` }
  const century = Number(digits[3])
  if (century > 9) return { ok: false, code: "INVALID_CCCD", detail: "bad century digit" }
  const year = 1900 + Math.floor(century / 2) * 100 + Number(digits.slice(4, 6))
  if (year > now.getUTCFullYear()) return { ok: false, code: "INVALID_CCCD", detail: `birth year ${year} is in the future` }
  return { ok: true, value: digits, corrected }
}

const SYMBOL_RE = /^\d{1,6}(?:\/\d{4})?\/[A-ZĐ0-9]+(?:[-.][A-ZĐ0-9]+)*$/u

/** Known symbol parts OCR damages by dropping the bar of Đ. */
const SYMBOL_FIXES: ReadonlyArray<readonly [RegExp, string]> = [[/(^|[-/])QD(?=$|[-.])/u, "$1QĐ"]]

/**
 * Symbols of district results (Nghị định 30/2020 appendix and civil-status forms). A symbol one
 * character away from exactly one of these (4NTTHN) is read as that one.
 */
export const KNOWN_SYMBOLS: ReadonlyArray<string> = [
  "QĐ-UBND", "QĐ-CT", "QĐ-CTUBND", "GPXD", "GP-UBND", "GCN", "GCN-HKD", "TLKS-BS", "TLKS", "TLKH", "TLKT", "XNTTHN",
  "TB-UBND", "TLKS-BS", "GKH", "CNKH", "TLKH-BS", "TLKT-BS", "XN-UBND", "GP", "QĐ-TP", "QĐ-TNMT", "GPKD"
]

const oneEditApart = (a: string, b: string): boolean => {
  if (Math.abs(a.length - b.length) > 1 || a === b) return false
  let i = 0
  while (i < a.length && i < b.length && a[i] === b[i]) i++
  if (a.length === b.length) return a.slice(i + 1) === b.slice(i + 1)
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1)
}

const nearestKnownSymbol = (symbol: string): string => {
  if (KNOWN_SYMBOLS.includes(symbol)) return symbol
  const near = [...new Set(KNOWN_SYMBOLS.filter((k) => oneEditApart(symbol, k)))]
  return near.length === 1 ? (near[0] as string) : symbol
}

/** "Số: 123 / QĐ - UBND" → "123/QĐ-UBND"; checks the number/[year/]symbol shape. */
export const checkDocumentNumber = (raw: string): Checked<string> => {
  let v = nfc(raw).replace(/[–—]/gu, "-").replace(/\s+/gu, "").toLocaleUpperCase("vi")
  v = v.replace(/[.,;:]+$/u, "")
  // A letter read as a slash leaves "//": drop it and let the known-symbol repair restore the letter.
  const doubled = v.includes("//")
  v = v.replace(/\/{2,}/gu, "/")
  const { digits } = digitsOf(v.split("/")[0] ?? "")
  const rest = v.split("/").slice(1)
  if (digits === "" || rest.length === 0) return { ok: false, code: "INVALID_DOCUMENT_NUMBER", detail: `not number/symbol: ${raw}` }
  let symbol = rest.join("/")
  let corrected = doubled || digits !== (v.split("/")[0] ?? "")
  for (const [re, to] of SYMBOL_FIXES) {
    const fixed = symbol.replace(re, to)
    if (fixed !== symbol) corrected = true
    symbol = fixed
  }
  // The last part is the symbol proper (45/2024/QĐ-UBND): restore it if it is one edit from a known one.
  const parts = symbol.split("/")
  const last = parts[parts.length - 1] as string
  const known = nearestKnownSymbol(last)
  if (known !== last) {
    parts[parts.length - 1] = known
    symbol = parts.join("/")
    corrected = true
  }
  const value = `${String(Number(digits))}/${symbol}`
  if (!SYMBOL_RE.test(value)) return { ok: false, code: "INVALID_DOCUMENT_NUMBER", detail: `not number/symbol: ${raw}` }
  return { ok: true, value, corrected }
}

/**
 * Surnames keyed by their accent-free form. Only forms with one common spelling are listed, so an
 * OCR-damaged capital (NGUYÊN for NGUYỄN, ĐÔ for ĐỖ) can be restored without guessing.
 */
const SURNAMES: ReadonlyMap<string, string> = (() => {
  const list = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đoàn",
    "Trịnh", "Đinh", "Mai", "Cao", "Lương", "Tống", "Triệu", "Lâm", "Quách", "Vương", "Chu", "Kiều", "Tạ", "Thái",
    "Lò", "Hứa", "Khổng", "Mạc", "Văn", "Nông", "Lục", "Tô", "Châu", "Giáp", "Phùng", "Hầu", "Lưu", "Đặng", "Vũ",
    "Võ", "Hà", "Đào", "Đàm", "Lã", "Tăng", "Trương", "Doãn", "Ninh", "Kim", "Diệp"
  ]
  const byKey = new Map<string, string | null>()
  // Two surnames with one accent-free form (Đoàn, Doãn) cannot be restored: such keys map to null.
  for (const s of list) byKey.set(foldKey(s), byKey.has(foldKey(s)) ? null : s)
  return new Map([...byKey].filter((e): e is [string, string] => e[1] !== null))
})()

const capitalise = (word: string): string => {
  const lower = word.toLocaleLowerCase("vi")
  return lower.charAt(0).toLocaleUpperCase("vi") + lower.slice(1)
}

/** A personal name as written in a register: NFC, canonical tone marks, each word capitalised. */
export const titleCaseName = (raw: string): string =>
  canonicalToneMarks(nfc(raw).trim().split(/\s+/u).map(capitalise).join(" "))

/**
 * Normalises a personal name and restores a damaged surname. Returns `corrected` when the surname
 * was changed, so the caller can lower its confidence.
 */
export const checkPersonName = (raw: string): Checked<string> => {
  const name = titleCaseName(raw.replace(/[^\p{L}\s]/gu, " ").replace(/\s+/gu, " "))
  const words = name.split(" ").filter((w) => w !== "")
  if (words.length < 2 || words.length > 6) return { ok: false, code: "INVALID_NAME", detail: `a name has 2 to 6 words: "${raw}"` }
  if (words.some((w) => w.length > 7)) return { ok: false, code: "INVALID_NAME", detail: `not a Vietnamese name: "${raw}"` }
  const first = words[0] as string
  const surname = SURNAMES.get(foldKey(first))
  let corrected = false
  if (surname !== undefined && surname !== first) {
    words[0] = surname
    corrected = true
  }
  return { ok: true, value: words.join(" "), corrected }
}

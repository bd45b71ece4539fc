/**
 * Masking of personal identifiers for reviewers who must not see them: citizen identity numbers
 * (CCCD, 12 digits; the older CMND, 9 digits) and phone numbers (số điện thoại). The last digits
 * stay visible so a reviewer can still tell two records apart: 4 for a CCCD, 3 for a CMND or a
 * phone number. Separators and a leading "+" are kept; every other digit becomes "*".
 */
import type { CellData } from "./cell-safety.ts"

const MASK = "*"

/** Keeps the last `keep` digits of `text` and masks every earlier digit. */
const maskDigitsExceptLast = (text: string, keep: number): string => {
  const digitCount = text.replace(/\D/g, "").length
  let toMask = Math.max(0, digitCount - keep)
  let out = ""
  for (const ch of text) {
    if (toMask > 0 && ch >= "0" && ch <= "9") {
      out += MASK
      toMask--
    } else {
      out += ch
    }
  }
  return out
}

/** CCCD (12 digits) keeps 4 digits, CMND (9 digits) and anything else keeps 3. */
export const maskCitizenId = (id: string): string =>
  maskDigitsExceptLast(id, id.replace(/\D/g, "").length >= 12 ? 4 : 3)

/** Keeps the last 3 digits of a phone number: "0912 345 678" -> "**** *** 678". */
export const maskPhone = (phone: string): string => maskDigitsExceptLast(phone, 3)

/** Vietnamese phone numbers: 0 or +84/84 followed by 8–10 digits, with optional single separators. */
const PHONE_IN_TEXT = /(?<![\d+])(?:\+84|84|0)(?:[ .-]?\d){8,10}(?![\d])/g
/** A CCCD (12 digits) or CMND (9 digits) standing alone in text. */
const CITIZEN_ID_IN_TEXT = /(?<!\d)(?:\d{12}|\d{9})(?!\d)/g

/** Masks every CCCD, CMND and phone number found in free text (messages, raw values, OCR text). */
export const maskIdentifiersInText = (text: string): string =>
  text.replace(CITIZEN_ID_IN_TEXT, maskCitizenId).replace(PHONE_IN_TEXT, maskPhone)

/** Field names that hold a citizen identity number, in the spellings sources use. */
const CITIZEN_ID_FIELD = /(cccd|cmnd|citizen_?id|identity|id_?number|so_?gi?ay_?to|national_?id|personal_?id|passport)/i
/** Field names that hold a phone number. */
const PHONE_FIELD = /(phone|mobile|tel|dien_?thoai|sdt)/i

/**
 * Masks one value. When the field name says it is a citizen id or a phone number, the whole
 * value is masked whatever its form (a number included); otherwise strings are searched for
 * identifiers and other values pass unchanged.
 */
export const maskValue = (value: CellData, fieldName?: string): CellData => {
  if (value === null || value === undefined || typeof value === "boolean" || value instanceof Date) return value
  if (fieldName !== undefined) {
    if (CITIZEN_ID_FIELD.test(fieldName)) return maskCitizenId(String(value))
    if (PHONE_FIELD.test(fieldName)) return maskPhone(String(value))
  }
  return typeof value === "string" ? maskIdentifiersInText(value) : value
}

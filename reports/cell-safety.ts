/**
 * What every data cell goes through before it reaches a workbook or a CSV file.
 *
 * - Formula injection (OWASP "CSV Injection"): a string that begins with = + - @, a tab or a
 *   carriage return is prefixed with an apostrophe, so no spreadsheet evaluates it, even after
 *   a reviewer edits the cell or re-saves the sheet as CSV. Numbers stay numbers: -5 typed as a
 *   number is data, not a formula; only strings are guarded.
 * - Secrets: password hashes in modular-crypt or Django form are replaced by a marker, so a
 *   raw value copied from an accounts table can never leak a hash into a report.
 * - Size: Excel refuses cells longer than 32,767 characters; longer text is cut with a marker.
 */

/** Characters that make a spreadsheet treat a cell as a formula (OWASP list). */
const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(["=", "+", "-", "@", "\t", "\r"])

/** Excel's hard limit for the text of one cell. */
export const MAX_CELL_TEXT_LENGTH = 32_767

const TRUNCATION_MARKER = "…[cắt bớt/truncated]"

/** Shown in place of anything that looks like a password hash. */
export const REDACTED_SECRET = "[đã ẩn/redacted]"

/**
 * bcrypt ($2a$ $2b$ $2y$), sha-crypt ($5$ $6$), md5-crypt ($1$), argon2, scrypt, yescrypt ($y$),
 * PBKDF2 in Django / passlib form, and LDAP {SSHA}/{SHA}/{CRYPT} values.
 */
const PASSWORD_HASH_PATTERN =
  /(?:\$(?:2[abxy]?|1|5|6|y|7|argon2(?:id|i|d)|scrypt|pbkdf2(?:-sha\d+)?)\$[^\s"';]+|\b(?:pbkdf2_sha\d+|bcrypt_sha256|argon2|sha1|md5)\$[^\s"';]+|\{(?:SSHA|SHA|SSHA256|SSHA512|CRYPT|MD5|SMD5)\}[^\s"';]+)/g

/** True when a string would be evaluated as a formula if typed into a spreadsheet. */
export const startsLikeFormula = (text: string): boolean => text.length > 0 && FORMULA_TRIGGERS.has(text.charAt(0))

/** Prefixes an apostrophe when the string would otherwise start a formula. */
export const guardFormula = (text: string): string => (startsLikeFormula(text) ? `'${text}` : text)

/** Replaces password-hash-looking substrings with {@link REDACTED_SECRET}. */
export const redactSecrets = (text: string): string => {
  PASSWORD_HASH_PATTERN.lastIndex = 0
  return PASSWORD_HASH_PATTERN.test(text) ? text.replace(PASSWORD_HASH_PATTERN, REDACTED_SECRET) : text
}

/** Cuts text longer than Excel accepts, saying so at the end. */
export const fitCellLength = (text: string): string =>
  text.length <= MAX_CELL_TEXT_LENGTH
    ? text
    : text.slice(0, MAX_CELL_TEXT_LENGTH - TRUNCATION_MARKER.length) + TRUNCATION_MARKER

/**
 * The full treatment for one data string: NFC, secrets redacted, length fitted, formula guarded
 * (the guard last, so nothing after it can remove the apostrophe).
 */
export const safeText = (text: string): string => guardFormula(fitCellLength(redactSecrets(text.normalize("NFC"))))

/** A value a data cell may hold. */
export type CellData = string | number | boolean | Date | null | undefined

/**
 * Makes one data value safe for a cell: strings get {@link safeText}; numbers, booleans and
 * dates pass unchanged (a negative number is a number, not a formula); null/undefined stay empty.
 * Non-finite numbers (NaN, Infinity) become their text so a spreadsheet does not show #NUM!.
 */
export const safeCellValue = (value: CellData): string | number | boolean | Date | null => {
  if (value === null || value === undefined) return null
  if (typeof value === "string") return safeText(value)
  if (typeof value === "number") return Number.isFinite(value) ? value : String(value)
  return value
}

import { describe, expect, it } from "vitest"
import {
  MAX_CELL_TEXT_LENGTH,
  REDACTED_SECRET,
  guardFormula,
  redactSecrets,
  safeCellValue,
  safeText,
  startsLikeFormula
} from "../../reports/cell-safety.ts"

describe("formula-injection guard", () => {
  it.each(["=1+1", "+84912345678", "-2+3", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x","y")'])(
    "prefixes an apostrophe to %j",
    (value) => {
      expect(startsLikeFormula(value)).toBe(true)
      expect(guardFormula(value)).toBe(`'${value}`)
    }
  )

  it.each(["Nguyễn Văn An", "001090012345", "'=already quoted", " =leading space", "", "a=b", "1-2"])("leaves %j alone", (value) => {
    expect(guardFormula(value)).toBe(value)
  })

  it("keeps numbers, booleans and dates as they are: a negative number is data", () => {
    expect(safeCellValue(-5)).toBe(-5)
    expect(safeCellValue(-0.25)).toBe(-0.25)
    expect(safeCellValue(true)).toBe(true)
    const d = new Date("2025-07-01T00:00:00Z")
    expect(safeCellValue(d)).toBe(d)
    expect(safeCellValue(null)).toBeNull()
    expect(safeCellValue(undefined)).toBeNull()
    expect(safeCellValue(Number.NaN)).toBe("NaN")
    expect(safeCellValue("-5")).toBe("'-5")
  })
})

describe("secret redaction", () => {
  it.each([
    "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
    "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo",
    "pbkdf2_sha256$260000$salt$hashhashhash=",
    "$6$rounds=5000$salt$hash",
    "{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="
  ])("hides %s", (hash) => {
    expect(redactSecrets(`mat_khau=${hash} ok`)).toBe(`mat_khau=${REDACTED_SECRET} ok`)
  })

  it("leaves money and checksums alone", () => {
    expect(redactSecrets("Lệ phí $5, mã 9f86d081884c7d659a2feaa0c55ad015")).toBe("Lệ phí $5, mã 9f86d081884c7d659a2feaa0c55ad015")
  })
})

describe("safeText", () => {
  it("normalises to NFC before anything else", () => {
    const decomposed = "Nguye\u0302\u0303n"
    expect(safeText(decomposed)).toBe("Nguyễn")
  })

  it("cuts text Excel would refuse, and still guards it", () => {
    const long = "=" + "x".repeat(MAX_CELL_TEXT_LENGTH + 10)
    const out = safeText(long)
    expect(out.length).toBe(MAX_CELL_TEXT_LENGTH + 1)
    expect(out.startsWith("'=")).toBe(true)
    expect(out.endsWith("…[cắt bớt/truncated]")).toBe(true)
  })
})

import { describe, expect, it } from "vitest"
import { LANGS, formatTimestamp, labelsFor, translate, type Labels } from "../../reports/labels.ts"
import { reviewMessage, type ReviewErrorCode } from "../../reports/review-messages.ts"

/** Every leaf string of a labels object, with its path. */
const leaves = (value: unknown, path = ""): Array<[string, string]> => {
  if (typeof value === "string") return [[path, value]]
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([k, v]) => leaves(v, path === "" ? k : `${path}.${k}`))
  return []
}

describe("labels", () => {
  it("has the same keys, all filled, in Vietnamese and English", () => {
    const vi = leaves(labelsFor("vi"))
    const en = leaves(labelsFor("en"))
    expect(vi.map(([p]) => p)).toEqual(en.map(([p]) => p))
    for (const [path, text] of [...vi, ...en]) expect(text.trim(), path).not.toBe("")
  })

  it("speaks the reviewer's Vietnamese, with diacritics in NFC", () => {
    const vi = labelsFor("vi")
    const all = leaves(vi).map(([, t]) => t).join("\n")
    expect(all).toBe(all.normalize("NFC"))
    for (const term of ["hồ sơ", "Hộ tịch", "đơn vị hành chính", "xã/phường", "CCCD", "Bản ghi bị loại", "Mã rà soát"]) {
      expect(all).toContain(term)
    }
    expect(vi.status).toEqual({ match: "khớp", mismatch: "lệch", notChecked: "chưa đối soát" })
    expect(vi.decisions).toEqual({ merge: "Gộp", keepApart: "Giữ riêng", confirm: "Giữ nguyên giá trị", correct: "Sửa theo giá trị đúng" })
  })

  it("gives sheet names Excel accepts, distinct in each language", () => {
    for (const lang of LANGS) {
      const names = Object.values(labelsFor(lang).sheets)
      expect(new Set(names).size).toBe(names.length)
      for (const name of names) {
        expect(name.length).toBeLessThanOrEqual(31)
        expect(name).not.toMatch(/[[\]:*?/\\]/)
      }
    }
  })

  it("keeps drop-down values and prompts within Excel's limits", () => {
    for (const lang of LANGS) {
      const l: Labels = labelsFor(lang)
      // Inline list validations are comma separated and at most 255 characters.
      for (const v of Object.values(l.decisions)) expect(v).not.toContain(",")
      expect(`${l.decisions.merge},${l.decisions.keepApart}`.length).toBeLessThan(255)
      for (const [k, v] of Object.entries(l.prompts)) expect(v.length, k).toBeLessThanOrEqual(k.endsWith("Title") ? 32 : 255)
    }
  })

  it("translates known pipeline words and passes unknown ones through", () => {
    expect(translate(labelsFor("vi").stages, "unit-mapping")).toBe("Chuyển đổi đơn vị hành chính")
    expect(translate(labelsFor("vi").stages, "custom-stage")).toBe("custom-stage")
    expect(translate(labelsFor("vi").stages, "toString")).toBe("toString")
  })

  it("prints run times in Vietnam time", () => {
    const d = new Date("2025-06-30T17:30:05Z")
    expect(formatTimestamp(d, "vi")).toBe("01/07/2025 00:30:05 (giờ Việt Nam)")
    expect(formatTimestamp(d, "en")).toBe("2025-07-01 00:30:05 (UTC+7)")
  })

  it("has a message and a hint for every review error in both languages", () => {
    const codes: ReviewErrorCode[] = [
      "FILE_UNREADABLE", "NOT_A_REVIEW_WORKBOOK", "META_TAMPERED", "FOREIGN_RUN", "MISSING_SHEET", "MISSING_COLUMN",
      "MISSING_REVIEW_KEY", "UNKNOWN_REVIEW_KEY", "REPEATED_REVIEW_KEY", "INVALID_DECISION", "NOT_A_CANDIDATE",
      "INVALID_COMMUNE_CODE", "CORRECTED_VALUE_MISSING", "CONFLICTING_ANSWER", "CONFLICTING_DECISIONS",
      "DECISION_NOT_EXPECTED", "FORMULA_NOT_ALLOWED"
    ]
    for (const lang of LANGS) {
      for (const code of codes) {
        const m = reviewMessage(lang, code, { value: "x", allowed: ["a"], expected: "r1", found: "r2", sheet: "S", column: "C" })
        expect(m.message.length, code).toBeGreaterThan(10)
        expect(m.hint.length, code).toBeGreaterThan(10)
      }
    }
  })
})

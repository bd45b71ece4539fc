import { describe, expect, it } from "vitest"
import { ReviewMetaEntries } from "../../reports/review-meta-entries.ts"

describe("the workbook's _meta entries", () => {
  it("gives back every entry in the order added, through buffer growth and rehashing", () => {
    const entries = new ReviewMetaEntries()
    const added = Array.from({ length: 20_000 }, (_, i) => ({
      kind: (i % 3 === 0 ? "unit" : i % 3 === 1 ? "duplicate" : "ocr") as "unit" | "duplicate" | "ocr",
      reviewKey: `k:${i % 5}/${(i * 7919) % 100_003}`,
      status: i % 3 === 0 ? (i % 2 === 0 ? "ambiguous" : "unknown") : i % 3 === 1 ? "" : "field",
      choices: i % 3 === 0 ? [`${i % 4}0001 — Phường Một`, `${i % 4}0002 — Xã Hai`].slice(0, 1 + (i % 2)) : []
    }))
    added.forEach((e, i) => expect(entries.add(e.kind, e.reviewKey, e.status, e.choices)).toBe(i))
    expect(entries.length).toBe(added.length)
    expect([...entries]).toEqual(added)
    // Read twice (signature, then the sheet): the same entries.
    expect([...entries]).toEqual(added)
  })

  it("refuses a key its kind already has, and takes the same key for another kind", () => {
    const entries = new ReviewMetaEntries()
    expect(entries.add("unit", "unit:a/1", "ambiguous", ["x", "y"])).toBe(0)
    expect(entries.add("unit", "unit:a/2", "ambiguous", ["x", "y"])).toBe(1)
    expect(entries.add("unit", "unit:a/1", "unknown", [])).toBeUndefined()
    expect(entries.add("ocr", "unit:a/1", "field", [])).toBe(2)
    expect(entries.add("unit", "unit:a/10", "unknown", [])).toBe(3)
    expect([...entries].map((e) => [e.kind, e.reviewKey, e.status, e.choices])).toEqual([
      ["unit", "unit:a/1", "ambiguous", ["x", "y"]],
      ["unit", "unit:a/2", "ambiguous", ["x", "y"]],
      ["ocr", "unit:a/1", "field", []],
      ["unit", "unit:a/10", "unknown", []]
    ])
  })
})

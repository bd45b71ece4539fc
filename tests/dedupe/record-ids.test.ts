import { randomUUID } from "node:crypto"
import { describe, expect, it } from "vitest"
import { RecordIds } from "../../dedupe/record-ids.ts"

describe("record ids", () => {
  // UUIDs (kept as bytes) and other ids (kept as strings), mixed, past the initial capacity.
  const ids = [
    ...Array.from({ length: 300 }, () => randomUUID()),
    "R000017", "0000aaaa-0000-0000-0000-000000000000", "0000AAAA-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-fffffffffff",
    "zz", "", "0000aaaa-0000-0000-0000-00000000000g", "ğ-ünicode", "00000000-0000-0000-0000-000000000000"
  ]

  it("gives back every id by row and every row by id, and refuses an id already added", () => {
    const kept = new RecordIds(16)
    for (const id of ids) expect(kept.add(id)).toBe(true)
    expect(kept.size).toBe(ids.length)
    kept.trim()
    ids.forEach((id, row) => {
      expect(kept.id(row)).toBe(id)
      expect(kept.get(id)).toBe(row)
    })
    expect(kept.get("0000aaaa-0000-0000-0000-000000000001")).toBeUndefined()
    expect(kept.get("R000018")).toBeUndefined()
    expect(kept.add(ids[5]!)).toBe(false)
    expect(kept.add("R000017")).toBe(false)
    expect(kept.size).toBe(ids.length)
  })

  it("orders rows as their ids compare as strings", () => {
    const kept = new RecordIds()
    for (const id of ids) kept.add(id)
    for (let a = 0; a < ids.length; a += 7)
      for (let b = 0; b < ids.length; b++) expect(kept.less(a, b)).toBe(ids[a]! < ids[b]!)
  })

  it("keeps an id that is not a UUID as the copy the keep function makes, a UUID as its bytes", () => {
    const kept = new RecordIds()
    const copied: string[] = []
    const keep = (s: string) => {
      copied.push(s)
      return (" " + s).slice(1)
    }
    kept.add("record-0001", keep)
    kept.add("00000000-0000-0000-0000-000000000001", keep)
    expect(copied).toEqual(["record-0001"])
    expect(kept.id(0)).toBe("record-0001")
    expect(kept.get("record-0001")).toBe(0)
    expect(kept.id(1)).toBe("00000000-0000-0000-0000-000000000001")
  })
})

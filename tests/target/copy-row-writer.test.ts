import { hash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { copyLineBuilder, CopyRowWriter } from "../../pipelines/copy-lines.ts"
import { rowHash } from "../../pipelines/row-transformer.ts"
import type { TargetColumn } from "../../target/tables/target-table.ts"

// Characters that matter to COPY text, to the hash text or to UTF-8: escapes, the separators, the
// NULL mark, NUL, Vietnamese (2- and 3-byte), an astral character and lone surrogates.
const PIECES = ["a", "Z", "0", " ", "\\", "\t", "\n", "\r", "\\N", "N", "\u0000", "\u001f", "ệ", "Đ", "ư", "é", "€", "😀", "\ud800", "\udfff", "x\ud83dy", "-", ":"]

const randomRows = (n: number, columns: number, seed: number): Array<Array<string | null>> => {
  let s = seed
  const next = (k: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return (s >>> 8) % k
  }
  return Array.from({ length: n }, () =>
    Array.from({ length: columns }, () => {
      const kind = next(10)
      if (kind === 0) return null
      if (kind === 1) return ""
      // Most rows need no escaping (the writer's own hash path); some do (the fallback).
      const plain = next(3) !== 0
      let v = ""
      for (let k = next(12); k >= 0; k--) {
        const piece = PIECES[next(PIECES.length)]!
        v += plain && /[\\\t\n\r]/.test(piece) ? "q" : piece
      }
      return v
    })
  )
}

describe("CopyRowWriter", () => {
  const columns: TargetColumn[] = Array.from({ length: 7 }, (_, i) => ({ name: `c${i}`, kind: "text" }))
  const line = copyLineBuilder(columns, "target")

  it("writes the bytes of the COPY line and hashes the row as its normalised text does", () => {
    const rows = randomRows(3000, columns.length, 7)
    const writer = new CopyRowWriter(columns)
    let escaped = 0
    for (const values of rows) {
      const buf = new Uint8Array(CopyRowWriter.bound(values) + 8)
      const end = writer.write(values, buf, 3)
      // The hash bytes (separators still U+001F) are the hash text's UTF-8 whenever nothing was escaped.
      const hashText = Buffer.from(buf.subarray(3, writer.lineEnd))
      if (writer.escaped) escaped++
      else expect(hash("md5", hashText, "hex").slice(0, 16)).toBe(rowHash(values))
      writer.tabs(buf)
      expect(Buffer.from(buf.subarray(3, end)).equals(Buffer.from(line(values), "utf8"))).toBe(true)
    }
    // Both paths were taken.
    expect(escaped).toBeGreaterThan(100)
    expect(escaped).toBeLessThan(rows.length - 100)
  })

  it("refuses a table with a text[] column (its COPY text is an array literal)", () => {
    expect(() => new CopyRowWriter([{ name: "roles", kind: "text[]" }])).toThrow(/text\[\]/)
  })

  it("keeps within its bound for the widest values", () => {
    const values = ["\\\\\\", "😀😀", "\ud800", null, "ệệ"]
    const writer = new CopyRowWriter(values.map((_, i) => ({ name: `c${i}`, kind: "text" as const })))
    const buf = new Uint8Array(CopyRowWriter.bound(values))
    expect(writer.write(values, buf, 0)).toBeLessThanOrEqual(buf.length)
  })
})

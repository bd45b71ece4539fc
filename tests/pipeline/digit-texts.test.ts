import { describe, expect, it } from "vitest"
import { DigitTexts } from "../../pipelines/digit-texts.ts"

describe("digit texts", () => {
  it("gives back every text as it was set, digits with their leading zeros, and null", () => {
    const texts = [
      "001090444444", "000000000000", "0", "7", "0912345678", "123456789012345", "1234567890123456", "", " 0012", "12a4", "０１２",
      "Nguyễn", null, "999999999999999"
    ]
    const column = new DigitTexts(texts.length)
    texts.forEach((t, k) => column.set(k, t))
    texts.forEach((t, k) => expect(column.get(k)).toBe(t))
    column.set(0, "abc")
    column.set(7, "0042")
    column.set(8, null)
    expect([column.get(0), column.get(7), column.get(8)]).toEqual(["abc", "0042", null])
  })
})

import { describe, expect, it } from "vitest"
import { appendText, finishText, joinLatin1, startText } from "../../text/flat-latin1.ts"

describe("flat Latin-1 texts", () => {
  it("joins like + for Latin-1 and for any other text", () => {
    for (const [a, b, c] of [["2024-03-15", "T00:00:00", "+07:00"], ["", "", ""], ["café", "ÿ", "\u0000"], ["Nguyễn", "/", "x"], ["😀", "a", "b"]]) {
      expect(joinLatin1(a!, b!, c!)).toBe(a! + b! + c!)
    }
  })

  it("appends ranges and refuses a character above U+00FF without appending any of it", () => {
    startText()
    expect(appendText("12/03/2024 08:30:00", 11, 19)).toBe(true)
    expect(appendText("ệ")).toBe(false)
    expect(appendText("+07:00")).toBe(true)
    expect(finishText()).toBe("08:30:00+07:00")
  })

  it("refuses a text longer than its buffer", () => {
    startText()
    expect(appendText("x".repeat(5000))).toBe(false)
    expect(joinLatin1("a".repeat(600), "b".repeat(600), "c")).toBe("a".repeat(600) + "b".repeat(600) + "c")
  })
})

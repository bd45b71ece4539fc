import { describe, expect, it } from "vitest"
import { bestCharacterErrorRate, characterErrorRate, orderFreeCharacterErrorRate } from "../../ocr/character-error-rate.ts"

describe("character error rate", () => {
  it("counts edits on NFC text with whitespace collapsed", () => {
    expect(characterErrorRate("NGUYÊN  Văn\nĐức", "NGUYỄN Văn Đức")).toEqual({ errors: 1, length: 14, cer: 1 / 14 })
    // NFD input is the same text.
    expect(characterErrorRate("Nguyễn".normalize("NFD"), "Nguyễn").errors).toBe(0)
    expect(bestCharacterErrorRate("b a", ["a b", "b a"]).cer).toBe(0)
  })

  it("order-free CER ignores line order and merged rows but counts surplus text", () => {
    expect(orderFreeCharacterErrorRate("Số: 1/GPXD Đông Anh, ngày 1 tháng 2 năm 2024\nỦY BAN", "ỦY BAN\nSố: 1/GPXD\nĐông Anh, ngày 1 tháng 2 năm 2024").errors).toBe(0)
    expect(orderFreeCharacterErrorRate("ỦY BAN xyz", "ỦY BAN").errors).toBe(3)
    expect(orderFreeCharacterErrorRate("", "ỦY BAN").cer).toBe(1)
  })
})

import { readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import {
  canonicalToneMarks,
  cleanText,
  composeVowel,
  foldAccents,
  foldKey,
  hasDiacritics,
  isVietnameseSyllable,
  nfc,
  vowelParts
} from "../../text/vietnamese.ts"

/** [input, canonical] — input in a non-canonical or already canonical placement. */
const toneTable: ReadonlyArray<readonly [string, string]> = [
  // open oa / oe / uy: tone on the first vowel (what the 2025 catalog mostly writes)
  ["Hoà", "Hòa"],
  ["hoà", "hòa"],
  ["HOÀ", "HÒA"],
  ["Hoá", "Hóa"],
  ["Thuý", "Thúy"],
  ["Thuỵ", "Thụy"],
  ["Thuỷ", "Thủy"],
  ["THUỶ", "THỦY"],
  ["Khoẻ", "Khỏe"],
  ["Huỷ", "Hủy"],
  ["Xoè", "Xòe"],
  ["Loã", "Lõa"],
  // already canonical: untouched
  ["Hòa", "Hòa"],
  ["Thụy", "Thụy"],
  // closed syllables: tone on the last vowel of the nucleus
  ["Hòang", "Hoàng"],
  ["Hoàng", "Hoàng"],
  ["HÒANG", "HOÀNG"],
  ["Tòan", "Toàn"],
  ["Hùynh", "Huỳnh"],
  ["Huỳnh", "Huỳnh"],
  ["Họach", "Hoạch"],
  ["hóan", "hoán"],
  ["xoóng", "xoóng"],
  ["huýt", "huýt"],
  // shape-marked vowels take the tone (ươ -> ơ)
  ["quốc", "quốc"],
  ["qúôc", "quốc"], // the tone sits on the onset's u: moved to ô
  ["giữa", "giữa"],
  ["thuở", "thuở"],
  ["thủơ", "thuở"],
  ["người", "người"],
  ["ngừơi", "người"],
  ["NGỪƠI", "NGƯỜI"],
  ["rượu", "rượu"],
  ["rựơu", "rượu"],
  ["quyết", "quyết"],
  ["qúyêt", "quyết"],
  ["thuyền", "thuyền"],
  ["thùyên", "thuyền"],
  ["tiến", "tiến"],
  ["tíên", "tiến"],
  ["Nguyễn", "Nguyễn"],
  ["Nguỹên", "Nguyễn"],
  ["xoắn", "xoắn"],
  ["Thuận", "Thuận"],
  ["cứu", "cứu"],
  ["hưu", "hưu"],
  // qu / gi onsets
  ["Qúy", "Quý"],
  ["Quý", "Quý"],
  ["qùa", "quà"],
  ["quà", "quà"],
  ["Quỳnh", "Quỳnh"],
  ["gìa", "già"],
  ["già", "già"],
  ["gì", "gì"],
  ["gìn", "gìn"],
  ["Giuộc", "Giuộc"],
  // open two-vowel glides: first vowel
  ["mùa", "mùa"],
  ["kìa", "kìa"],
  ["múi", "múi"],
  ["tài", "tài"],
  ["cháu", "cháu"],
  // three vowels, open: middle vowel
  ["Ngoài", "Ngoài"],
  ["Ngòai", "Ngoài"],
  ["khoái", "khoái"],
  ["khóai", "khoái"],
  ["ngoáy", "ngoáy"],
  ["khuỷu", "khuỷu"],
  ["khủyu", "khuỷu"],
  ["ngoẹo", "ngoẹo"],
  // not one Vietnamese syllable: left alone
  ["José", "José"],
  ["Café", "Café"]
]

describe("canonicalToneMarks", () => {
  it.each(toneTable)("%s -> %s", (input, expected) => {
    expect(canonicalToneMarks(input)).toBe(expected)
  })

  it("gives the same result for NFD input", () => {
    for (const [input, expected] of toneTable) {
      expect(canonicalToneMarks(input.normalize("NFD"))).toBe(expected)
    }
  })

  it("handles whole phrases and keeps punctuation", () => {
    expect(canonicalToneMarks("Xã Hoà Bình, huyện Thuỵ Anh (tỉnh Thái Bình)")).toBe(
      "Xã Hòa Bình, huyện Thụy Anh (tỉnh Thái Bình)"
    )
    expect(canonicalToneMarks("Hoà-Hoà")).toBe("Hòa-Hòa")
  })

  it("composes marks typed in the wrong order (tone before circumflex)", () => {
    expect(canonicalToneMarks("Nguye\u0303\u0302n")).toBe("Nguyễn")
    expect(canonicalToneMarks("Tra\u0300\u0302n")).toBe("Trần")
  })

  it("returns ASCII unchanged", () => {
    const s = "Xa Hoa Binh"
    expect(canonicalToneMarks(s)).toBe(s)
  })
})

describe("nfc", () => {
  it("composes NFD", () => {
    expect(nfc("Nguyễn".normalize("NFD"))).toBe("Nguyễn")
    expect(nfc("abc")).toBe("abc")
    expect(nfc("Nguye\u0302\u0303n")).toBe("Nguyễn")
    expect(nfc("\u2126")).toBe("\u03a9") // singleton: Ohm sign -> Omega
    expect(nfc("Đường")).toBe("Đường")
  })
})

describe("cleanText", () => {
  it("collapses whitespace of every kind and trims", () => {
    expect(cleanText("  Xã\u00a0 Hưng\n\tĐạo \r\n")).toBe("Xã Hưng Đạo")
    expect(cleanText("Phường\u2003 4")).toBe("Phường 4")
    expect(cleanText("\u3000")).toBe("")
    expect(cleanText("")).toBe("")
  })

  it("turns typographic apostrophes and quotes into ASCII", () => {
    expect(cleanText("Ea H’Leo")).toBe("Ea H'Leo")
    expect(cleanText("Ea Hʼ Ding")).toBe("Ea H' Ding")
    expect(cleanText("‘Ia’ “Grai”")).toBe("'Ia' \"Grai\"")
  })

  it("drops invisible characters", () => {
    expect(cleanText("Hưng\u200bĐạo")).toBe("HưngĐạo")
    expect(cleanText("Hưng \u200b Đạo")).toBe("Hưng Đạo")
  })

  it("applies NFC and canonical tone marks", () => {
    expect(cleanText(" Xã Hoà  Thuỵ ".normalize("NFD"))).toBe("Xã Hòa Thụy")
    expect(cleanText("Ðà Nẵng")).toBe("Đà Nẵng")
  })

  it("returns clean input unchanged", () => {
    const s = "Xã Hưng Đạo"
    expect(cleanText(s)).toBe(s)
  })
})

describe("foldAccents", () => {
  it("removes every diacritic and folds đ", () => {
    expect(foldAccents("Đồng Hới, Quảng Bình")).toBe("Dong Hoi, Quang Binh")
    expect(foldAccents("đường ĐƯỜNG")).toBe("duong DUONG")
    expect(foldAccents("Nguyễn".normalize("NFD"))).toBe("Nguyen")
  })

  it("folds all 134 toned vowel forms to their ASCII base", () => {
    const bases = "aăâeêioôơuưy"
    const ascii = "aaaeeiooouuy"
    for (let v = 0; v < bases.length; v++) {
      for (const tone of ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]) {
        const ch = (bases[v]! + tone).normalize("NFC")
        expect(foldAccents(ch)).toBe(ascii[v])
        expect(foldAccents(ch.toUpperCase())).toBe(ascii[v]!.toUpperCase())
      }
    }
  })

  it("keeps non-Latin text", () => {
    expect(foldAccents("漢字 Ā")).toBe("漢字 A")
  })
})

describe("foldKey", () => {
  it("makes accent, case, spacing and tone-placement variants equal", () => {
    const k = foldKey("Xã Hưng Đạo")
    expect(k).toBe("xa hung dao")
    expect(foldKey("  xa  hung\u00a0dao ")).toBe(k)
    expect(foldKey("XÃ HƯNG ĐẠO".normalize("NFD"))).toBe(k)
    expect(foldKey("Hoà")).toBe(foldKey("Hòa"))
    expect(foldKey("Ea H’Leo")).toBe("ea h'leo")
  })

  it("agrees with foldAccents(cleanText(s)).toLowerCase()", () => {
    const samples = [
      " Phường  Thuỵ  Khuê\n",
      "Thị trấn Ðông Anh",
      "Xã Ia\u200bMơ",
      "ΑΒΓ Đà",
      "Ea Hʼ Ding",
      "Tra\u0300\u0302n"
    ]
    for (const s of samples) expect(foldKey(s)).toBe(foldAccents(cleanText(s)).toLowerCase())
  })
})

describe("hasDiacritics", () => {
  it("detects tone marks, shape marks and đ", () => {
    expect(hasDiacritics("Ha Noi")).toBe(false)
    expect(hasDiacritics("Hà Nội")).toBe(true)
    expect(hasDiacritics("dđ")).toBe(true)
    expect(hasDiacritics("a\u0300")).toBe(true)
    expect(hasDiacritics("漢字")).toBe(false)
  })
})

describe("isVietnameseSyllable", () => {
  it.each(["Nguyễn", "quốc", "giữa", "người", "khuỷu", "Hòa", "Hoà", "Thuỵ", "Hoàng", "gì", "già", "Quỳnh", "hoạch", "tiếc", "Đắk", "XOÓNG"])(
    "accepts %s",
    (w) => expect(isVietnameseSyllable(w)).toBe(true)
  )
  it.each([
    ["Nguyeón", "four-vowel nucleus"],
    ["Vaờn", "aơ is no nucleus"],
    ["tiềc", "huyền before a stop"],
    ["Thònh", "-nh after o"],
    ["Xaõ", "tone on the wrong vowel"],
    ["qúy", "tone on the u of qu"],
    ["Krông", "kr is no onset"],
    ["V¨n", "symbol inside"]
  ])("rejects %s (%s)", (w) => expect(isVietnameseSyllable(w)).toBe(false))
})

describe("vowelParts / composeVowel", () => {
  it("split and rebuild every toned vowel", () => {
    for (const ch of "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵ") {
      for (const c of [ch, ch.toUpperCase()]) {
        const p = vowelParts(c)!
        expect(composeVowel(p.base, p.tone, p.upper)).toBe(c)
      }
    }
    expect(vowelParts("Ễ")).toEqual({ base: "ê", tone: 4, upper: true })
    expect(vowelParts("b")).toBeUndefined()
  })
})

describe("on every unit name of the 2025 catalogs", () => {
  const read = (file: string, column: number): string[] =>
    readFileSync(new URL(`../../../shared/data/admin-units/${file}`, import.meta.url), "utf8")
      .split("\n")
      .slice(1)
      .filter((l) => l.length > 0)
      .map((l) => l.split(",")[column]!)
  const names = [...read("new_wards_2025-07-01.csv", 3), ...read("old_wards_2025-06-30.csv", 5)]

  it("reads the catalogs", () => {
    expect(names.length).toBeGreaterThan(13_000)
  })

  it("cleanText is idempotent and NFD-insensitive; foldKey matches its definition", () => {
    for (const s of names) {
      const c = cleanText(s)
      expect(cleanText(c), s).toBe(c)
      expect(cleanText(s.normalize("NFD")), s).toBe(c)
      expect(foldKey(s), s).toBe(foldAccents(c).toLowerCase())
      expect(foldKey(s.normalize("NFD").toUpperCase()), s).toBe(foldKey(s))
      expect(canonicalToneMarks(c.toUpperCase()), s).toBe(c.toUpperCase())
    }
  })

  it("moves tones only in the known old-style words", () => {
    const moved = new Set<string>()
    for (const s of names) {
      const words = s.normalize("NFC").split(/[\s,()'-]+/)
      for (const w of words) if (canonicalToneMarks(w) !== w) moved.add(w)
    }
    expect([...moved].sort()).toEqual(["Hoà", "Hoá", "Hoả", "Hoè", "Khoá", "Thuỵ", "Thuỷ", "Uý"].sort())
  })
})

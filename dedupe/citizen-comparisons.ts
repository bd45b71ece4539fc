/**
 * The comparisons between two citizen records, one function per field returning the level
 * (0 = a value is missing, 1 = strongest agreement … last = different). They read the
 * integer-coded table directly and allocate nothing: they run tens of millions of times.
 * `citizenLevels` evaluates all of them in one monomorphic pass for the engine's hot loop.
 */
import { CCCD_WIDTH, CMND_WIDTH, type CitizenTable, type IntLists } from "./citizen-table.ts"
import type { Comparison } from "./linkage-settings.ts"
import { jaroWinkler, withinOneEdit } from "./string-similarity.ts"

type T = CitizenTable

/**
 * Open-addressing cache of Jaro–Winkler similarities between folded codes (name pairs recur
 * millions of times), for one table at a time; allocated on first use (12 MB) and let go, with
 * the reference to its table, by forgetFoldedSimilarities.
 */
const CACHE_BITS = 20
let cacheKeys: Float64Array | undefined
let cacheValues: Float32Array | undefined
let cacheOwner: T | undefined

/**
 * Drops the similarity cache and its table: a module-level reference to the table kept the
 * whole table (the dedupe stage's largest structure) alive until the next deduplication.
 */
export function forgetFoldedSimilarities(): void {
  cacheKeys = undefined
  cacheValues = undefined
  cacheOwner = undefined
}

function foldedSimilarity(t: T, x: number, y: number): number {
  if (cacheOwner !== t || cacheKeys === undefined) {
    cacheKeys ??= new Float64Array(1 << CACHE_BITS)
    cacheValues ??= new Float32Array(1 << CACHE_BITS)
    cacheKeys.fill(-1)
    cacheOwner = t
  }
  const keys = cacheKeys
  const values = cacheValues!
  const lo = x < y ? x : y
  const hi = x < y ? y : x
  const key = lo * 4194304 + hi
  const mask = (1 << CACHE_BITS) - 1
  let slot = (Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi, 0x85ebca6b)) & mask
  for (let probe = 0; probe < 8; probe++) {
    const k = keys[slot]!
    if (k === key) return values[slot]!
    if (k === -1) break
    slot = (slot + 1) & mask
  }
  const s = jaroWinkler(t.folded.values[lo]!, t.folded.values[hi]!)
  keys[slot] = key
  values[slot] = s
  return s
}

/** One typo apart (both at least three letters): "lien"/"linn", "van"/"vah". */
function oneEditApart(t: T, x: number, y: number): boolean {
  const sx = t.folded.values[x]!
  const sy = t.folded.values[y]!
  return sx.length >= 3 && sy.length >= 3 && withinOneEdit(sx, sy)
}

/** True when list k (none when k < 0) holds v. */
function listContains(lists: IntLists, k: number, v: number): boolean {
  if (k < 0) return false
  const e = lists.offsets[k + 1]!
  for (let p = lists.offsets[k]!; p < e; p++) if (lists.values[p] === v) return true
  return false
}

/**
 * Surname or given name. Agreement without diacritics is split in two: one record typed
 * without accents (likely the same name) and both accented but differently (Hương/Hường,
 * Đoàn/Doãn: likely different names), so neither counts as full agreement.
 */
function namePartLevel(t: T, exact: Int32Array, folded: Int32Array, a: number, b: number): number {
  const ea = exact[a]!
  const eb = exact[b]!
  if (ea < 0 || eb < 0) return 0
  if (ea === eb) return 1
  const fa = folded[a]!
  const fb = folded[b]!
  if (fa === fb) return t.nameHasDiacritics[a] === 0 || t.nameHasDiacritics[b] === 0 ? 2 : 3
  if (foldedSimilarity(t, fa, fb) >= 0.88 || oneEditApart(t, fa, fb)) return 4
  if (listContains(t.foldedNameTokens, t.fullNameFolded[b]!, fa) || listContains(t.foldedNameTokens, t.fullNameFolded[a]!, fb)) return 5
  return 6
}
export const NAME_PART_DIFFERENT = 6
/** Both records accented, the same letters, other tone or vowel marks (Hương/Hường, Lan/Lân). */
export const NAME_PART_OTHER_DIACRITICS = 3

export const surnameLevel = (t: T, a: number, b: number): number => namePartLevel(t, t.surname, t.surnameFolded, a, b)
export const givenLevel = (t: T, a: number, b: number): number => namePartLevel(t, t.given, t.givenFolded, a, b)

export function middleLevel(t: T, a: number, b: number): number {
  // Null only when a name is missing altogether; a name without middle part is information.
  if (t.given[a]! < 0 || t.given[b]! < 0) return 0
  const ea = t.middle[a]!
  const eb = t.middle[b]!
  if (ea < 0 && eb < 0) return 0
  if (ea === eb) return 1
  if (ea < 0 || eb < 0) return 4
  const fa = t.middleFolded[a]!
  const fb = t.middleFolded[b]!
  if (fa === fb) return t.nameHasDiacritics[a] === 0 || t.nameHasDiacritics[b] === 0 ? 2 : 3
  const sa = t.folded.values[fa]!
  const sb = t.folded.values[fb]!
  if (sa.includes(sb) || sb.includes(sa) || foldedSimilarity(t, fa, fb) >= 0.9 || oneEditApart(t, fa, fb)) return 5
  return 6
}

/** True when two YYYYMMDD numbers differ in exactly one digit or by one adjacent swap. */
function oneDateTypo(x: number, y: number): boolean {
  let diff = 0
  let p1 = -1
  let x1 = 0
  let y1 = 0
  let p2 = -1
  let x2 = 0
  let y2 = 0
  for (let k = 0; k < 8; k++) {
    const dx = x % 10
    const dy = y % 10
    x = (x - dx) / 10
    y = (y - dy) / 10
    if (dx === dy) continue
    diff++
    if (diff === 1) {
      p1 = k
      x1 = dx
      y1 = dy
    } else if (diff === 2) {
      p2 = k
      x2 = dx
      y2 = dy
    } else return false
  }
  return diff === 1 || (diff === 2 && p2 === p1 + 1 && x1 === y2 && x2 === y1)
}

export function birthDateLevel(t: T, a: number, b: number): number {
  const ya = t.birthYear[a]!
  const yb = t.birthYear[b]!
  if (ya === 0 || yb === 0) return 0
  const ma = t.birthMonth[a]!
  const mb = t.birthMonth[b]!
  if (ma === 0 || mb === 0) return ya === yb ? 3 : 6
  const da = t.birthDay[a]!
  const db = t.birthDay[b]!
  if (ya === yb) {
    if (ma === mb && da === db) return 1
    if (ma === db && da === mb) return 2
  }
  if (oneDateTypo(ya * 10000 + ma * 100 + da, yb * 10000 + mb * 100 + db)) return 4
  if (ya === yb && ma === mb && (da - db === 1 || db - da === 1)) return 4
  return ya === yb ? 5 : 6
}

/**
 * The birth year a record without a birth date carries in its CCCD (digits 4–6), against the
 * other record's birth year (or its CCCD's): 1 the same, 2 another. Missing (0) when both
 * records have a birth date (birth_date compares them) or either has no year at all. Its own
 * comparison, not a birth_date level: a year read from an ID number errs differently from a
 * written date, and keeping it apart leaves the birth_date levels' m as the dates make them.
 */
export function cccdBirthYearLevel(t: T, a: number, b: number): number {
  if (t.birthYear[a]! > 0 && t.birthYear[b]! > 0) return 0
  const ya = t.comparedBirthYear[a]!
  const yb = t.comparedBirthYear[b]!
  if (ya === 0 || yb === 0) return 0
  return ya === yb ? 1 : 2
}

export function genderLevel(t: T, a: number, b: number): number {
  const ga = t.gender[a]!
  const gb = t.gender[b]!
  if (ga === 0 || gb === 0) return 0
  return ga === gb ? 1 : 2
}

/**
 * How two IDs of `width` digits (stored as numbers) differ: 0 equal, 1 in exactly one digit,
 * 2 by one swap of adjacent digits, 3 otherwise. Allocates nothing.
 */
export function idDifference(x: number, y: number, width: number): number {
  if (x === y) return 0
  let diff = 0
  let p1 = -1
  let x1 = 0
  let y1 = 0
  let p2 = -1
  let x2 = 0
  let y2 = 0
  for (let k = 0; k < width; k++) {
    const dx = x % 10
    const dy = y % 10
    x = (x - dx) / 10
    y = (y - dy) / 10
    if (dx === dy) continue
    diff++
    if (diff === 1) {
      p1 = k
      x1 = dx
      y1 = dy
    } else if (diff === 2) {
      p2 = k
      x2 = dx
      y2 = dy
    } else return 3
  }
  if (x !== y) return 3
  if (diff === 1) return 1
  return p2 === p1 + 1 && x1 === y2 && x2 === y1 ? 2 : 3
}

function idLevel(col: Float64Array, width: number, a: number, b: number): number {
  const x = col[a]!
  const y = col[b]!
  if (x < 0 || y < 0) return 0
  return idDifference(x, y, width) + 1
}

function exactLevel(col: Int32Array | Float64Array, a: number, b: number): number {
  const x = col[a]!
  const y = col[b]!
  if (x < 0 || y < 0) return 0
  return x === y ? 1 : 2
}

/** Jaccard similarity of two sorted word lists (a and b: list numbers, here address codes). */
function addressJaccard(lists: IntLists, a: number, b: number): number {
  let i = lists.offsets[a]!
  const ie = lists.offsets[a + 1]!
  let j = lists.offsets[b]!
  const je = lists.offsets[b + 1]!
  const la = ie - i
  const lb = je - j
  let inter = 0
  const v = lists.values
  while (i < ie && j < je) {
    const x = v[i]!
    const y = v[j]!
    if (x === y) {
      inter++
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return inter / (la + lb - inter)
}

/**
 * Residence: commune code (after remapping to the new units; for a record without one, the
 * commune its address names, commune-from-address.ts) and the address words.
 */
export function residenceLevel(t: T, a: number, b: number): number {
  const ca = t.residenceCommune[a]!
  const cb = t.residenceCommune[b]!
  const hasCommune = ca >= 0 && cb >= 0
  const sameCommune = hasCommune && ca === cb
  // Address words and numbers are kept per address code.
  const aa = t.address[a]!
  const ab = t.address[b]!
  const off = t.addressWords.offsets
  const hasAddress = aa >= 0 && ab >= 0 && off[aa + 1]! > off[aa]! && off[ab + 1]! > off[ab]!
  if (!hasCommune && !hasAddress) return 0
  const j = hasAddress ? (aa === ab ? 1 : addressJaccard(t.addressWords, aa, ab)) : 0
  // Another hamlet or house number in the same place: a neighbour, or a namesake down the road.
  const na = aa >= 0 ? t.addressNumberBits[aa]! : 0
  const nb = ab >= 0 ? t.addressNumberBits[ab]! : 0
  const ua = aa >= 0 ? t.addressUnitBits[aa]! : 0
  const ub = ab >= 0 ? t.addressUnitBits[ab]! : 0
  // "Thôn 1" and "Xóm 1" share the number, not the hamlet.
  const otherNumber = (na !== 0 && nb !== 0 && (na & nb) === 0) || (ua !== 0 && ub !== 0 && (ua & ub) === 0)
  if (otherNumber && (sameCommune || j >= 0.3)) return 5
  if (sameCommune) return hasAddress && j >= 0.6 ? 1 : 3
  if (j >= 0.6) return 2
  if (j >= 0.3) return 4
  return 6
}

function parentLevel(t: T, exact: Int32Array, folded: Int32Array, given: Int32Array, surname: Int32Array, a: number, b: number): number {
  const ea = exact[a]!
  const eb = exact[b]!
  if (ea < 0 || eb < 0) return 0
  if (ea === eb) return 1
  const fa = folded[a]!
  const fb = folded[b]!
  if (fa === fb) return 2
  const sameGiven = given[a] === given[b]
  const sameSurname = surname[a] === surname[b]
  if (sameGiven && sameSurname) return 3
  // A typo leaves the given name or the surname intact; otherwise skip the string comparison.
  if ((sameGiven || sameSurname) && foldedSimilarity(t, fa, fb) >= 0.9) return 4
  return 5
}

export const fatherLevel = (t: T, a: number, b: number): number =>
  parentLevel(t, t.fatherName, t.fatherFolded, t.fatherGivenFolded, t.fatherSurnameFolded, a, b)
export const motherLevel = (t: T, a: number, b: number): number =>
  parentLevel(t, t.motherName, t.motherFolded, t.motherGivenFolded, t.motherSurnameFolded, a, b)

/**
 * Both parents' names in one comparison. Brothers, sisters and twins share both parents, so
 * the two names agreeing are one piece of evidence, not two independent ones: scored as two
 * comparisons they counted ~20 bits for a pair of siblings. Here "both agree" has its own m and
 * u (u: how often two random records share both parents, i.e. mostly siblings).
 */
export function parentsLevel(t: T, a: number, b: number): number {
  return parentsFromLevels(fatherLevel(t, a, b), motherLevel(t, a, b))
}

/** Combines the father's and the mother's parent levels (0 missing, 1-2 same, 3-4 similar, 5 different). */
function parentsFromLevels(f: number, m: number): number {
  if (f === 0 && m === 0) return 0
  const fa = f === 1 || f === 2
  const ma = m === 1 || m === 2
  if (fa && ma) return 1
  if ((fa && m === 0) || (ma && f === 0)) return 2
  const fs = f === 3 || f === 4
  const ms = m === 3 || m === 4
  if ((fa && ms) || (ma && fs)) return 3
  if (fa || ma) return 5
  if ((fs || f === 0) && (ms || m === 0)) return 4
  return 6
}

/**
 * Parent and child: one record names the other's full name as its father or mother. A son
 * named after his father agrees on name, surname, hometown and address; this catches him.
 */
export function namedAsParentLevel(t: T, a: number, b: number): number {
  const na = t.fullNameFolded[a]!
  const nb = t.fullNameFolded[b]!
  if (na < 0 || nb < 0) return 0
  const fa = t.fatherFolded[a]!
  const fb = t.fatherFolded[b]!
  const ma = t.motherFolded[a]!
  const mb = t.motherFolded[b]!
  if (fa < 0 && fb < 0 && ma < 0 && mb < 0) return 0
  // A parent is a generation older: records born within a few years of each other cannot be
  // parent and child (a son named after his father, one record naming the father and the
  // other naming no parent, is the son twice).
  const ya = t.comparedBirthYear[a]!
  const yb = t.comparedBirthYear[b]!
  if (ya > 0 && yb > 0 && ya - yb < MIN_PARENT_AGE && yb - ya < MIN_PARENT_AGE) return 2
  // b is a's parent when a names b's name as its parent and b does not name that same parent
  // (two records of a son named after his father both name the father).
  const parent = (fa >= 0 && fa === nb && fb !== fa) || (fb >= 0 && fb === na && fa !== fb) ||
    (ma >= 0 && ma === nb && mb !== ma) || (mb >= 0 && mb === na && ma !== mb)
  return parent ? 1 : 2
}
export const NAMED_AS_PARENT = 1
/** Years between a parent's and a child's births at least (registers hold mistyped years too). */
const MIN_PARENT_AGE = 13

/** All levels, in the order of `citizenComparisons`. */
export function citizenLevels(t: T, a: number, b: number, out: Uint8Array, o: number): void {
  out[o] = surnameLevel(t, a, b)
  out[o + 1] = middleLevel(t, a, b)
  out[o + 2] = givenLevel(t, a, b)
  out[o + 3] = birthDateLevel(t, a, b)
  out[o + 4] = genderLevel(t, a, b)
  out[o + 5] = idLevel(t.cccd, CCCD_WIDTH, a, b)
  out[o + 6] = idLevel(t.cmnd, CMND_WIDTH, a, b)
  out[o + 7] = exactLevel(t.hometown, a, b)
  out[o + 8] = residenceLevel(t, a, b)
  out[o + 9] = parentsFromLevels(fatherLevel(t, a, b), motherLevel(t, a, b))
  out[o + 10] = exactLevel(t.phone, a, b)
  out[o + 11] = namedAsParentLevel(t, a, b)
  out[o + 12] = cccdBirthYearLevel(t, a, b)
}

const NAME_LEVELS = [
  { label: "exact", termFrequency: true },
  { label: "same letters, one record typed without diacritics", termFrequency: true, termFrequencyLevels: [1, 2, 3] },
  { label: "same letters, different diacritics" },
  { label: "similar spelling (one typo, or Jaro-Winkler >= 0.88 without diacritics)" },
  { label: "found elsewhere in the other name (order swapped)" },
  { label: "different" }
]
const ID_LEVELS = [{ label: "exact" }, { label: "one digit differs" }, { label: "two adjacent digits swapped" }, { label: "different" }]
const SAME_DIFFERENT = [{ label: "same" }, { label: "different" }]

const nameTf = (exact: (t: T) => Int32Array, folded: (t: T) => Int32Array, ef: (t: T) => Float64Array, ff: (t: T) => Float64Array) =>
  (t: T, a: number, b: number): number => {
    const ea = exact(t)[a]!
    if (ea === exact(t)[b]) return ef(t)[ea]!
    return ff(t)[folded(t)[a]!]!
  }

/** The comparisons, in the order `citizenLevels` fills them. */
export const citizenComparisons: readonly Comparison<T>[] = [
  {
    name: "surname",
    levels: NAME_LEVELS,
    compare: surnameLevel,
    termFrequency: nameTf((t) => t.surname, (t) => t.surnameFolded, (t) => t.surnameFrequency, (t) => t.surnameFoldedFrequency)
  },
  {
    name: "middle_name",
    levels: [
      { label: "exact", termFrequency: true },
      { label: "same letters, one record typed without diacritics", termFrequency: true, termFrequencyLevels: [1, 2, 3] },
      { label: "same letters, different diacritics" },
      { label: "one record has no middle name" },
      { label: "one contains the other / similar spelling" },
      { label: "different" }
    ],
    compare: middleLevel,
    // Văn and Thị are a fifth of all records each, Khắc one in a few hundred.
    termFrequency: nameTf((t) => t.middle, (t) => t.middleFolded, (t) => t.middleFrequency, (t) => t.middleFoldedFrequency)
  },
  {
    name: "given_name",
    levels: NAME_LEVELS,
    compare: givenLevel,
    termFrequency: nameTf((t) => t.given, (t) => t.givenFolded, (t) => t.givenFrequency, (t) => t.givenFoldedFrequency)
  },
  {
    name: "birth_date",
    levels: [
      { label: "exact" },
      { label: "day and month swapped" },
      { label: "same year, one record has the year only" },
      { label: "one digit typo, transposition or a day off" },
      { label: "same year, different day/month" },
      { label: "different" }
    ],
    compare: birthDateLevel
  },
  { name: "gender", levels: SAME_DIFFERENT, compare: genderLevel },
  { name: "cccd", levels: ID_LEVELS, compare: (t, a, b) => idLevel(t.cccd, CCCD_WIDTH, a, b) },
  { name: "cmnd", levels: ID_LEVELS, compare: (t, a, b) => idLevel(t.cmnd, CMND_WIDTH, a, b) },
  {
    name: "hometown",
    // Most people of a province share a few dozen hometowns; one from elsewhere says far more.
    levels: [{ label: "same", termFrequency: true }, { label: "different" }],
    compare: (t, a, b) => exactLevel(t.hometown, a, b),
    termFrequency: (t, a) => t.hometownFrequency[t.hometown[a]!]!
  },
  {
    name: "residence",
    levels: [
      { label: "same commune (code or read from address), similar address" },
      { label: "similar address (Jaccard >= 0.6)" },
      { label: "same commune (code or read from address)" },
      { label: "some address words shared (Jaccard >= 0.3)" },
      { label: "same commune or address words, another hamlet / house number" },
      { label: "different" }
    ],
    compare: residenceLevel
  },
  {
    name: "parents",
    levels: [
      { label: "father's and mother's names both the same (with or without diacritics)" },
      { label: "one parent's name the same, the other missing on a record" },
      { label: "one parent's name the same, the other's similar (typo)" },
      { label: "similar names only" },
      { label: "one parent's name the same, the other's different" },
      { label: "different" }
    ],
    compare: parentsLevel
  },
  { name: "phone", levels: SAME_DIFFERENT, compare: (t, a, b) => exactLevel(t.phone, a, b) },
  {
    name: "named_as_parent",
    agreementFirst: false,
    levels: [{ label: "one record names the other as its father or mother" }, { label: "no" }],
    compare: namedAsParentLevel
  },
  {
    name: "cccd_birth_year",
    levels: [{ label: "same year (one record has only its CCCD's year)" }, { label: "different year" }],
    compare: cccdBirthYearLevel
  }
]

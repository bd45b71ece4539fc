/**
 * Linkage settings for Vietnamese citizen records: the comparisons (with levels chosen for how
 * Vietnamese names, dates and IDs actually get dirty), the blocking rules, the deterministic
 * rules for the prior and the CCCD identity constraint.
 */
import type { CitizenTable, IntLists } from "./citizen-table.ts"
import { blockKey, type Comparison, type LinkageSettings, type SortedNeighbourhoodRule } from "./linkage-settings.ts"
import { hammingDistance, isAdjacentTransposition, jaroWinkler, sortedJaccard } from "./string-similarity.ts"

type T = CitizenTable

/** Jaro–Winkler of two folded strings by code, cached (the same name pairs recur millions of times). */
const jwCache = new Map<number, number>()
let jwCacheOwner: T | undefined
function foldedSimilarity(t: T, x: number, y: number): number {
  if (jwCacheOwner !== t) {
    jwCache.clear()
    jwCacheOwner = t
  }
  const key = x < y ? x * 4194304 + y : y * 4194304 + x
  let s = jwCache.get(key)
  if (s === undefined) {
    s = jaroWinkler(t.folded.values[x]!, t.folded.values[y]!)
    if (jwCache.size > 2_000_000) jwCache.clear()
    jwCache.set(key, s)
  }
  return s
}

function listContains(lists: IntLists, i: number, v: number): boolean {
  const e = lists.offsets[i + 1]!
  for (let k = lists.offsets[i]!; k < e; k++) if (lists.values[k] === v) return true
  return false
}

/**
 * Surname or given name. Agreement without diacritics is split in two: when one record was typed
 * without accents (likely the same name) and when both carry accents that differ (Hương/Hường,
 * Đoàn/Doãn: likely different names), so neither counts as full agreement.
 */
function namePart(
  name: string,
  exact: (t: T) => Int32Array,
  folded: (t: T) => Int32Array,
  exactFrequency: (t: T) => Float64Array,
  foldedFrequency: (t: T) => Float64Array
): Comparison<T> {
  return {
    name,
    levels: [
      { label: "exact", termFrequency: true },
      { label: "same letters, one record typed without diacritics", termFrequency: true },
      { label: "same letters, different diacritics" },
      { label: "similar spelling (Jaro-Winkler >= 0.88 without diacritics)" },
      { label: "found elsewhere in the other name (order swapped)" },
      { label: "different" }
    ],
    compare(t, a, b) {
      const ea = exact(t)[a]!
      const eb = exact(t)[b]!
      if (ea < 0 || eb < 0) return 0
      if (ea === eb) return 1
      const fa = folded(t)[a]!
      const fb = folded(t)[b]!
      if (fa === fb) return t.nameHasDiacritics[a] === 0 || t.nameHasDiacritics[b] === 0 ? 2 : 3
      if (foldedSimilarity(t, fa, fb) >= 0.88) return 4
      if (listContains(t.nameTokens, b, fa) || listContains(t.nameTokens, a, fb)) return 5
      return 6
    },
    termFrequency(t, a, b) {
      const ea = exact(t)[a]!
      const eb = exact(t)[b]!
      if (ea === eb) return exactFrequency(t)[ea]!
      return foldedFrequency(t)[folded(t)[a]!]!
    }
  }
}

const middleName: Comparison<T> = {
  name: "middle_name",
  levels: [
    { label: "exact" },
    { label: "same letters, one record typed without diacritics" },
    { label: "same letters, different diacritics" },
    { label: "one record has no middle name" },
    { label: "one contains the other / similar spelling" },
    { label: "different" }
  ],
  compare(t, a, b) {
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
    if (sa.includes(sb) || sb.includes(sa) || foldedSimilarity(t, fa, fb) >= 0.9) return 5
    return 6
  }
}

const dateKey = (t: T, i: number) => t.birthYear[i]! * 10000 + t.birthMonth[i]! * 100 + t.birthDay[i]!

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

const birthDate: Comparison<T> = {
  name: "birth_date",
  levels: [
    { label: "exact" },
    { label: "day and month swapped" },
    { label: "same year, one record has the year only" },
    { label: "one digit typo or transposition" },
    { label: "same year, different day/month" },
    { label: "different" }
  ],
  compare(t, a, b) {
    const ya = t.birthYear[a]!
    const yb = t.birthYear[b]!
    if (ya === 0 || yb === 0) return 0
    const fullA = t.birthMonth[a]! > 0
    const fullB = t.birthMonth[b]! > 0
    if (!fullA || !fullB) return ya === yb ? 3 : 6
    const ma = t.birthMonth[a]!
    const da = t.birthDay[a]!
    const mb = t.birthMonth[b]!
    const db = t.birthDay[b]!
    if (ya === yb && ma === mb && da === db) return 1
    if (ya === yb && ma === db && da === mb) return 2
    if (oneDateTypo(dateKey(t, a), dateKey(t, b))) return 4
    if (ya === yb) return 5
    return 6
  }
}

const gender: Comparison<T> = {
  name: "gender",
  levels: [{ label: "same" }, { label: "different" }],
  compare(t, a, b) {
    const ga = t.gender[a]!
    const gb = t.gender[b]!
    if (ga === 0 || gb === 0) return 0
    return ga === gb ? 1 : 2
  }
}

function idComparison(name: string, col: (t: T) => Int32Array): Comparison<T> {
  return {
    name,
    levels: [{ label: "exact" }, { label: "one digit differs" }, { label: "two adjacent digits swapped" }, { label: "different" }],
    compare(t, a, b) {
      const x = col(t)[a]!
      const y = col(t)[b]!
      if (x < 0 || y < 0) return 0
      if (x === y) return 1
      const sx = t.ids.values[x]!
      const sy = t.ids.values[y]!
      if (hammingDistance(sx, sy) === 1) return 2
      if (isAdjacentTransposition(sx, sy)) return 3
      return 4
    }
  }
}

function exactCode(name: string, col: (t: T) => Int32Array): Comparison<T> {
  return {
    name,
    levels: [{ label: "same" }, { label: "different" }],
    compare(t, a, b) {
      const x = col(t)[a]!
      const y = col(t)[b]!
      if (x < 0 || y < 0) return 0
      return x === y ? 1 : 2
    }
  }
}

function tokensOf(lists: IntLists, i: number): Int32Array {
  return lists.values.subarray(lists.offsets[i]!, lists.offsets[i + 1]!)
}

/** Residence: commune code (after remapping to the new units) and the address words. */
const residence: Comparison<T> = {
  name: "residence",
  levels: [
    { label: "same commune, similar address" },
    { label: "similar address (Jaccard >= 0.6)" },
    { label: "same commune" },
    { label: "some address words shared (Jaccard >= 0.3)" },
    { label: "different" }
  ],
  compare(t, a, b) {
    const ca = t.commune[a]!
    const cb = t.commune[b]!
    const hasCommune = ca >= 0 && cb >= 0
    const sameCommune = hasCommune && ca === cb
    const la = t.addressTokens.offsets[a + 1]! - t.addressTokens.offsets[a]!
    const lb = t.addressTokens.offsets[b + 1]! - t.addressTokens.offsets[b]!
    const hasAddress = la > 0 && lb > 0
    if (!hasCommune && !hasAddress) return 0
    const j = hasAddress ? (t.address[a] === t.address[b] ? 1 : sortedJaccard(tokensOf(t.addressTokens, a), tokensOf(t.addressTokens, b))) : 0
    if (sameCommune && (j >= 0.6 || !hasAddress)) return sameCommune && hasAddress ? 1 : 3
    if (j >= 0.6) return 2
    if (sameCommune) return 3
    if (j >= 0.3) return 4
    return 5
  }
}

function parentName(
  name: string,
  exact: (t: T) => Int32Array,
  folded: (t: T) => Int32Array,
  givenFolded: (t: T) => Int32Array,
  surnameFolded: (t: T) => Int32Array
): Comparison<T> {
  return {
    name,
    levels: [
      { label: "exact" },
      { label: "same without diacritics" },
      { label: "same surname and given name" },
      { label: "similar spelling (Jaro-Winkler >= 0.9)" },
      { label: "different" }
    ],
    compare(t, a, b) {
      const ea = exact(t)[a]!
      const eb = exact(t)[b]!
      if (ea < 0 || eb < 0) return 0
      if (ea === eb) return 1
      const fa = folded(t)[a]!
      const fb = folded(t)[b]!
      if (fa === fb) return 2
      if (givenFolded(t)[a] === givenFolded(t)[b] && surnameFolded(t)[a] === surnameFolded(t)[b]) return 3
      if (foldedSimilarity(t, fa, fb) >= 0.9) return 4
      return 5
    }
  }
}

/** Records ordered by accent-folded, token-sorted name, then birth year. */
function nameSortOrder(t: T): Int32Array {
  const keyOf = new Map<number, string>()
  const idx: number[] = []
  const keys: string[] = []
  for (let i = 0; i < t.size; i++) {
    const f = t.fullNameFolded[i]!
    if (f < 0) continue
    let k = keyOf.get(f)
    if (k === undefined) {
      const lists = t.nameTokens
      const words: string[] = []
      for (let p = lists.offsets[i]!; p < lists.offsets[i + 1]!; p++) words.push(t.folded.values[lists.values[p]!]!)
      k = words.sort().join(" ")
      keyOf.set(f, k)
    }
    idx.push(i)
    keys.push(k)
  }
  // Rank distinct keys, then order records by (rank, birth year) with two stable counting sorts.
  const distinct = [...new Set(keys)].sort()
  const rank = new Map<string, number>()
  distinct.forEach((k, r) => rank.set(k, r))
  const n = idx.length
  const byYear = countingSort(Int32Array.from(idx), (i) => t.birthYear[i]!, 2200)
  const rankOf = new Int32Array(t.size)
  for (let p = 0; p < n; p++) rankOf[idx[p]!] = rank.get(keys[p]!)!
  return countingSort(byYear, (i) => rankOf[i]!, distinct.length)
}

/** Stable counting sort of record indices by an integer key in [0, range). */
function countingSort(items: Int32Array, key: (i: number) => number, range: number): Int32Array {
  const counts = new Int32Array(range + 1)
  for (const i of items) counts[key(i) + 1]!++
  for (let k = 0; k < range; k++) counts[k + 1]! += counts[k]!
  const out = new Int32Array(items.length)
  for (const i of items) out[counts[key(i)]!++] = i
  return out
}

export const citizenComparisonNames = [
  "surname", "middle_name", "given_name", "birth_date", "gender", "cccd", "cmnd", "hometown", "residence",
  "father_name", "mother_name", "phone"
] as const

export interface CitizenSettingsOptions {
  /** Window of the sorted-neighbourhood rule on the folded, token-sorted name (default 4). */
  readonly nameWindow?: number
  /** Assumed recall of the deterministic rules (default 0.7). */
  readonly deterministicRecall?: number
}

export function citizenSettings(options: CitizenSettingsOptions = {}): LinkageSettings<T> {
  const givenName = namePart("given_name", (t) => t.given, (t) => t.givenFolded, (t) => t.givenFrequency, (t) => t.givenFoldedFrequency)
  const GIVEN_DIFFERENT = givenName.levels.length
  const comparisons: Comparison<T>[] = [
    namePart("surname", (t) => t.surname, (t) => t.surnameFolded, (t) => t.surnameFrequency, (t) => t.surnameFoldedFrequency),
    middleName,
    givenName,
    birthDate,
    gender,
    idComparison("cccd", (t) => t.cccd),
    idComparison("cmnd", (t) => t.cmnd),
    exactCode("hometown", (t) => t.hometown),
    residence,
    parentName("father_name", (t) => t.fatherName, (t) => t.fatherFolded, (t) => t.fatherGivenFolded, (t) => t.fatherSurnameFolded),
    parentName("mother_name", (t) => t.motherName, (t) => t.motherFolded, (t) => t.motherGivenFolded, (t) => t.motherSurnameFolded),
    exactCode("phone", (t) => t.phone)
  ]
  const fullDate = (t: T, i: number) => (t.birthMonth[i]! > 0 ? dateKey(t, i) : -1)
  const year = (t: T, i: number) => (t.birthYear[i]! > 0 ? t.birthYear[i]! : -1)
  const sortedName: SortedNeighbourhoodRule<T> = {
    kind: "sorted-neighbourhood",
    name: "sorted neighbourhood: folded token-sorted name",
    deactivates: ["surname", "middle_name", "given_name"],
    train: false,
    window: options.nameWindow ?? 4,
    order: nameSortOrder
  }
  return {
    comparisons,
    blockingRules: [
      { kind: "key", name: "cccd", deactivates: ["cccd"], key: (t, i) => blockKey(t.cccd[i]!) },
      { kind: "key", name: "cmnd", deactivates: ["cmnd"], key: (t, i) => blockKey(t.cmnd[i]!) },
      {
        kind: "key",
        name: "cccd prefix + given name",
        deactivates: ["cccd", "given_name", "birth_date", "gender"],
        train: false,
        key: (t, i) => blockKey(t.cccdPrefix[i]!, t.givenFolded[i]!)
      },
      {
        kind: "key",
        name: "birth date + given name",
        deactivates: ["birth_date", "given_name"],
        key: (t, i) => blockKey(fullDate(t, i), t.givenFolded[i]!)
      },
      {
        kind: "key",
        name: "birth year + given name + middle initial + gender",
        deactivates: ["birth_date", "given_name", "middle_name", "gender"],
        train: false,
        key: (t, i) => blockKey(year(t, i), t.givenFolded[i]!, t.middleInitial[i]!, t.gender[i]!)
      },
      {
        kind: "key",
        name: "father + mother + birth year",
        deactivates: ["father_name", "mother_name", "birth_date"],
        train: false,
        key: (t, i) => blockKey(t.fatherFolded[i]!, t.motherFolded[i]!, year(t, i))
      },
      sortedName
    ],
    deterministicRules: [
      {
        name: "same valid CCCD",
        holds: (t, a, b) => t.cccd[a]! >= 0 && t.cccd[a] === t.cccd[b] && t.cccdValid[a] === 1 && t.cccdValid[b] === 1
      },
      {
        name: "same name, full birth date, gender and a parent",
        holds: (t, a, b) =>
          t.fullNameFolded[a]! >= 0 &&
          t.fullNameFolded[a] === t.fullNameFolded[b] &&
          fullDate(t, a) >= 0 &&
          fullDate(t, a) === fullDate(t, b) &&
          t.gender[a] === t.gender[b] &&
          ((t.fatherFolded[a]! >= 0 && t.fatherFolded[a] === t.fatherFolded[b]) ||
            (t.motherFolded[a]! >= 0 && t.motherFolded[a] === t.motherFolded[b]))
      }
    ],
    deterministicRecall: options.deterministicRecall ?? 0.7,
    exclusions: [
      {
        // A given name (tên) does not change; siblings and twins share everything else.
        name: "given names entirely different (not a typo, accent variant or reordering)",
        holds: (t, a, b) => givenName.compare(t, a, b) === GIVEN_DIFFERENT
      }
    ],
    identity: {
      name: "valid CCCD",
      code: (t, i) => (t.cccdValid[i] === 1 ? t.cccd[i]! : -1),
      compatible: (t, x, y) => {
        if (x === y) return true
        const sx = t.ids.values[x]!
        const sy = t.ids.values[y]!
        return hammingDistance(sx, sy) === 1 || isAdjacentTransposition(sx, sy)
      }
    }
  }
}

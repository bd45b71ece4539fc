/**
 * The golden record (bản ghi gốc) of one person, by documented survivorship rules:
 * - CCCD: the valid one from the most recently updated record; then the most frequent valid
 *   one; an invalid CCCD only when no record has a valid one (flagged).
 * - CMND, hometown, commune, phone, address: the most frequent value; ties go to the value
 *   with diacritics, then the longer, then the alphabetically first.
 * - Full name: written with diacritics over without; then the one with most words (a middle
 *   name present); then the most frequent; then alphabetical.
 * - Birth date: a full date over a year alone; among full dates the most frequent, ties to the
 *   one agreeing with the CCCD's birth year, then the earliest.
 * - Gender: the majority; a tie goes to the gender the CCCD encodes.
 * - Parents' names: as for the full name.
 * The master id is derived from the smallest member record id, so it is the same on every run
 * as long as that record stays in the person.
 */
import { hasDiacritics } from "../text/vietnamese.ts"
import { CCCD_WIDTH, CMND_WIDTH, idText, phoneText, type CitizenTable } from "./citizen-table.ts"
import { validateCccd } from "./citizen-id.ts"
import { Interner } from "./linkage-settings.ts"

export interface MasterRecord {
  readonly masterId: string
  readonly memberRecordIds: readonly string[]
  readonly sources: readonly string[]
  readonly fullName?: string
  readonly birthDate?: string
  readonly gender?: "M" | "F"
  readonly cccd?: string
  /** False when the only CCCD the records hold fails validation. */
  readonly cccdValid?: boolean
  readonly cmnd?: string
  readonly hometownCode?: string
  readonly communeCode?: string
  readonly address?: string
  readonly fatherName?: string
  readonly motherName?: string
  readonly phone?: string
}

/**
 * The table with only the columns golden records read (record ids, sources, display names of the
 * person and the parents, birth date, gender, IDs, unit codes, phone, address, updatedAt): the
 * folded forms, name parts, frequencies and the blocking and comparison columns are left empty.
 * A caller that keeps the table only to take golden records one by one after matching (the
 * pipeline's dedupe stage) keeps this instead, and the rest goes: ≈ 60 bytes per record, and
 * the folded names' interner.
 */
export function goldenRecordColumns(t: CitizenTable): CitizenTable {
  const noInt32 = new Int32Array(0)
  const noFloat64 = new Float64Array(0)
  return {
    ...t,
    folded: new Interner(),
    fullNameFolded: noInt32,
    surname: noInt32,
    surnameFolded: noInt32,
    middle: noInt32,
    middleFolded: noInt32,
    given: noInt32,
    givenFolded: noInt32,
    middleInitial: noInt32,
    foldedNameTokens: { offsets: noInt32, values: noInt32 },
    nameHasDiacritics: new Uint8Array(0),
    surnameFrequency: noFloat64,
    hometownFrequency: noFloat64,
    givenFrequency: noFloat64,
    surnameFoldedFrequency: noFloat64,
    givenFoldedFrequency: noFloat64,
    middleFrequency: noFloat64,
    middleFoldedFrequency: noFloat64,
    comparedBirthYear: new Int16Array(0),
    cccdPrefix: noInt32,
    residenceCommune: noInt32,
    addressWords: { offsets: noInt32, values: noInt32 },
    addressNumberBits: noInt32,
    addressUnitBits: noInt32,
    fatherFolded: noInt32,
    fatherGivenFolded: noInt32,
    fatherSurnameFolded: noInt32,
    motherFolded: noInt32,
    motherGivenFolded: noInt32,
    motherSurnameFolded: noInt32,
    notes: new Map()
  }
}

/** 64-bit hash (two 32-bit lanes) of a string as 16 hex digits; stable across runs and platforms. */
function hash64(s: string): string {
  let h1 = 0x811c9dc5
  let h2 = 0x01000193 ^ s.length
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 0x01000193)
    h2 = Math.imul(h2 ^ c, 0x5bd1e995)
    h2 ^= h2 >>> 15
  }
  h1 ^= h1 >>> 16
  h1 = Math.imul(h1, 0x85ebca6b)
  h1 ^= h1 >>> 13
  h2 = Math.imul(h2 ^ (h2 >>> 16), 0xc2b2ae35)
  h2 ^= h2 >>> 16
  return (h1 >>> 0).toString(16).padStart(8, "0") + (h2 >>> 0).toString(16).padStart(8, "0")
}

/** The master id: "P" + a 64-bit hash of the smallest member record id. */
export function masterIdFor(memberRecordIds: readonly string[]): string {
  let min = memberRecordIds[0]!
  for (const id of memberRecordIds) if (id < min) min = id
  return masterIdOfSmallest(min)
}

/** The master id of a person whose smallest record id is `smallestRecordId`. */
export const masterIdOfSmallest = (smallestRecordId: string): string => "P" + hash64(smallestRecordId)

/** How a tie between two equally frequent values is broken (see mostFrequent). */
const Tie = {
  /** The smaller number. */
  Smaller: 0,
  /** Text with diacritics, then the longer, then alphabetically first (values[x]). */
  Text: 1,
  /** Alphabetically first (values[x]). */
  Alphabetical: 2,
  /** A YYYYMMDD date in `year` first, then the earlier. */
  DateInYear: 3,
  /** `year` itself, else the smaller. */
  Year: 4
} as const
type Tie = (typeof Tie)[keyof typeof Tie]

/** True when x beats y (y < 0: no value chosen yet) under the tie rule. */
function beats(tie: Tie, x: number, y: number, values: readonly string[], year: number | undefined): boolean {
  if (y < 0) return true
  switch (tie) {
    case Tie.Smaller:
      return x < y
    case Tie.Text: {
      const sx = values[x]!
      const sy = values[y]!
      const dx = hasDiacritics(sx)
      const dy = hasDiacritics(sy)
      if (dx !== dy) return dx
      if (sx.length !== sy.length) return sx.length > sy.length
      return sx < sy
    }
    case Tie.Alphabetical:
      return values[x]! < values[y]!
    case Tie.DateInYear: {
      const xy = Math.floor(x / 10000) === year
      const yy = Math.floor(y / 10000) === year
      if (xy !== yy) return xy
      return x < y
    }
    case Tie.Year:
      return x === year || x < y
  }
}

const NO_TEXT: readonly string[] = []

/**
 * Most frequent value among codes[0 .. n) that are >= 0; ties broken by `tie`, the values taken
 * in order of first appearance; -1 when there is none. A person has a few records: counted by
 * scanning the list, without a Map per field.
 */
function mostFrequent(codes: Float64Array, n: number, tie: Tie, values = NO_TEXT, year?: number): number {
  if (n === 1) return codes[0]! >= 0 ? codes[0]! : -1
  let best = -1
  let bestCount = 0
  if (n <= 32) {
    outer: for (let x = 0; x < n; x++) {
      const c = codes[x]!
      if (c < 0) continue
      for (let y = 0; y < x; y++) if (codes[y] === c) continue outer
      let count = 1
      for (let y = x + 1; y < n; y++) if (codes[y] === c) count++
      if (count > bestCount || (count === bestCount && beats(tie, c, best, values, year))) {
        best = c
        bestCount = count
      }
    }
    return best
  }
  const counts = new Map<number, number>()
  for (let x = 0; x < n; x++) if (codes[x]! >= 0) counts.set(codes[x]!, (counts.get(codes[x]!) ?? 0) + 1)
  for (const [c, count] of counts)
    if (count > bestCount || (count === bestCount && beats(tie, c, best, values, year))) {
      best = c
      bestCount = count
    }
  return best
}

/** Reused lists of one person's values (no arrays per field and person). */
let listA = new Float64Array(64)
let listB = new Float64Array(64)

/** col[i] for each member i, in listA. */
function valuesOf(col: ArrayLike<number>, members: readonly number[]): Float64Array {
  const n = members.length
  if (listA.length < n) {
    listA = new Float64Array(n * 2)
    listB = new Float64Array(n * 2)
  }
  for (let k = 0; k < n; k++) listA[k] = col[members[k]!]!
  return listA
}

/** Per list of names, the rank of each (diacritics: 100, plus the number of words), filled as met. */
const nameScores = new WeakMap<readonly string[], Int16Array>()

/** Name choice among codes[0 .. n): diacritics, then most words, then frequency, then alphabetical. */
function bestName(values: readonly string[], codes: Float64Array, n: number): number {
  if (n === 1) return codes[0]!
  let scores = nameScores.get(values)
  if (scores === undefined || scores.length < values.length) {
    scores = new Int16Array(values.length)
    nameScores.set(values, scores)
  }
  let top = -1
  for (let k = 0; k < n; k++) {
    const c = codes[k]!
    if (c < 0) continue
    let v = scores[c]!
    if (v === 0) {
      const s = values[c]!
      let words = 1
      for (let j = 0; j < s.length; j++) if (s.charCodeAt(j) === 32) words++
      v = scores[c] = (hasDiacritics(s) ? 100 : 0) + words
    }
    if (v > top) top = v
  }
  if (top < 0) return -1
  let m = 0
  for (let k = 0; k < n; k++) {
    const c = codes[k]!
    if (c >= 0 && scores[c] === top) listB[m++] = c
  }
  return mostFrequent(listB, m, Tie.Alphabetical, values)
}

const dateTexts = new Map<number, string>()

/** A full birth date as YYYY-MM-DD (one string per distinct date). */
function fullDateText(y: number, m: number, d: number): string {
  const key = y * 10000 + m * 100 + d
  let s = dateTexts.get(key)
  if (s === undefined) {
    s = `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`
    if (dateTexts.size >= 100_000) dateTexts.clear()
    dateTexts.set(key, s)
  }
  return s
}

/** A one-record person: its own values, cleaned. */
export function singleRecordMaster(t: CitizenTable, i: number): MasterRecord {
  const id = t.recordIds.id(i)
  const out: { -readonly [K in keyof MasterRecord]: MasterRecord[K] } = {
    masterId: masterIdOfSmallest(id),
    memberRecordIds: [id],
    sources: [t.sourceNames[t.source[i]!]!]
  }
  if (t.fullName[i]! >= 0) out.fullName = t.words.values[t.fullName[i]!]!
  if (t.cccd[i]! >= 0) {
    out.cccd = idText(t.cccd[i]!, CCCD_WIDTH)
    out.cccdValid = t.cccdValid[i] === 1
  }
  if (t.cmnd[i]! >= 0) out.cmnd = idText(t.cmnd[i]!, CMND_WIDTH)
  const y = t.birthYear[i]!
  if (y > 0)
    out.birthDate = t.birthMonth[i]! > 0 ? fullDateText(y, t.birthMonth[i]!, t.birthDay[i]!) : String(y)
  if (t.gender[i] === 1) out.gender = "M"
  else if (t.gender[i] === 2) out.gender = "F"
  if (t.hometown[i]! >= 0) out.hometownCode = t.codes.values[t.hometown[i]!]!
  if (t.commune[i]! >= 0) out.communeCode = t.codes.values[t.commune[i]!]!
  if (t.phone[i]! >= 0) out.phone = phoneText(t.phone[i]!)
  if (t.address[i]! >= 0) out.address = t.addresses.values[t.address[i]!]!
  if (t.fatherName[i]! >= 0) out.fatherName = t.words.values[t.fatherName[i]!]!
  if (t.motherName[i]! >= 0) out.motherName = t.words.values[t.motherName[i]!]!
  return out
}

export function goldenRecord(t: CitizenTable, members: readonly number[]): MasterRecord {
  if (members.length === 1) return singleRecordMaster(t, members[0]!)
  const n = members.length
  valuesOf(t.fullName, members) // sizes listA and listB for n values
  const ids = members.map((i) => t.recordIds.id(i)).sort()
  const sources: string[] = []
  for (const i of members) if (!sources.includes(t.sourceNames[t.source[i]!]!)) sources.push(t.sourceNames[t.source[i]!]!)
  const out: { -readonly [K in keyof MasterRecord]: MasterRecord[K] } = {
    masterId: masterIdOfSmallest(ids[0]!),
    memberRecordIds: ids,
    sources: sources.sort()
  }
  const name = bestName(t.words.values, valuesOf(t.fullName, members), n)
  if (name >= 0) out.fullName = t.words.values[name]!

  // CCCD: valid + most recent, else most frequent valid, else most frequent any.
  let valid = 0
  let latest = -1
  const updatedAt = t.updatedAt
  for (const i of members)
    if (t.cccd[i]! >= 0 && t.cccdValid[i] === 1) {
      listB[valid++] = t.cccd[i]!
      if (updatedAt !== undefined && !Number.isNaN(updatedAt[i]!) && (latest < 0 || updatedAt[i]! > updatedAt[latest]!)) latest = i
    }
  let cccd = -1
  if (valid > 0) {
    cccd = latest >= 0 ? t.cccd[latest]! : mostFrequent(listB, valid, Tie.Smaller)
    out.cccdValid = true
  } else {
    cccd = mostFrequent(valuesOf(t.cccd, members), n, Tie.Smaller)
    if (cccd >= 0) out.cccdValid = false
  }
  if (cccd >= 0) out.cccd = idText(cccd, CCCD_WIDTH)
  const cmnd = mostFrequent(valuesOf(t.cmnd, members), n, Tie.Smaller)
  if (cmnd >= 0) out.cmnd = idText(cmnd, CMND_WIDTH)

  // Birth date.
  const cccdYear = out.cccd !== undefined ? validateCccd(out.cccd).birthYear : undefined
  let full = 0
  for (const i of members) if (t.birthMonth[i]! > 0) listB[full++] = t.birthYear[i]! * 10000 + t.birthMonth[i]! * 100 + t.birthDay[i]!
  if (full > 0) {
    const k = mostFrequent(listB, full, Tie.DateInYear, NO_TEXT, cccdYear)
    out.birthDate = fullDateText(Math.floor(k / 10000), Math.floor(k / 100) % 100, k % 100)
  } else {
    for (let k = 0; k < n; k++) listA[k] = t.birthYear[members[k]!]! > 0 ? t.birthYear[members[k]!]! : -1
    const y = mostFrequent(listA, n, Tie.Year, NO_TEXT, cccdYear)
    if (y > 0) out.birthDate = String(y)
  }
  // Gender.
  let m = 0
  let f = 0
  for (const i of members) {
    if (t.gender[i] === 1) m++
    else if (t.gender[i] === 2) f++
  }
  if (m > f) out.gender = "M"
  else if (f > m) out.gender = "F"
  else if (m > 0 && out.cccd !== undefined) {
    const g = validateCccd(out.cccd).gender
    if (g !== undefined) out.gender = g
  }
  const hometown = mostFrequent(valuesOf(t.hometown, members), n, Tie.Text, t.codes.values)
  if (hometown >= 0) out.hometownCode = t.codes.values[hometown]!
  const commune = mostFrequent(valuesOf(t.commune, members), n, Tie.Text, t.codes.values)
  if (commune >= 0) out.communeCode = t.codes.values[commune]!
  const phone = mostFrequent(valuesOf(t.phone, members), n, Tie.Smaller)
  if (phone >= 0) out.phone = phoneText(phone)
  const addr = mostFrequent(valuesOf(t.address, members), n, Tie.Text, t.addresses.values)
  if (addr >= 0) out.address = t.addresses.values[addr]!
  const father = bestName(t.words.values, valuesOf(t.fatherName, members), n)
  if (father >= 0) out.fatherName = t.words.values[father]!
  const mother = bestName(t.words.values, valuesOf(t.motherName, members), n)
  if (mother >= 0) out.motherName = t.words.values[mother]!
  return out
}

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
  return "P" + hash64(min)
}

/**
 * Most frequent value among codes (>= 0); ties resolved by `better` (true when x beats y), the
 * values taken in order of first appearance. A person has a few records: counted by scanning
 * the list, without a Map per field.
 */
function mostFrequent(codes: readonly number[], better: (x: number, y: number) => boolean): number {
  const n = codes.length
  if (n === 1) return codes[0]! >= 0 ? codes[0]! : -1
  if (n <= 32) {
    let best = -1
    let bestCount = 0
    outer: for (let x = 0; x < n; x++) {
      const c = codes[x]!
      if (c < 0) continue
      for (let y = 0; y < x; y++) if (codes[y] === c) continue outer
      let count = 1
      for (let y = x + 1; y < n; y++) if (codes[y] === c) count++
      if (count > bestCount || (count === bestCount && better(c, best))) {
        best = c
        bestCount = count
      }
    }
    return best
  }
  const counts = new Map<number, number>()
  for (const c of codes) if (c >= 0) counts.set(c, (counts.get(c) ?? 0) + 1)
  let best = -1
  let bestCount = 0
  for (const [c, n] of counts)
    if (n > bestCount || (n === bestCount && better(c, best))) {
      best = c
      bestCount = n
    }
  return best
}

const textBetter = (values: readonly string[]) => (x: number, y: number): boolean => {
  const sx = values[x]!
  const sy = values[y]!
  const dx = hasDiacritics(sx)
  const dy = hasDiacritics(sy)
  if (dx !== dy) return dx
  if (sx.length !== sy.length) return sx.length > sy.length
  return sx < sy
}

/** Per list of names, the rank of each (diacritics: 100, plus the number of words), filled as met. */
const nameScores = new WeakMap<readonly string[], Int16Array>()

/** Name choice: diacritics, then most words, then frequency, then alphabetical. */
function bestName(values: readonly string[], codes: readonly number[]): number {
  if (codes.length === 1) return codes[0]!
  const present = codes.filter((c) => c >= 0)
  if (present.length === 0) return -1
  let scores = nameScores.get(values)
  if (scores === undefined || scores.length < values.length) {
    scores = new Int16Array(values.length)
    nameScores.set(values, scores)
  }
  const known = scores
  const score = (c: number) => {
    let v = known[c]!
    if (v === 0) {
      const s = values[c]!
      let words = 1
      for (let k = 0; k < s.length; k++) if (s.charCodeAt(k) === 32) words++
      v = known[c] = (hasDiacritics(s) ? 100 : 0) + words
    }
    return v
  }
  let top = -Infinity
  for (const c of present) top = Math.max(top, score(c))
  const finalists = present.filter((c) => score(c) === top)
  return mostFrequent(finalists, (x, y) => y < 0 || values[x]! < values[y]!)
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
  const id = t.recordIds[i]!
  const out: { -readonly [K in keyof MasterRecord]: MasterRecord[K] } = {
    masterId: "P" + hash64(id),
    memberRecordIds: [id],
    sources: [t.sources[i]!]
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
  const ids = members.map((i) => t.recordIds[i]!)
  const out: { -readonly [K in keyof MasterRecord]: MasterRecord[K] } = {
    masterId: masterIdFor(ids),
    memberRecordIds: [...ids].sort(),
    sources: [...new Set(members.map((i) => t.sources[i]!))].sort()
  }
  const name = bestName(t.words.values, members.map((i) => t.fullName[i]!))
  if (name >= 0) out.fullName = t.words.values[name]!

  // CCCD: valid + most recent, else most frequent valid, else most frequent any.
  const valid = members.filter((i) => t.cccd[i]! >= 0 && t.cccdValid[i] === 1)
  let cccd = -1
  if (valid.length > 0) {
    const dated = valid.filter((i) => !Number.isNaN(t.updatedAt[i]!))
    if (dated.length > 0) {
      let latest = dated[0]!
      for (const i of dated) if (t.updatedAt[i]! > t.updatedAt[latest]!) latest = i
      cccd = t.cccd[latest]!
    } else cccd = mostFrequent(valid.map((i) => t.cccd[i]!), (x, y) => y < 0 || x < y)
    out.cccdValid = true
  } else {
    cccd = mostFrequent(members.map((i) => t.cccd[i]!), (x, y) => y < 0 || x < y)
    if (cccd >= 0) out.cccdValid = false
  }
  if (cccd >= 0) out.cccd = idText(cccd, CCCD_WIDTH)
  const cmnd = mostFrequent(members.map((i) => t.cmnd[i]!), (x, y) => y < 0 || x < y)
  if (cmnd >= 0) out.cmnd = idText(cmnd, CMND_WIDTH)

  // Birth date.
  const cccdYear = out.cccd !== undefined ? validateCccd(out.cccd).birthYear : undefined
  const full = members.filter((i) => t.birthMonth[i]! > 0)
  const dateKey = (i: number) => t.birthYear[i]! * 10000 + t.birthMonth[i]! * 100 + t.birthDay[i]!
  if (full.length > 0) {
    const k = mostFrequent(full.map(dateKey), (x, y) => {
      if (y < 0) return true
      const xy = Math.floor(x / 10000) === cccdYear
      const yy = Math.floor(y / 10000) === cccdYear
      if (xy !== yy) return xy
      return x < y
    })
    out.birthDate = fullDateText(Math.floor(k / 10000), Math.floor(k / 100) % 100, k % 100)
  } else {
    const y = mostFrequent(members.map((i) => (t.birthYear[i]! > 0 ? t.birthYear[i]! : -1)), (x, z) => z < 0 || x === cccdYear || x < z)
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
  const codeBetter = textBetter(t.codes.values)
  const pickCode = (col: Int32Array) => {
    const c = mostFrequent(members.map((i) => col[i]!), (x, y) => y < 0 || codeBetter(x, y))
    return c >= 0 ? t.codes.values[c]! : undefined
  }
  const hometown = pickCode(t.hometown)
  if (hometown !== undefined) out.hometownCode = hometown
  const commune = pickCode(t.commune)
  if (commune !== undefined) out.communeCode = commune
  const phone = mostFrequent(members.map((i) => t.phone[i]!), (x, y) => y < 0 || x < y)
  if (phone >= 0) out.phone = phoneText(phone)
  const addrBetter = textBetter(t.addresses.values)
  const addr = mostFrequent(members.map((i) => t.address[i]!), (x, y) => y < 0 || addrBetter(x, y))
  if (addr >= 0) out.address = t.addresses.values[addr]!
  const father = bestName(t.words.values, members.map((i) => t.fatherName[i]!))
  if (father >= 0) out.fatherName = t.words.values[father]!
  const mother = bestName(t.words.values, members.map((i) => t.motherName[i]!))
  if (mother >= 0) out.motherName = t.words.values[mother]!
  return out
}

/**
 * The columnar, integer-coded form of the citizen records that blocking and comparisons run
 * on. Every text value is normalised once (NFC, canonical tone marks, name split, ID cleaning,
 * accent folding) and interned, so comparing two records is mostly comparing integers.
 */
import { foldKey, hasDiacritics } from "../text/vietnamese.ts"
import { birthYearOfCccdPrefix, cleanCitizenIds, isConsistentCccd, validateCccd } from "./citizen-id.ts"
import { packedBirthDate, type CitizenRecord } from "./citizen-record.ts"
import { Interner } from "./linkage-settings.ts"
import { nameTokens, splitNameTokens } from "./person-name.ts"
import { GrowableFloat64, GrowableInt16, GrowableInt32, GrowableUint8 } from "./growable-columns.ts"
import { RecordIds, type RecordIndex } from "./record-ids.ts"
import { communeOrAddressCommune } from "./commune-from-address.ts"

export type { RecordIndex }

/** A list of integer lists in two arrays (offsets, values): list k is values[offsets[k] .. offsets[k+1]). */
export interface IntLists {
  readonly offsets: Int32Array
  readonly values: Int32Array
}

export interface CitizenTable {
  readonly size: number
  /** Record id of each row (`recordIds.id(i)`), and the row of an id. */
  readonly recordIds: RecordIds
  /** recordId -> row index (the same as recordIds). */
  readonly indexOf: RecordIndex
  /** Source of each row: sourceNames[source[i]]. */
  readonly source: Int32Array
  readonly sourceNames: readonly string[]
  /** Display-form names and name parts (NFC, canonical tones, capitalised words). */
  readonly words: Interner
  /** Accent-folded lowercase forms. */
  readonly folded: Interner
  readonly fullName: Int32Array
  readonly fullNameFolded: Int32Array
  readonly surname: Int32Array
  readonly surnameFolded: Int32Array
  readonly middle: Int32Array
  readonly middleFolded: Int32Array
  readonly given: Int32Array
  readonly givenFolded: Int32Array
  /** Folded first letter of the middle name as a char code, 0 when there is no middle name. */
  readonly middleInitial: Int32Array
  /**
   * Folded token codes (sorted) of each folded full name, by its code in `folded`: the tokens of
   * record i's name are list fullNameFolded[i] (none when -1). Kept once per distinct name.
   */
  readonly foldedNameTokens: IntLists
  /** 1 when the record's name carries any diacritic (0 = typed without accents, or no name). */
  readonly nameHasDiacritics: Uint8Array
  /** Relative frequency by code in `words` (surname and given name columns) and in `folded`. */
  readonly surnameFrequency: Float64Array
  readonly givenFrequency: Float64Array
  readonly surnameFoldedFrequency: Float64Array
  readonly givenFoldedFrequency: Float64Array
  /** Relative frequency of each middle name among records that have one (code in `words`, and in `folded`). */
  readonly middleFrequency: Float64Array
  readonly middleFoldedFrequency: Float64Array
  /** Birth date: year 0 = unknown; month/day 0 = year only. */
  readonly birthYear: Int16Array
  /**
   * The birth year to compare and block on: `birthYear`, or for a record without a birth date
   * the year its valid CCCD encodes (digits 4–6: century and year), as a year-only date.
   * Golden records use `birthYear` only.
   */
  readonly comparedBirthYear: Int16Array
  readonly birthMonth: Uint8Array
  readonly birthDay: Uint8Array
  /** 0 unknown, 1 male, 2 female. */
  readonly gender: Uint8Array
  /** IDs as numbers (the 12 or 9 digits read as an integer; -1 none): no string per ID. See idText. */
  readonly cccd: Float64Array
  readonly cmnd: Float64Array
  /** 1 when the CCCD layout is valid and agrees with the record's birth year and gender. */
  readonly cccdValid: Uint8Array
  /** The first six CCCD digits as a number (province, century/gender, birth year); -1 none. */
  readonly cccdPrefix: Int32Array
  /** Unit codes (hometown, residence commune), in `codes`. */
  readonly codes: Interner
  readonly hometown: Int32Array
  /** Share of the records with a hometown that have this one, by unit code (for term-frequency adjustment). */
  readonly hometownFrequency: Float64Array
  readonly commune: Int32Array
  /**
   * The commune to compare and block on: `commune`, or for a record without one the code its
   * address names, or a place key (>= codes.size) for a commune named in addresses but never
   * next to a code (commune-from-address.ts). Golden records use `commune` only.
   */
  readonly residenceCommune: Int32Array
  /** Phone digits as the number "1" + digits (keeps leading zeros; -1 none). See phoneText. */
  readonly phone: Float64Array
  /** Cleaned address (display) in `addresses` (-1 none). */
  readonly addresses: Interner
  readonly address: Int32Array
  /**
   * Per address code (not per record: record i's are list address[i]), its folded significant
   * words as codes, sorted and distinct.
   */
  readonly addressWords: IntLists
  /**
   * Per address code, the address's numbers (hamlet, group, house: "Thôn 6", "số 12") as a bit
   * set: bit n % 31 for each number n; 0 when it has none. Two addresses with numbers but no bit
   * in common name another hamlet or house; one that only lacks a number ("Thôn 3" against
   * "số 12, Thôn 3") does not.
   */
  readonly addressNumberBits: Int32Array
  /**
   * Per address code, its hamlet numbers with the hamlet type written before them ("Thôn 1",
   * "Xóm 1", "Tổ dân phố 1": three hamlets) as a bit set of (type, number), 0 when no number
   * follows a hamlet type word. Two addresses whose typed hamlets share nothing name other
   * hamlets even when the bare numbers agree; "Tổ 4" and "Tổ dân phố 4", "Khu 2" and "Khu phố 2"
   * are one.
   */
  readonly addressUnitBits: Int32Array
  readonly fatherName: Int32Array
  readonly fatherFolded: Int32Array
  readonly fatherGivenFolded: Int32Array
  readonly fatherSurnameFolded: Int32Array
  readonly motherName: Int32Array
  readonly motherFolded: Int32Array
  readonly motherGivenFolded: Int32Array
  readonly motherSurnameFolded: Int32Array
  /** updatedAt as epoch ms (NaN unknown); undefined when no record has one. */
  readonly updatedAt: Float64Array | undefined
  /** Cleaning notes per record (only records that have any). */
  readonly notes: ReadonlyMap<number, readonly string[]>
}

/** Folded words of addresses that say nothing about the place (unit types, "số", "đường", …). */
const ADDRESS_STOPWORDS: ReadonlySet<string> = new Set([
  "xa", "phuong", "thi", "tran", "huyen", "quan", "tinh", "thanh", "pho", "tp", "tx", "tt", "thon", "xom",
  "ap", "to", "khu", "so", "duong", "ngo", "ngach", "hem", "kiet", "ban", "buon", "lang", "cum", "dan",
  "pho", "p", "q", "h", "x", "t", "tdp", "kp", "vn", "viet", "nam"
])

/**
 * Words that name a hamlet-level unit (thôn, xóm, tổ dân phố, khu, ấp, bản, buôn, đội, cụm),
 * folded, by the one word each kind is kept as: "to dan pho", "tdp" and "to" are one kind (a
 * residents' group), "khu pho", "kp" and "khu" another. House numbers (số) and wards (P.3) are
 * other levels and left out.
 */
const HAMLET_TYPES: ReadonlyMap<string, number> = new Map([
  ["thon", 1], ["xom", 2], ["to", 3], ["tdp", 3], ["khu", 4], ["kp", 4], ["ap", 5], ["ban", 6], ["buon", 7], ["doi", 8], ["cum", 9]
])

/** The hamlet type (HAMLET_TYPES) the words before a number name (1 for "Thôn 3"), 0 for none. */
function hamletTypeBefore(words: readonly string[], k: number): number {
  const w = words[k - 1]
  if (w === undefined) return 0
  if (w === "pho") {
    const v = words[k - 2]
    return v === "dan" ? 3 : v === "khu" ? 4 : 0
  }
  return HAMLET_TYPES.get(w) ?? 0
}

/**
 * The (hamlet type, number) pairs of a folded address as a 31-bit set (see
 * CitizenTable.addressUnitBits): bit (11·type + number) mod 31, so one number under two types
 * never shares a bit (11·Δtype is no multiple of 31 for the types there are).
 */
function typedNumberBits(folded: string): number {
  const words = folded.split(/[\s,.;/\\-]+/).filter((w) => w.length > 0)
  let mask = 0
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!
    if (!/^\d+$/.test(w)) continue
    const type = hamletTypeBefore(words, k)
    if (type === 0) continue
    mask |= 1 << ((11 * type + (Number(w) % 31)) % 31)
  }
  return mask
}

/** A string of digits as a number (callers keep it under 16 digits). */
const digitsValue = (s: string): number => {
  let v = 0
  for (let k = 0; k < s.length; k++) v = v * 10 + (s.charCodeAt(k) - 48)
  return v
}

const isDigits = (s: string, length: number): boolean => {
  if (s.length !== length) return false
  for (let k = 0; k < length; k++) {
    const c = s.charCodeAt(k)
    if (c < 48 || c > 57) return false
  }
  return true
}

const trimmed = (s: string | undefined): string | undefined => {
  if (s === undefined) return undefined
  const t = s.trim()
  return t.length === 0 ? undefined : t
}

/** Digits of a 12-digit CCCD (width 12) or 9-digit CMND (width 9) stored as a number. */
export const idText = (id: number, width: number): string => String(id).padStart(width, "0")
export const CCCD_WIDTH = 12
export const CMND_WIDTH = 9

/** The phone digits stored as a number by the table. */
export const phoneText = (phone: number): string => String(phone).slice(1)

/**
 * A copy of a string that does not point into a larger one. V8 makes a slice of 13 or more
 * characters a view of its parent, so keeping a value sliced from a CSV line would keep the
 * whole file's text alive.
 */
const detached = (s: string): string => (s.length < 13 ? s : (" " + s).slice(1))

/** Digits of a phone number in national form (+84 / 84 prefix to 0); undefined when too short. */
function cleanPhone(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  let d = isDigits(raw, raw.length) ? raw : raw.replace(/\D+/g, "")
  if (d.startsWith("84") && d.length >= 11) d = "0" + d.slice(2)
  return d.length >= 9 ? d : undefined
}

function frequencies(codes: Int32Array, size: number): Float64Array {
  const f = new Float64Array(Math.max(size, 1))
  let n = 0
  for (const c of codes)
    if (c >= 0) {
      f[c]!++
      n++
    }
  if (n > 0) for (let k = 0; k < f.length; k++) f[k]! /= n
  return f
}

/** Lists 0 … count-1 (a missing one is empty) as offsets and values. */
function listsOf(lists: readonly (readonly number[] | undefined)[], count: number): IntLists {
  const offsets = new Int32Array(count + 1)
  for (let k = 0; k < count; k++) offsets[k + 1] = offsets[k]! + (lists[k]?.length ?? 0)
  const values = new Int32Array(offsets[count]!)
  for (let k = 0; k < count; k++) values.set(lists[k] ?? [], offsets[k]!)
  return { offsets, values }
}

/** Builds the table. Throws when two records share a recordId. */
export function buildCitizenTable(records: Iterable<CitizenRecord>): CitizenTable {
  const builder = citizenTableBuilder(Array.isArray(records) ? records.length : 0)
  for (const rec of records) builder.add(rec)
  return builder.finish()
}

/** Thrown by CitizenTableBuilder.add for a recordId already added. */
export class DuplicateRecordId extends Error {
  override readonly name = "DuplicateRecordId"
  readonly recordId: string
  constructor(recordId: string) {
    super(`duplicate record id ${JSON.stringify(recordId)}`)
    this.recordId = recordId
  }
}

/**
 * Builds the table one record at a time, so a caller reading a file can hand each row over
 * and drop it (no array of a million record objects). `add` throws DuplicateRecordId on a
 * duplicate recordId.
 */
export interface CitizenTableBuilder {
  add(record: CitizenRecord): void
  finish(): CitizenTable
}

/**
 * `expectedRecords` (when known) sizes the columns up front, so they are neither regrown nor
 * copied: fewer large allocations, fewer garbage collections over a caller's records.
 */
export function citizenTableBuilder(expectedRecords = 0): CitizenTableBuilder {
  const cap = Math.max(1024, expectedRecords)
  const words = new Interner()
  const folded = new Interner()
  const codes = new Interner()
  const addresses = new Interner()
  const addressWords = new Interner()
  const recordIds = new RecordIds(cap)
  const sourceCodes = new GrowableInt32(cap)
  const dateCache = new Map<string, number>()
  const notes = new Map<number, string[]>()
  const col = {
    fullName: new GrowableInt32(cap), fullNameFolded: new GrowableInt32(cap), surname: new GrowableInt32(cap), surnameFolded: new GrowableInt32(cap),
    middle: new GrowableInt32(cap), middleFolded: new GrowableInt32(cap), given: new GrowableInt32(cap), givenFolded: new GrowableInt32(cap),
    middleInitial: new GrowableInt32(cap), nameDia: new GrowableUint8(cap), year: new GrowableInt16(cap), month: new GrowableUint8(cap), day: new GrowableUint8(cap),
    gender: new GrowableUint8(cap), cccd: new GrowableFloat64(cap), cmnd: new GrowableFloat64(cap), cccdValid: new GrowableUint8(cap), cccdPrefix: new GrowableInt32(cap),
    hometown: new GrowableInt32(cap), commune: new GrowableInt32(cap), phone: new GrowableFloat64(cap), address: new GrowableInt32(cap),
    father: new GrowableInt32(cap), fatherF: new GrowableInt32(cap), fatherG: new GrowableInt32(cap), fatherS: new GrowableInt32(cap),
    mother: new GrowableInt32(cap), motherF: new GrowableInt32(cap), motherG: new GrowableInt32(cap), motherS: new GrowableInt32(cap)
  }
  // Allocated with the first record that has an updatedAt (the pipeline's records have none).
  let updated: GrowableFloat64 | undefined
  // A handful of source names, one string each (not one per record).
  const sourceCode = new Map<string, number>()
  const sourceNames: string[] = []
  const numbersOf: number[] = []
  const unitsOf: number[] = []
  const addressTokensOf: (readonly number[] | undefined)[] = []

  // Parsed names live in columns indexed by a name id (no object per name for the GC to
  // trace), cached by normalised text: the same name written with other case, spacing or tone
  // placement parses once. Exact repeats of the raw text skip even the tokenising.
  const byDisplay = new Map<string, number>()
  const rawNames = new Map<string, number>()
  const nm = {
    full: new GrowableInt32(), fullF: new GrowableInt32(), sur: new GrowableInt32(), surF: new GrowableInt32(), mid: new GrowableInt32(),
    midF: new GrowableInt32(), giv: new GrowableInt32(), givF: new GrowableInt32(), midInit: new GrowableInt32(), dia: new GrowableInt32(),
    tokStart: new GrowableInt32(), tokEnd: new GrowableInt32()
  }
  const nameTok = new GrowableInt32(4096)
  const foldWord = new Map<string, string>()
  const fold = (w: string): string => {
    let f = foldWord.get(w)
    if (f === undefined) {
      f = foldKey(w)
      foldWord.set(w, f)
    }
    return f
  }
  const parseName = (raw: string | undefined): number => {
    if (raw === undefined || raw === "") return -1
    const hit = rawNames.get(raw)
    if (hit !== undefined) return hit
    const words0 = nameTokens(raw)
    const display = words0.join(" ")
    let id = byDisplay.get(display)
    if (id === undefined) {
      const parts = splitNameTokens(words0)
      id = -1
      if (parts !== undefined) {
        id = nm.full.length
        const foldedTokens = parts.tokens.map(fold)
        const ns = parts.surname.length === 0 ? 0 : parts.surname.split(" ").length
        const nmid = parts.middle.length === 0 ? 0 : parts.middle.split(" ").length
        const mf = foldedTokens.slice(ns, ns + nmid).join(" ")
        nm.full.push(words.code(parts.full))
        nm.fullF.push(folded.code(foldedTokens.join(" ")))
        nm.sur.push(words.code(parts.surname))
        nm.surF.push(folded.code(foldedTokens.slice(0, ns).join(" ")))
        nm.mid.push(words.code(parts.middle))
        nm.midF.push(folded.code(mf))
        nm.giv.push(words.code(parts.given))
        nm.givF.push(folded.code(foldedTokens[foldedTokens.length - 1]))
        nm.midInit.push(mf.length > 0 ? mf.charCodeAt(0) : 0)
        nm.dia.push(hasDiacritics(parts.full) ? 1 : 0)
        nm.tokStart.push(nameTok.length)
        for (const c of foldedTokens.map((t) => folded.code(t)).sort((x, y) => x - y)) nameTok.push(c)
        nm.tokEnd.push(nameTok.length)
      }
      byDisplay.set(display, id)
    }
    if (rawNames.size >= 1_000_000) rawNames.clear()
    rawNames.set(raw, id)
    return id
  }
  const nv = (g: GrowableInt32, id: number): number => (id < 0 ? -1 : g.data[id]!)

  let i = 0
  const add = (rec: CitizenRecord): void => {
    if (!recordIds.add(rec.recordId, detached)) throw new DuplicateRecordId(rec.recordId)
    let source = sourceCode.get(rec.source)
    if (source === undefined) {
      source = sourceNames.length
      sourceNames.push(detached(rec.source))
      sourceCode.set(sourceNames[source]!, source)
    }
    sourceCodes.push(source)
    let recNotes: string[] | undefined
    const n = parseName(rec.fullName)
    col.fullName.push(nv(nm.full, n))
    col.fullNameFolded.push(nv(nm.fullF, n))
    col.surname.push(nv(nm.sur, n))
    col.surnameFolded.push(nv(nm.surF, n))
    col.middle.push(nv(nm.mid, n))
    col.middleFolded.push(nv(nm.midF, n))
    col.given.push(nv(nm.giv, n))
    col.givenFolded.push(nv(nm.givF, n))
    col.middleInitial.push(n < 0 ? 0 : nm.midInit.data[n]!)
    col.nameDia.push(n < 0 ? 0 : nm.dia.data[n]!)

    // Birth date, packed as YYYYMMDD (MMDD = 0 for a year alone, -1 unreadable), cached by raw text.
    let packed = 0
    if (rec.birthDate !== undefined && rec.birthDate !== "") {
      const raw = rec.birthDate
      if (raw.length === 10 && raw.charCodeAt(4) === 45) packed = packedBirthDate(raw)
      else {
        let hit = dateCache.get(raw)
        if (hit === undefined) {
          hit = packedBirthDate(raw)
          dateCache.set(raw, hit)
        }
        packed = hit
      }
    }
    if (packed < 0) (recNotes ??= []).push("birth_date_unreadable")
    const year = packed > 0 ? Math.floor(packed / 10000) : 0
    col.year.push(year)
    col.month.push(packed > 0 ? Math.floor(packed / 100) % 100 : 0)
    col.day.push(packed > 0 ? packed % 100 : 0)
    const g = rec.gender === "M" ? 1 : rec.gender === "F" ? 2 : 0
    col.gender.push(g)

    // IDs: the common case (already clean) skips the general cleaner.
    let cccd: string | undefined
    let cmnd: string | undefined
    const rawCccd = rec.cccd === "" ? undefined : rec.cccd
    const rawCmnd = rec.cmnd === "" ? undefined : rec.cmnd
    if ((rawCccd === undefined || isDigits(rawCccd, 12)) && (rawCmnd === undefined || isDigits(rawCmnd, 9))) {
      cccd = rawCccd
      cmnd = rawCmnd
    } else {
      const cleaned = cleanCitizenIds(rawCccd, rawCmnd)
      if (cleaned.notes.length > 0) (recNotes ??= []).push(...cleaned.notes)
      cccd = cleaned.cccd
      cmnd = cleaned.cmnd
    }
    col.cccd.push(cccd === undefined ? -1 : digitsValue(cccd))
    col.cmnd.push(cmnd === undefined ? -1 : digitsValue(cmnd))
    let valid = 0
    let prefix = -1
    if (cccd !== undefined) {
      if (isConsistentCccd(cccd, year, rec.gender)) valid = 1
      else {
        const check = validateCccd(cccd, { birthYear: year, ...(rec.gender !== undefined ? { gender: rec.gender } : {}) })
        for (const issue of check.issues) (recNotes ??= []).push(`cccd_${issue}`)
      }
      prefix = 0
      for (let k = 0; k < 6; k++) prefix = prefix * 10 + (cccd.charCodeAt(k) - 48)
    }
    col.cccdValid.push(valid)
    col.cccdPrefix.push(prefix)

    col.hometown.push(codes.code(trimmed(rec.hometownCode)))
    col.commune.push(codes.code(trimmed(rec.communeCode)))
    const phone = cleanPhone(rec.phone)
    col.phone.push(phone === undefined || phone.length > 14 ? -1 : digitsValue("1" + phone))
    const addrCode = rec.address === undefined || rec.address === "" ? -1 : addresses.code(detached(rec.address.trim()))
    col.address.push(addrCode)
    if (addrCode >= 0) {
      let toks = addressTokensOf[addrCode]
      if (toks === undefined) {
        const set = new Set<number>()
        for (const w of foldKey(addresses.values[addrCode]!).split(/[\s,.;/\\-]+/))
          if (w.length > 0 && !ADDRESS_STOPWORDS.has(w)) set.add(addressWords.code(w))
        toks = [...set].sort((x, y) => x - y)
        addressTokensOf[addrCode] = toks
        let mask = 0
        for (const k of toks) {
          const w = addressWords.values[k]!
          if (/^\d+$/.test(w)) mask |= 1 << Number(w) % 31
        }
        numbersOf[addrCode] = mask
        unitsOf[addrCode] = typedNumberBits(foldKey(addresses.values[addrCode]!))
      }
    }

    const f = parseName(rec.fatherName)
    col.father.push(nv(nm.full, f))
    col.fatherF.push(nv(nm.fullF, f))
    col.fatherG.push(nv(nm.givF, f))
    col.fatherS.push(nv(nm.surF, f))
    const m = parseName(rec.motherName)
    col.mother.push(nv(nm.full, m))
    col.motherF.push(nv(nm.fullF, m))
    col.motherG.push(nv(nm.givF, m))
    col.motherS.push(nv(nm.surF, m))
    if (rec.updatedAt !== undefined && rec.updatedAt !== "") {
      if (updated === undefined) {
        updated = new GrowableFloat64(cap)
        for (let k = 0; k < i; k++) updated.push(NaN)
      }
      updated.push(Date.parse(rec.updatedAt))
    } else updated?.push(NaN)
    if (recNotes !== undefined) notes.set(i, recNotes)
    i++
  }
  /** The token list of each folded full name (every name id with that folded form has the same tokens). */
  const tokensByFoldedName = (): IntLists => {
    const lists: (readonly number[] | undefined)[] = []
    for (let id = 0; id < nm.full.length; id++) {
      const c = nm.fullF.data[id]!
      if (lists[c] === undefined) lists[c] = Array.from(nameTok.data.subarray(nm.tokStart.data[id]!, nm.tokEnd.data[id]!))
    }
    return listsOf(lists, folded.size)
  }
  const finish = (): CitizenTable => {
    const size = i
    // The parsing caches are not part of the table: free them for the phases that follow.
    byDisplay.clear()
    rawNames.clear()
    foldWord.clear()
    dateCache.clear()
    sourceCode.clear()
    recordIds.trim()
    const surname = col.surname.take()
    const given = col.given.take()
    const surnameFolded = col.surnameFolded.take()
    const givenFolded = col.givenFolded.take()
    const middle = col.middle.take()
    const middleFolded = col.middleFolded.take()
    const commune = col.commune.take()
    const birthYear = col.year.take()
    const hometown = col.hometown.take()
    const cccdValid = col.cccdValid.take()
    const cccdPrefix = col.cccdPrefix.take()
    const address = col.address.take()
    return {
      size,
      recordIds,
      indexOf: recordIds,
      source: sourceCodes.take(),
      sourceNames,
      words,
      folded,
      fullName: col.fullName.take(),
      fullNameFolded: col.fullNameFolded.take(),
      surname,
      surnameFolded,
      middle,
      middleFolded,
      given,
      givenFolded,
      middleInitial: col.middleInitial.take(),
      foldedNameTokens: tokensByFoldedName(),
      nameHasDiacritics: col.nameDia.take(),
      surnameFrequency: frequencies(surname, words.size),
      givenFrequency: frequencies(given, words.size),
      surnameFoldedFrequency: frequencies(surnameFolded, folded.size),
      givenFoldedFrequency: frequencies(givenFolded, folded.size),
      middleFrequency: frequencies(middle, words.size),
      middleFoldedFrequency: frequencies(middleFolded, folded.size),
      birthYear,
      comparedBirthYear: birthYearOrCccdYear(birthYear, cccdValid, cccdPrefix),
      birthMonth: col.month.take(),
      birthDay: col.day.take(),
      gender: col.gender.take(),
      cccd: col.cccd.take(),
      cmnd: col.cmnd.take(),
      cccdValid,
      cccdPrefix,
      codes,
      hometown,
      hometownFrequency: frequencies(hometown, codes.size),
      commune,
      residenceCommune: communeOrAddressCommune(size, commune, address, addresses, codes.size).commune,
      phone: col.phone.take(),
      addresses,
      address,
      addressWords: listsOf(addressTokensOf, addresses.size),
      addressNumberBits: Int32Array.from({ length: addresses.size }, (_, c) => numbersOf[c]!),
      addressUnitBits: Int32Array.from({ length: addresses.size }, (_, c) => unitsOf[c]!),
      fatherName: col.father.take(),
      fatherFolded: col.fatherF.take(),
      fatherGivenFolded: col.fatherG.take(),
      fatherSurnameFolded: col.fatherS.take(),
      motherName: col.mother.take(),
      motherFolded: col.motherF.take(),
      motherGivenFolded: col.motherG.take(),
      motherSurnameFolded: col.motherS.take(),
      updatedAt: updated?.take(),
      notes
    }
  }
  return { add, finish }
}

/** Per record, its birth year, or for a record with none the year of its valid CCCD (0: neither). */
function birthYearOrCccdYear(birthYear: Int16Array, cccdValid: Uint8Array, cccdPrefix: Int32Array): Int16Array {
  const out = Int16Array.from(birthYear)
  for (let i = 0; i < out.length; i++) if (out[i] === 0 && cccdValid[i] === 1 && cccdPrefix[i]! >= 0) out[i] = birthYearOfCccdPrefix(cccdPrefix[i]!)
  return out
}

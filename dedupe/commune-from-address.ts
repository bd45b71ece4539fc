/**
 * The residence commune of records that have an address but no commune code, read from the
 * address text: "Thôn 3, xã Bình Hồng, huyện Mỹ Hào, tỉnh Hưng Yên" names its commune. One
 * register keeps the commune code and no address, another the address and no code; compared
 * as they are, the two records of one person share nothing about where the person lives.
 *
 * Which code a commune name stands for is learnt from the input itself: the records that hold
 * both a code and an address vote for the pair (commune name, code), also with the district
 * and province named next to it. A record's code is read only when the name, with as much of
 * its district and province as the address gives, is unambiguous in those votes: at least
 * `MIN_VOTES` records wrote that name next to a code and `MIN_SHARE` of them the same code. A
 * name that two communes share (Tân An in two districts) and an address that names no
 * district stay unread. A commune name that no record wrote next to a code (an input without
 * the optional commune column) is a place of its own: the records naming it compare and block
 * as one commune. Source values are left alone (golden records show only codes the sources
 * gave); what is read here is only used to compare and block.
 */
import { TYPE_WORD_TOKENS, tokenizeAddress, type AddressTokens, type TypeWordTokens } from "../mappings/admin-units/address-tokens.ts"
import type { Interner } from "./linkage-settings.ts"

/** Records that must have written a name next to a code before the name is read as that code. */
export const MIN_VOTES = 2
/** Share of those records that must agree on the code. */
export const MIN_SHARE = 0.9

/** The units an address names, as folded names ("" when the address does not name one). */
export interface NamedUnits {
  readonly commune: string
  readonly district: string
  readonly province: string
}

/** A unit an address names: its level and folded name, and whether its type word opens a part. */
interface NamedUnit {
  /** "commune", "district", "province", or "city" (thành phố: a province or a district). */
  readonly level: string
  readonly name: string
  readonly opensPart: boolean
}

const NUMBER = /^\d+$/

/** True when a type word's written form carries diacritics (xã, phường, huyện; not tt, p, x). */
const accented = (t: TypeWordTokens): boolean => t.folded.some((f, k) => f !== t.written[k])

/**
 * The type word whose tokens start at token k, if any. A word written with diacritics must be
 * the type word's own spelling ("xà" is not "xã"; "Quân" is not "quận").
 */
function typeWordAt(tokens: AddressTokens, k: number): TypeWordTokens | undefined {
  for (const t of TYPE_WORD_TOKENS) {
    const n = t.folded.length
    if (k + n > tokens.folded.length) continue
    let ok = true
    for (let j = 0; j < n && ok; j++) {
      const f = tokens.folded[k + j]!
      const w = tokens.written[k + j]!
      ok = f === t.folded[j] && (w === f || w === t.written[j])
    }
    if (ok) return t
  }
  return undefined
}

/**
 * A type word inside a part (not opening it) starts a unit only when it cannot be a name:
 * written with its own diacritics ("Thôn 3 xã Bình Hồng huyện Mỹ Hào", no commas); a
 * one-letter abbreviation only before a number ("P.3 Q.5"); an accentless full word
 * ("huyen") only in an address typed entirely without diacritics, where a name cannot be told
 * from it anyway. "xã Xuân Quan" keeps Quan as a name: the address has diacritics and "quan"
 * is not written "quận".
 */
function startsUnitInsidePart(tokens: AddressTokens, k: number, t: TypeWordTokens, plainAddress: boolean): boolean {
  const n = t.folded.length
  if (t.folded.every((f) => f.length === 1)) return n > 1 || NUMBER.test(tokens.folded[k + n] ?? "")
  if (!accented(t)) return true
  const writtenAccented = t.written.every((w, j) => tokens.written[k + j] === w)
  return writtenAccented || plainAddress
}

/**
 * The units an address names by their type words (xã / phường / thị trấn, huyện / quận / thị
 * xã, tỉnh / thành phố, and their abbreviations): each type word followed by a name, which runs
 * to the next type word or the end of the comma-separated part. Type words opening a part are
 * taken as they come; those inside a part only when they cannot be a name (startsUnitInsidePart),
 * so an address written without commas, or with " - " between its units, names the same units.
 */
function namedUnitList(address: string): NamedUnit[] {
  const parts = address.split(PART_BREAK).map(partUnits)
  // A type word typed without diacritics inside a part counts only when the whole address has none.
  const plain = parts.every((p) => p.plain) ? 1 : 0
  return parts.flatMap((p) => p.units[plain]!)
}

const PART_BREAK = /[,;|\n\r]/

/** A comma-separated part's units, when the address is accented (0) and when it is all plain (1). */
interface PartUnits {
  readonly plain: boolean
  readonly units: readonly (readonly NamedUnit[])[]
}

/** Parts repeat across addresses ("xã Bình Hồng" in every address of the commune): read once. */
const partCache = new Map<string, PartUnits>()
const PART_CACHE_LIMIT = 100_000

function partUnits(part: string): PartUnits {
  const hit = partCache.get(part)
  if (hit !== undefined) return hit
  const tokens = tokenizeAddress(part.replace(DOTTED_LETTER, ", $1. "))
  let plain = true
  for (let k = 0; k < tokens.folded.length && plain; k++) plain = tokens.written[k] === tokens.folded[k]
  const out: PartUnits = { plain, units: [unitsIn(tokens, false), plain ? unitsIn(tokens, true) : []] }
  if (partCache.size >= PART_CACHE_LIMIT) partCache.clear()
  partCache.set(part, out)
  return out
}

function unitsIn(tokens: AddressTokens, plainAddress: boolean): NamedUnit[] {
  const n = tokens.folded.length
  // Where units may start: [token, type word].
  const starts: { k: number; t: TypeWordTokens }[] = []
  for (let k = 0; k < n; ) {
    const t = typeWordAt(tokens, k)
    if (t !== undefined && (tokens.partStart[k] === true || startsUnitInsidePart(tokens, k, t, plainAddress))) {
      starts.push({ k, t })
      k += t.folded.length
    } else k++
  }
  // A name runs to the next unit or the end of its part. A type word with no name after it
  // ("xa xuan quan huyen …": quan before huyen) is a word of the name before it; from the last
  // start backwards, so each name is measured against the next start that is kept.
  const units: NamedUnit[] = []
  let next = n
  for (let s = starts.length - 1; s >= 0; s--) {
    const { k, t } = starts[s]!
    const from = k + t.folded.length
    let to = from
    while (to < next && (to === from || tokens.partStart[to] !== true)) to++
    if (to === from || tokens.partStart[from] === true) continue
    units.push({ level: t.type === "thanh pho" ? "city" : t.levels[0]!, name: tokens.folded.slice(from, to).join(" "), opensPart: tokens.partStart[k] === true })
    next = k
  }
  return units.reverse()
}

/**
 * A one-letter abbreviation with its dot inside a part ("Xóm 5 X. Đức Nam H. Đông Hưng"):
 * the dot says it is a type word, and tokens lose the dot, so it is made to open a part.
 */
const DOTTED_LETTER = /(?<=\s)([XxPpQqHhTtFf])\.\s*(?=[^\s,.])/gu

/**
 * The commune, district and province an address names (namedUnitList). Units whose type word
 * opens a part come first; one found inside a part only fills a level no part named.
 */
export function namedUnits(address: string): NamedUnits {
  let commune = ""
  let district = ""
  let province = ""
  const units = namedUnitList(address)
  for (const opensPart of [true, false])
    for (const { level, name, opensPart: o } of units) {
      if (o !== opensPart) continue
      if (level === "commune" && commune === "") commune = name
      else if (level === "district" && district === "") district = name
      else if (level === "province" && province === "") province = name
      // Thành phố is a province or a district: after a district it is the province.
      else if (level === "city") {
        if (district !== "" && province === "") province = name
        else if (district === "") district = name
      }
    }
  return { commune, district, province }
}


/** Districts and provinces each commune name is written with anywhere in the input. */
interface NameScope {
  districts: Set<string>
  provinces: Set<string>
}

/**
 * The lookup keys of an address's units, most specific first. A part the name needs to be told
 * apart (the name is written with two districts, or two provinces, somewhere in the input) is
 * in every key: "xã Tân An, huyện Hưng Hà" never falls back to "Tân An" alone when another Tân
 * An exists. No keys when the address lacks such a part.
 */
function keysOf(u: NamedUnits, scope: NameScope): string[] {
  const c = u.commune
  const needDistrict = scope.districts.size > 1
  const needProvince = scope.provinces.size > 1
  if ((needDistrict && u.district === "") || (needProvince && u.province === "")) return []
  const keys: string[] = []
  if (u.district !== "" && u.province !== "") keys.push(`${c}|${u.district}|${u.province}`)
  if (u.district !== "" && !needProvince) keys.push(`${c}|${u.district}|`)
  if (u.province !== "" && !needDistrict) keys.push(`${c}||${u.province}`)
  if (!needDistrict && !needProvince) keys.push(`${c}||`)
  return keys
}

export interface ResidenceCommunes {
  /** Per record: its own commune code, the code read from its address, a place key (>= `codeCount`), or -1. */
  readonly commune: Int32Array
  /** Records whose code was read from the address. */
  readonly read: number
  /** Records given a place key: their commune name never appears next to a code. */
  readonly named: number
}

/**
 * Per record, its commune code, or the code read from its address (see the header), or -1.
 * `commune[i]` and the result are codes of one interner holding `codeCount` codes; `address[i]`
 * indexes `addresses.values` (-1: no address). A commune name no record ever wrote next to a
 * code (an input without commune codes, the CLI's default columns) gets a place key of its own,
 * numbered from `codeCount` up: records naming that commune compare and block as one place.
 */
export function communeOrAddressCommune(size: number, commune: Int32Array, address: Int32Array, addresses: Interner, codeCount: number): ResidenceCommunes {
  const out = Int32Array.from(commune)
  let needed = false
  for (let i = 0; i < size; i++)
    if (commune[i]! < 0 && address[i]! >= 0) {
      needed = true
      break
    }
  if (!needed) return { commune: out, read: 0, named: 0 }
  // Units per distinct address, parsed once; where each commune name is written.
  const unitsOf: (NamedUnits | null)[] = new Array(addresses.size)
  const scopes = new Map<string, NameScope>()
  for (let a = 0; a < addresses.size; a++) {
    const u = namedUnits(addresses.values[a]!)
    if (u.commune === "") {
      unitsOf[a] = null
      continue
    }
    unitsOf[a] = u
    let scope = scopes.get(u.commune)
    if (scope === undefined) scopes.set(u.commune, (scope = { districts: new Set(), provinces: new Set() }))
    if (u.district !== "") scope.districts.add(u.district)
    if (u.province !== "") scope.provinces.add(u.province)
  }
  const keysOfAddress = (a: number): string[] => {
    const u = unitsOf[a]
    return u === null || u === undefined ? [] : keysOf(u, scopes.get(u.commune)!)
  }
  // Votes: key -> (code -> records).
  const votes = new Map<string, Map<number, number>>()
  for (let i = 0; i < size; i++) {
    const c = commune[i]!
    const a = address[i]!
    if (c < 0 || a < 0) continue
    for (const key of keysOfAddress(a)) {
      let m = votes.get(key)
      if (m === undefined) votes.set(key, (m = new Map()))
      m.set(c, (m.get(c) ?? 0) + 1)
    }
  }
  // The code each address reads as (-1: none), decided once per distinct address.
  const placeKeys = new Map<string, number>()
  const readOf = new Int32Array(addresses.size).fill(-2)
  let read = 0
  let named = 0
  for (let i = 0; i < size; i++) {
    const a = address[i]!
    if (commune[i]! >= 0 || a < 0) continue
    let r = readOf[a]!
    if (r === -2) {
      r = -1
      const keys = keysOfAddress(a)
      let voted = false
      for (const key of keys) {
        const m = votes.get(key)
        if (m === undefined) continue
        // The most specific key anyone voted for decides: a wider key is only more ambiguous.
        voted = true
        let total = 0
        let best = -1
        let bestVotes = 0
        for (const [code, v] of m) {
          total += v
          if (v > bestVotes) {
            best = code
            bestVotes = v
          }
        }
        if (bestVotes >= MIN_VOTES && bestVotes >= MIN_SHARE * total) r = best
        break
      }
      if (!voted && keys.length > 0) {
        // Never written next to a code: a place of its own, under its widest key.
        const key = keys.at(-1)!
        let k = placeKeys.get(key)
        if (k === undefined) placeKeys.set(key, (k = codeCount + placeKeys.size))
        r = k
      }
      readOf[a] = r
    }
    if (r < 0) continue
    out[i] = r
    if (r < codeCount) read++
    else named++
  }
  return { commune: out, read, named }
}

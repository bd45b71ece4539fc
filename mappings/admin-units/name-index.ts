/**
 * Finding a unit name at the end of an address, inside a scope. Addresses are read right to
 * left (province, then district, then commune), so the question at each level is: which names
 * of this level, among the units the scope allows, end exactly at token `end`?
 *
 * A match preceded by a type word of another level is rejected ("Thị trấn Tứ Kỳ" is not the
 * district Tứ Kỳ); a bare number needs its type word ("Phường 4", "P.4", "Q 1"); spacing
 * variants match ("Đa Krông" = "Đakrông").
 */
import type { UnitLevel } from "./codes.ts"
import { type AddressTokens, tokenizeAddress, TYPE_WORD_TOKENS, type TypeWordTokens, typeWordBefore } from "./address-tokens.ts"

interface Entry<T> {
  readonly tokens: readonly string[]
  readonly unit: T
  readonly type: string | undefined
  readonly numeric: boolean
}

export interface NameMatch<T> {
  /** Every unit of the best match (more than one when namesakes share the scope). */
  readonly units: readonly T[]
  /** First token of the match, including its type word. */
  readonly start: number
  readonly typeWord: TypeWordTokens | undefined
}

/** Type words spelled out (not abbreviations): the only ones a catalog name starts with. */
const FULL_TYPE_WORDS = TYPE_WORD_TOKENS.filter((t) => t.folded.some((f, k) => f !== t.written[k]))

const partsCache = new Map<string, { type: string | undefined; tokens: string[] }>()

/** Splits a catalog name into its type word and proper-name tokens (cached: names repeat across indexes). */
export function nameParts(name: string): { type: string | undefined; tokens: string[] } {
  let parts = partsCache.get(name)
  if (parts === undefined) {
    parts = computeNameParts(name)
    if (partsCache.size > 100_000) partsCache.clear()
    partsCache.set(name, parts)
  }
  return parts
}

function computeNameParts(name: string): { type: string | undefined; tokens: string[] } {
  const t = tokenizeAddress(name)
  for (const w of FULL_TYPE_WORDS) {
    const n = w.folded.length
    if (t.folded.length <= n) continue
    let ok = true
    for (let k = 0; k < n; k++) if (t.folded[k] !== w.folded[k] || (t.written[k] !== w.written[k] && t.written[k] !== w.folded[k])) ok = false
    if (ok) return { type: w.type, tokens: t.folded.slice(n) }
  }
  return { type: undefined, tokens: t.folded.slice() }
}

const isNumeric = (w: string): boolean => {
  for (let i = 0; i < w.length; i++) {
    const c = w.charCodeAt(i)
    if (c < 0x30 || c > 0x39) return false
  }
  return w.length > 0
}

export class NameIndex<T> {
  readonly level: UnitLevel
  readonly #byLast = new Map<string, Entry<T>[]>()

  constructor(level: UnitLevel, units: Iterable<T>, names: (unit: T) => Iterable<string>) {
    this.level = level
    for (const unit of units) {
      const seen = new Set<string>()
      for (const name of names(unit)) {
        if (name.length === 0) continue
        const { type, tokens } = nameParts(name)
        if (tokens.length === 0) continue
        const key = tokens.join(" ")
        if (!seen.has(key)) {
          seen.add(key)
          this.#add({ tokens, unit, type, numeric: tokens.length === 1 && isNumeric(tokens[0]!) })
        }
        const compact = tokens.join("")
        if (tokens.length > 1 && !seen.has(compact)) {
          seen.add(compact)
          this.#add({ tokens: [compact], unit, type, numeric: false })
        }
      }
    }
  }

  #add(e: Entry<T>): void {
    const last = e.tokens[e.tokens.length - 1]!
    const list = this.#byLast.get(last)
    if (list === undefined) this.#byLast.set(last, [e])
    else list.push(e)
  }

  /**
   * The best match of a name of this level ending at token `end` among units that `accept`
   * allows, or undefined. Best = type word of this level present, then starting a part, then
   * longest; ties keep every unit.
   */
  matchEnding(tokens: AddressTokens, end: number, accept: (unit: T) => boolean): NameMatch<T> | undefined {
    if (end <= 0) return undefined
    let bestScore = -1
    let best: T[] = []
    let bestStart = 0
    let bestType: TypeWordTokens | undefined
    // the type word before a name start, looked up once per start
    let twStart = -1
    let twFound: TypeWordTokens | undefined
    const consider = (e: Entry<T>, nameStart: number): void => {
      if (!accept(e.unit)) return
      if (twStart !== nameStart) {
        twStart = nameStart
        twFound = typeWordBefore(tokens, nameStart)
      }
      const tw = twFound
      if (tw !== undefined && !tw.levels.includes(this.level)) return
      if (e.numeric && tw === undefined) return
      const start = tw === undefined ? nameStart : nameStart - tw.folded.length
      const typeScore = tw === undefined ? 0 : e.type === undefined || e.type === tw.type ? 2 : 1
      const score = (typeScore * 2 + (tokens.partStart[start] === true ? 1 : 0)) * 64 + (end - nameStart)
      if (score > bestScore) {
        bestScore = score
        best = [e.unit]
        bestStart = start
        bestType = tw
      } else if (score === bestScore && !best.includes(e.unit)) best.push(e.unit)
    }
    const f = tokens.folded
    const list = this.#byLast.get(f[end - 1]!)
    if (list !== undefined) {
      for (const e of list) {
        const n = e.tokens.length
        if (n > end) continue
        let ok = true
        for (let k = 0; k < n - 1; k++) {
          if (f[end - n + k] !== e.tokens[k]) {
            ok = false
            break
          }
        }
        if (ok) consider(e, end - n)
      }
    }
    // spacing variants: "da krong" written for "dakrong"
    for (let j = 2; j <= 3 && j <= end; j++) {
      let joined = ""
      for (let k = end - j; k < end; k++) joined += f[k]
      const single = this.#byLast.get(joined)
      if (single === undefined) continue
      for (const e of single) if (e.tokens.length === 1) consider(e, end - j)
    }
    if (bestScore < 0) return undefined
    return { units: best, start: bestStart, typeWord: bestType }
  }
}

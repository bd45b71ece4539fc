/**
 * Character error rate (CER): edit distance between recognised and true text divided by the
 * length of the true text, both in NFC with every run of whitespace made one space. Used by the
 * tests and the benchmark; line breaks and blank lines do not count as errors.
 */
import { nfc } from "../text/vietnamese.ts"

export const normaliseForCer = (s: string): string => nfc(s).replace(/\s+/gu, " ").trim()

/** Levenshtein distance over UTF-16 code units of NFC text (Vietnamese letters are one unit in NFC). */
export const editDistance = (a: string, b: string): number => {
  if (a === b) return 0
  if (a.length === 0) return b.length
  if (b.length === 0) return a.length
  let prev = new Uint32Array(b.length + 1)
  let cur = new Uint32Array(b.length + 1)
  for (let j = 0; j <= b.length; j++) prev[j] = j
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i
    const ca = a.charCodeAt(i - 1)
    for (let j = 1; j <= b.length; j++) {
      const sub = (prev[j - 1] as number) + (ca === b.charCodeAt(j - 1) ? 0 : 1)
      const del = (prev[j] as number) + 1
      const ins = (cur[j - 1] as number) + 1
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins
    }
    const t = prev
    prev = cur
    cur = t
  }
  return prev[b.length] as number
}

export type CerResult = { readonly errors: number; readonly length: number; readonly cer: number }

export const characterErrorRate = (recognised: string, truth: string): CerResult => {
  const r = normaliseForCer(recognised)
  const t = normaliseForCer(truth)
  const errors = editDistance(r, t)
  return { errors, length: t.length, cer: t.length === 0 ? (r.length === 0 ? 0 : 1) : errors / t.length }
}

/** CER against the closest of several equally valid readings (e.g. a two-column header read by column or by row). */
export const bestCharacterErrorRate = (recognised: string, truths: ReadonlyArray<string>): CerResult => {
  let best: CerResult | null = null
  for (const t of truths) {
    const r = characterErrorRate(recognised, t)
    if (best === null || r.cer < best.cer) best = r
  }
  return best ?? characterErrorRate(recognised, "")
}

/** Smallest edit distance between `needle` and any substring of `hay` (Sellers' algorithm). */
export const substringEditDistance = (needle: string, hay: string): number => {
  if (needle.length === 0) return 0
  let prev = new Uint32Array(hay.length + 1) // row 0: a match may start anywhere, free
  let cur = new Uint32Array(hay.length + 1)
  for (let i = 1; i <= needle.length; i++) {
    cur[0] = i
    const c = needle.charCodeAt(i - 1)
    for (let j = 1; j <= hay.length; j++) {
      const sub = (prev[j - 1] as number) + (c === hay.charCodeAt(j - 1) ? 0 : 1)
      const del = (prev[j] as number) + 1
      const ins = (cur[j - 1] as number) + 1
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins
    }
    const t = prev
    prev = cur
    cur = t
  }
  let best = needle.length
  for (let j = 0; j <= hay.length; j++) if ((prev[j] as number) < best) best = prev[j] as number
  return best
}

/**
 * CER that does not count reading order: each true line is matched against the best place in
 * any recognised line (so merged header rows and swapped columns cost nothing), and recognised
 * text longer than the truth counts its surplus characters as errors.
 */
export const orderFreeCharacterErrorRate = (recognised: string, truth: string): CerResult => {
  const ocrLines = nfc(recognised).split("\n").map(normaliseForCer).filter((l) => l !== "")
  const truthLines = nfc(truth).split("\n").map(normaliseForCer).filter((l) => l !== "")
  let errors = 0
  let length = 0
  for (const t of truthLines) {
    length += t.length
    let best = t.length
    for (const o of ocrLines) {
      if (best === 0) break
      const d = substringEditDistance(t, o)
      if (d < best) best = d
    }
    errors += best
  }
  const surplus = ocrLines.reduce((n, l) => n + l.replace(/ /gu, "").length, 0) - truthLines.reduce((n, l) => n + l.replace(/ /gu, "").length, 0)
  errors += Math.max(0, surplus)
  return { errors, length, cer: length === 0 ? 0 : errors / length }
}

/**
 * String similarity measures used by the comparisons. All of them work on UTF-16 code units of
 * already-normalised (usually accent-folded, lowercase) strings and allocate nothing per call.
 */

const scratch = { a: new Int32Array(64), b: new Int32Array(64), stamp: 0 }

/** Jaro–Winkler similarity in [0, 1] (prefix scale 0.1, prefix up to 4). */
export function jaroWinkler(a: string, b: string): number {
  if (a === b) return a.length === 0 ? 0 : 1
  const la = a.length
  const lb = b.length
  if (la === 0 || lb === 0) return 0
  if (la > scratch.a.length || lb > scratch.b.length) {
    scratch.a = new Int32Array(Math.max(la, lb) * 2)
    scratch.b = new Int32Array(Math.max(la, lb) * 2)
    scratch.stamp = 0
  }
  const fa = scratch.a
  const fb = scratch.b
  // A stamp per call instead of clearing the flag arrays.
  const stamp = ++scratch.stamp
  if (stamp === 0x7fffffff) {
    fa.fill(0)
    fb.fill(0)
    scratch.stamp = 1
    return jaroWinkler(a, b)
  }
  const range = Math.max(0, (Math.max(la, lb) >> 1) - 1)
  let matches = 0
  for (let i = 0; i < la; i++) {
    const c = a.charCodeAt(i)
    const lo = i > range ? i - range : 0
    const hi = i + range + 1 < lb ? i + range + 1 : lb
    for (let j = lo; j < hi; j++) {
      if (fb[j] !== stamp && b.charCodeAt(j) === c) {
        fa[i] = stamp
        fb[j] = stamp
        matches++
        break
      }
    }
  }
  if (matches === 0) return 0
  let t = 0
  let k = 0
  for (let i = 0; i < la; i++) {
    if (fa[i] !== stamp) continue
    while (fb[k] !== stamp) k++
    if (a.charCodeAt(i) !== b.charCodeAt(k)) t++
    k++
  }
  const m = matches
  const jaro = (m / la + m / lb + (m - t / 2) / m) / 3
  let prefix = 0
  const maxPrefix = Math.min(4, la, lb)
  while (prefix < maxPrefix && a.charCodeAt(prefix) === b.charCodeAt(prefix)) prefix++
  return jaro + prefix * 0.1 * (1 - jaro)
}

/** Number of positions that differ; `Infinity` when the lengths differ. */
export function hammingDistance(a: string, b: string): number {
  if (a.length !== b.length) return Infinity
  let d = 0
  for (let i = 0; i < a.length; i++) if (a.charCodeAt(i) !== b.charCodeAt(i)) d++
  return d
}

/** True when b is a with exactly one pair of adjacent characters swapped ("1234" / "1324"). */
export function isAdjacentTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false
  let i = 0
  const n = a.length
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++
  if (i >= n - 1) return false
  if (a.charCodeAt(i) !== b.charCodeAt(i + 1) || a.charCodeAt(i + 1) !== b.charCodeAt(i)) return false
  for (let j = i + 2; j < n; j++) if (a.charCodeAt(j) !== b.charCodeAt(j)) return false
  return true
}

/** True when a and b differ by at most one insertion, deletion or substitution. */
export function withinOneEdit(a: string, b: string): boolean {
  const la = a.length
  const lb = b.length
  if (Math.abs(la - lb) > 1) return false
  if (la === lb) return hammingDistance(a, b) <= 1
  const [s, l] = la < lb ? [a, b] : [b, a]
  let i = 0
  while (i < s.length && s.charCodeAt(i) === l.charCodeAt(i)) i++
  for (let j = i; j < s.length; j++) if (s.charCodeAt(j) !== l.charCodeAt(j + 1)) return false
  return true
}

const rows = { size: 64, r0: new Int32Array(64), r1: new Int32Array(64), r2: new Int32Array(64) }

/**
 * Damerau–Levenshtein (optimal string alignment) distance, giving up early and returning
 * `limit + 1` once the distance is known to exceed `limit`.
 */
export function editDistanceAtMost(a: string, b: string, limit: number): number {
  const la = a.length
  const lb = b.length
  if (Math.abs(la - lb) > limit) return limit + 1
  if (la === 0 || lb === 0) return Math.max(la, lb)
  if (lb + 1 > rows.size) {
    rows.size = (lb + 1) * 2
    rows.r0 = new Int32Array(rows.size)
    rows.r1 = new Int32Array(rows.size)
    rows.r2 = new Int32Array(rows.size)
  }
  let prev2 = rows.r0
  let prev = rows.r1
  let cur = rows.r2
  for (let j = 0; j <= lb; j++) prev[j] = j
  for (let i = 1; i <= la; i++) {
    cur[0] = i
    let rowMin = i
    const ca = a.charCodeAt(i - 1)
    for (let j = 1; j <= lb; j++) {
      const cb = b.charCodeAt(j - 1)
      const cost = ca === cb ? 0 : 1
      let v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost)
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) v = Math.min(v, prev2[j - 2]! + 1)
      cur[j] = v
      if (v < rowMin) rowMin = v
    }
    if (rowMin > limit) return limit + 1
    const t = prev2
    prev2 = prev
    prev = cur
    cur = t
  }
  return Math.min(prev[lb]!, limit + 1)
}

/** Jaccard similarity of two sorted arrays of distinct token codes. */
export function sortedJaccard(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const la = a.length
  const lb = b.length
  if (la === 0 && lb === 0) return 0
  let i = 0
  let j = 0
  let inter = 0
  while (i < la && j < lb) {
    const x = a[i]!
    const y = b[j]!
    if (x === y) {
      inter++
      i++
      j++
    } else if (x < y) i++
    else j++
  }
  return inter / (la + lb - inter)
}

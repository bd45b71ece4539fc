/**
 * The seeded pseudo-random source of the synthetic world (sfc32 seeded through cyrb128). Every
 * concept draws from its own stream (`forConcept("citizens")`), so a change in how dossiers are
 * drawn never shifts the people. No Math.random, no clock.
 */

const cyrb128 = (str: string): [number, number, number, number] => {
  let h1 = 1779033703, h2 = 3144134277, h3 = 1013904242, h4 = 2773480762
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

export class Random {
  #a: number
  #b: number
  #c: number
  #d: number

  constructor(seed: string) {
    const [a, b, c, d] = cyrb128(seed)
    this.#a = a
    this.#b = b
    this.#c = c
    this.#d = d
    for (let i = 0; i < 12; i++) this.next()
  }

  /** A stream for one concept of the world, independent of every other concept's stream. */
  static forConcept(seed: number | string, concept: string): Random {
    return new Random(`provmerge:${seed}:${concept}`)
  }

  /** Uniform in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0
    this.#d = (this.#d + 1) | 0
    this.#a = this.#b ^ (this.#b >>> 9)
    this.#b = (this.#c + (this.#c << 3)) | 0
    this.#c = (this.#c << 21) | (this.#c >>> 11)
    this.#c = (this.#c + t) | 0
    return (t >>> 0) / 4294967296
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** Integer in [min, max] inclusive. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1)
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error("pick from an empty list")
    return items[this.int(items.length)]!
  }

  /** n digits as a string (leading zeros kept). */
  digits(n: number): string {
    let s = ""
    for (let i = 0; i < n; i++) s += String(this.int(10))
    return s
  }
}

/** Picks from weighted choices in O(log n) (weights need not sum to 1). */
export class WeightedChoice<T> {
  readonly #items: readonly T[]
  readonly #cumulative: Float64Array
  readonly #total: number

  constructor(entries: readonly (readonly [T, number])[]) {
    this.#items = entries.map((e) => e[0])
    this.#cumulative = new Float64Array(entries.length)
    let sum = 0
    entries.forEach(([, w], i) => {
      sum += w
      this.#cumulative[i] = sum
    })
    this.#total = sum
  }

  pick(random: Random): T {
    const x = random.next() * this.#total
    let lo = 0, hi = this.#cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.#cumulative[mid]! > x) hi = mid
      else lo = mid + 1
    }
    return this.#items[lo]!
  }
}

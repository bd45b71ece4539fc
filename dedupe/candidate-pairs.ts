/**
 * The candidate pairs between enumeration and scoring: one bit per pair the blocking rules
 * produce, in the order the rules and blocks produce them (set: the pair is new, no earlier
 * rule produced it). Scoring walks the blocks again in the same order (forEachBlockPair) and
 * reads the bits, so it neither stores the pairs nor asks the earlier rules again.
 *
 * Two record indices and a rule number per candidate pair took 9 bytes each: 220 MB for the
 * 24.6 million candidate pairs of 509,045 citizen records, where the bits take 4 MB (one per
 * pair the rules produce, 31 million). The pairs come out in the same order as before.
 */
import { forEachBlockPair, type BlockIndex } from "./blocking.ts"

export class CandidateBits {
  /** Bits in enumeration order, 32 per word, the first pair in the lowest bit. */
  private readonly words: Int32Array
  private word = 0
  private bit = 1
  private pending = 0
  /** Pairs pushed (enumerated), and the new ones among them. */
  pairs = 0
  candidates = 0

  /** `pairs`: how many pairs the rules produce (every rule's rawPairs), an exact bound. */
  constructor(pairs: number) {
    this.words = new Int32Array(Math.ceil(pairs / 32) + 1)
  }

  /** The next enumerated pair: new (a candidate) or not. */
  push(isNew: boolean): void {
    if (isNew) {
      this.pending |= this.bit
      this.candidates++
    }
    this.pairs++
    this.bit <<= 1
    if (this.bit === 0) {
      this.words[this.word++] = this.pending
      this.pending = 0
      this.bit = 1
    }
  }

  /**
   * Calls `visit` for every candidate pair, in the order they were pushed, with the rule that
   * produced it. Rules 0 … rules-1 are walked again, as pass 1 walked them.
   */
  forEach(index: BlockIndex, rules: number, visit: (a: number, b: number, rule: number) => void): void {
    if (this.bit !== 1) this.words[this.word] = this.pending
    let word = 0
    let bits = this.words[0]!
    let bit = 1
    let seen = 0
    for (let r = 0; r < rules; r++) {
      forEachBlockPair(index, r, (a, b) => {
        const isNew = (bits & bit) !== 0
        bit <<= 1
        if (bit === 0) {
          bits = this.words[++word]!
          bit = 1
        }
        seen++
        if (isNew) visit(a, b, r)
      })
    }
    if (seen !== this.pairs) throw new Error(`candidate pairs: ${seen} pairs walked again, ${this.pairs} enumerated`)
  }
}

/**
 * The `_meta` entries of a workbook, collected while the review sheets are written and read back
 * in order (as entry objects made on the fly) for the signature and the `_meta` sheet at the end.
 * A large world asks about hundreds of thousands of items (468,000 unit rows at 4× scale), so
 * nothing is kept per entry as a JavaScript object: the keys' bytes sit in one buffer, kind and
 * status as codes and the choices as an index into the distinct choice lists (the units of one
 * old commune share theirs) in typed arrays, and an open-addressing table over the keys answers
 * whether a sheet already asked about a key (≈ 45 bytes per entry in all, where a string per key,
 * a Set of them and arrays of numbers took ≈ 110).
 */
import type { ReviewKind, ReviewMetaEntry } from "./review-meta.ts"

const grown = <A extends Uint32Array | Int32Array>(array: A, needed: number, make: (n: number) => A): A => {
  if (needed <= array.length) return array
  let size = array.length
  while (size < needed) size *= 2
  const next = make(size)
  next.set(array)
  return next
}

export class ReviewMetaEntries implements Iterable<ReviewMetaEntry> {
  private bytes = Buffer.allocUnsafe(1 << 16)
  private used = 0
  /** Entry i's key is bytes[keyEnds[i - 1] ?? 0, keyEnds[i]). */
  private keyEnds = new Uint32Array(1024)
  /** Kind code × 65536 + status code. */
  private kindStatus = new Uint32Array(1024)
  private choiceList = new Uint32Array(1024)
  private count = 0
  /** Entry index + 1 per slot (0: free), at most half full. */
  private slots = new Int32Array(2048)
  private readonly codes = new Map<string, number>()
  private readonly codeValues: string[] = []
  private readonly lists: ReadonlyArray<string>[] = []
  private readonly listIndex = new Map<string, number>()

  get length(): number {
    return this.count
  }

  private code(value: string): number {
    let c = this.codes.get(value)
    if (c === undefined) {
      c = this.codeValues.length
      this.codes.set(value, c)
      this.codeValues.push(value)
    }
    return c
  }

  private keyStart(i: number): number {
    return i === 0 ? 0 : this.keyEnds[i - 1]!
  }

  private hash(kind: number, start: number, end: number): number {
    let h = 0x811c9dc5 ^ kind
    for (let k = start; k < end; k++) h = Math.imul(h ^ this.bytes[k]!, 0x01000193)
    return h >>> 0
  }

  /** The slot holding entry (kind, bytes[start, end)), or the free slot where it would go. */
  private slotOf(kind: number, start: number, end: number): number {
    const mask = this.slots.length - 1
    let slot = this.hash(kind, start, end) & mask
    for (;;) {
      const held = this.slots[slot]!
      if (held === 0) return slot
      const i = held - 1
      const s = this.keyStart(i)
      if (Math.floor(this.kindStatus[i]! / 65536) === kind && this.keyEnds[i]! - s === end - start &&
        this.bytes.compare(this.bytes, start, end, s, this.keyEnds[i]!) === 0) {
        return slot
      }
      slot = (slot + 1) & mask
    }
  }

  private rehash(size: number): void {
    const old = this.count
    this.slots = new Int32Array(size)
    for (let i = 0; i < old; i++) {
      this.slots[this.slotOf(Math.floor(this.kindStatus[i]! / 65536), this.keyStart(i), this.keyEnds[i]!)] = i + 1
    }
  }

  /**
   * Adds an entry and returns the `_meta` row offset it takes (0 for the first entry), or
   * undefined when an entry of the same kind and key is there already (nothing is added).
   */
  add(kind: ReviewKind, reviewKey: string, status: string, choices: ReadonlyArray<string>): number | undefined {
    const length = Buffer.byteLength(reviewKey, "utf8")
    if (this.used + length > this.bytes.length) {
      let size = this.bytes.length
      while (size < this.used + length) size *= 2
      const next = Buffer.allocUnsafe(size)
      this.bytes.copy(next, 0, 0, this.used)
      this.bytes = next
    }
    this.bytes.write(reviewKey, this.used, length, "utf8")
    const kindCode = this.code(kind)
    const slot = this.slotOf(kindCode, this.used, this.used + length)
    if (this.slots[slot] !== 0) return undefined
    const listKey = choices.join("\u0000")
    let list = this.listIndex.get(listKey)
    if (list === undefined) {
      list = this.lists.length
      this.listIndex.set(listKey, list)
      this.lists.push([...choices])
    }
    const i = this.count++
    this.keyEnds = grown(this.keyEnds, this.count, (n) => new Uint32Array(n))
    this.kindStatus = grown(this.kindStatus, this.count, (n) => new Uint32Array(n))
    this.choiceList = grown(this.choiceList, this.count, (n) => new Uint32Array(n))
    this.used += length
    this.keyEnds[i] = this.used
    this.kindStatus[i] = kindCode * 65536 + this.code(status)
    this.choiceList[i] = list
    this.slots[slot] = i + 1
    if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2)
    return i
  }

  *[Symbol.iterator](): Iterator<ReviewMetaEntry> {
    for (let i = 0; i < this.count; i++) {
      const ks = this.kindStatus[i]!
      yield {
        kind: this.codeValues[Math.floor(ks / 65536)] as ReviewKind,
        reviewKey: this.bytes.toString("utf8", this.keyStart(i), this.keyEnds[i]!),
        status: this.codeValues[ks % 65536]!,
        choices: this.lists[this.choiceList[i]!]!
      }
    }
  }
}

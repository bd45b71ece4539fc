/**
 * The record ids of the column table, in row order, with the row of each id. An id in canonical
 * lowercase UUID form (what PostgreSQL hands the pipeline's dedupe stage) is kept as its 16
 * bytes; any other id as the string itself. The string of a UUID id is made again when asked
 * for (review pairs, master ids, the result's objects: a few per hundred records, or once each).
 *
 * A UUID id as a string held 36 characters behind a 32-byte sliced string (the copy that lets a
 * CSV line go) and a pointer, and the index kept each id's hash: ~113 bytes a record; here 17,
 * plus 8 to 16 for the index.
 */

/** Row index by record id. */
export interface RecordIndex {
  get(recordId: string): number | undefined
  readonly size: number
}

const HEX = "0123456789abcdef"
/** Value of a lowercase hex digit by char code, -1 for anything else. */
const HEX_VALUE = new Int8Array(128).fill(-1)
for (let k = 0; k < 16; k++) HEX_VALUE[HEX.charCodeAt(k)] = k
/** Byte k of a canonical UUID starts at string position UUID_POS[k]. */
const UUID_POS = [0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24, 26, 28, 30, 32, 34]

/**
 * Writes the 16 bytes of a canonical lowercase UUID (8-4-4-4-12 hex digits) into `out` at `at`;
 * false (and `out` unspecified) for any other string.
 */
function uuidBytes(s: string, out: Uint8Array, at: number): boolean {
  if (s.length !== 36 || s.charCodeAt(8) !== 45 || s.charCodeAt(13) !== 45 || s.charCodeAt(18) !== 45 || s.charCodeAt(23) !== 45) return false
  for (let k = 0; k < 16; k++) {
    const p = UUID_POS[k]!
    const c1 = s.charCodeAt(p)
    const c2 = s.charCodeAt(p + 1)
    const hi = c1 < 128 ? HEX_VALUE[c1]! : -1
    const lo = c2 < 128 ? HEX_VALUE[c2]! : -1
    if (hi < 0 || lo < 0) return false
    out[at + k] = (hi << 4) | lo
  }
  return true
}

function uuidText(bytes: Uint8Array, at: number): string {
  let s = ""
  for (let k = 0; k < 16; k++) {
    if (k === 4 || k === 6 || k === 8 || k === 10) s += "-"
    const b = bytes[at + k]!
    s += HEX[b >> 4]! + HEX[b & 15]!
  }
  return s
}

function hashOfBytes(bytes: Uint8Array, at: number): number {
  let h = 0x811c9dc5
  for (let k = 0; k < 16; k++) h = Math.imul(h ^ bytes[at + k]!, 0x01000193)
  h ^= h >>> 15
  return Math.imul(h, 0x85ebca6b) ^ (h >>> 13)
}

function hashOfText(s: string): number {
  let h = 0x811c9dc5 ^ s.length
  for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193)
  h ^= h >>> 15
  return Math.imul(h, 0x85ebca6b) ^ (h >>> 13)
}

export class RecordIds implements RecordIndex {
  /** Ids in row order. */
  size = 0
  /** Rows there is room for. */
  private capacity: number
  /** 16 bytes per row, for the rows whose id is a UUID (allocated with the first one). */
  private bytes: Uint8Array | undefined
  /** 1 when the row's id is not a UUID: its string is in `other` (allocated with the first one). */
  private isOther: Uint8Array
  private other: string[] | undefined
  /** Open addressing: slot -> row (-1 empty). A UUID id hashes by its bytes, another by its text. */
  private slots: Int32Array
  private readonly scratch = new Uint8Array(16)
  /** Whether the id find() looked at last was a UUID (its bytes are in `scratch`). */
  private lastWasUuid = false

  /** `capacity`: the expected number of ids (the columns grow past it when needed). */
  constructor(capacity = 1024) {
    this.capacity = Math.max(16, capacity)
    this.isOther = new Uint8Array(this.capacity)
    let slots = 1 << 12
    while (slots < this.capacity * 2) slots *= 2
    this.slots = new Int32Array(slots).fill(-1)
  }

  /** The id of a row. */
  id(row: number): string {
    return this.isOther[row] === 1 ? this.other![row]! : uuidText(this.bytes!, row * 16)
  }

  /** The row of an id, undefined when there is none. */
  get(recordId: string): number | undefined {
    const slot = this.find(recordId)
    return this.slots[slot]! < 0 ? undefined : this.slots[slot]!
  }

  /** True when row `a`'s id sorts before row `b`'s (as the strings compare). */
  less(a: number, b: number): boolean {
    if (this.isOther[a] === 1 || this.isOther[b] === 1) return this.id(a) < this.id(b)
    // Lowercase hex digits sort as their values and the dashes sit at the same places.
    const bytes = this.bytes!
    const x = a * 16
    const y = b * 16
    for (let k = 0; k < 16; k++) {
      const d = bytes[x + k]! - bytes[y + k]!
      if (d !== 0) return d < 0
    }
    return false
  }

  /**
   * Appends an id as the next row; false (nothing added) when the id is already there. An id
   * that is not a UUID is kept as `keep(recordId)` (a copy that does not point into a larger string).
   */
  add(recordId: string, keep: (id: string) => string = (id) => id): boolean {
    if ((this.size + 1) * 2 > this.slots.length) this.growIndex()
    const slot = this.find(recordId)
    if (this.slots[slot]! >= 0) return false
    const row = this.size
    if (row === this.capacity) this.growRows()
    if (this.lastWasUuid) {
      this.bytes ??= new Uint8Array(this.capacity * 16)
      this.bytes.set(this.scratch, row * 16)
    } else {
      this.isOther[row] = 1
      ;(this.other ??= [])[row] = keep(recordId)
    }
    this.slots[slot] = row
    this.size++
    return true
  }

  /** Gives back the room kept for more rows (after the last add). */
  trim(): void {
    if (this.capacity === this.size) return
    this.capacity = this.size
    this.isOther = this.isOther.slice(0, this.size)
    if (this.bytes !== undefined) this.bytes = this.bytes.slice(0, this.size * 16)
  }

  /** The slot holding `recordId`, or the empty slot where it would go. */
  private find(recordId: string): number {
    const isUuid = (this.lastWasUuid = uuidBytes(recordId, this.scratch, 0))
    const h = isUuid ? hashOfBytes(this.scratch, 0) : hashOfText(recordId)
    const mask = this.slots.length - 1
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const row = this.slots[slot]!
      if (row < 0) return slot
      if (this.isOther[row] === 1 ? !isUuid && this.other![row] === recordId : isUuid && this.sameBytes(row)) return slot
    }
  }

  private sameBytes(row: number): boolean {
    const bytes = this.bytes!
    const at = row * 16
    for (let k = 0; k < 16; k++) if (bytes[at + k] !== this.scratch[k]) return false
    return true
  }

  private growRows(): void {
    this.capacity *= 2
    if (this.bytes !== undefined) {
      const bytes = new Uint8Array(this.capacity * 16)
      bytes.set(this.bytes)
      this.bytes = bytes
    }
    const isOther = new Uint8Array(this.capacity)
    isOther.set(this.isOther)
    this.isOther = isOther
  }

  private growIndex(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1)
    const mask = this.slots.length - 1
    for (let row = 0; row < this.size; row++) {
      const h = this.isOther[row] === 1 ? hashOfText(this.other![row]!) : hashOfBytes(this.bytes!, row * 16)
      let slot = h & mask
      while (this.slots[slot]! >= 0) slot = (slot + 1) & mask
      this.slots[slot] = row
    }
  }
}

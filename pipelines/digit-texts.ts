/**
 * A text per person that is nearly always a string of digits (CCCD, CMND, phone number), kept as
 * the number the digits spell and how many there are (leading zeros come back), 9 bytes; any
 * other text (letters, more than 15 digits, the empty string) is kept as itself. A 12-digit
 * string held in an array costs 40 bytes (the string and the pointer to it): 480,000 persons'
 * CCCDs, CMNDs and phones held ~50 MB that way at the dedupe stage's peak.
 */
const NONE = 0
const OTHER = 255
/** Up to 15 digits are exact as a double. */
const MAX_DIGITS = 15

export class DigitTexts {
  private readonly value: Float64Array
  /** 0: no text; 1 … 15: that many digits in `value`; 255: the text is in `others`. */
  private readonly width: Uint8Array
  private readonly others = new Map<number, string>()

  constructor(size: number) {
    this.value = new Float64Array(size)
    this.width = new Uint8Array(size)
  }

  set(k: number, text: string | null): void {
    if (text === null) {
      this.width[k] = NONE
      return
    }
    const n = text.length
    let v = 0
    let digits = n > 0 && n <= MAX_DIGITS
    for (let c = 0; digits && c < n; c++) {
      const d = text.charCodeAt(c) - 48
      if (d < 0 || d > 9) digits = false
      else v = v * 10 + d
    }
    if (digits) {
      this.value[k] = v
      this.width[k] = n
      this.others.delete(k)
    } else {
      this.width[k] = OTHER
      this.others.set(k, text)
    }
  }

  get(k: number): string | null {
    const w = this.width[k]!
    if (w === NONE) return null
    if (w === OTHER) return this.others.get(k)!
    return String(this.value[k]!).padStart(w, "0")
  }
}

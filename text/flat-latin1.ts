/**
 * Short Latin-1 texts built as one flat string. A string made by `+` or a template of 13
 * characters or more is a tree of its pieces in V8; every later character read (the COPY writer
 * reads each character of every value of every row) then goes through that tree, and costs two
 * to three times as much as on a flat string. Texts assembled here in a byte buffer and taken
 * out with one latin1 slice are flat from the start. For texts this project generates itself
 * (ids, timestamps) on the load's hot path.
 */
const scratch = Buffer.allocUnsafeSlow(1024)
// Buffer#latin1Slice (what toString("latin1") ends in), without toString's argument handling.
const slicer = scratch as unknown as { latin1Slice(start: number, end: number): string }
let length = 0

/** Starts a new text. */
export const startText = (): void => {
  length = 0
}

/** Appends the characters of `s` from `from` to `to`; false (and nothing appended) if one is not Latin-1 or the text grows too long. */
export const appendText = (s: string, from = 0, to = s.length): boolean => {
  if (length + to - from > scratch.length) return false
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i)
    if (c > 0xff) return false
    scratch[length + i - from] = c
  }
  length += to - from
  return true
}

/** Appends one character code (Latin-1). */
export const appendCode = (c: number): void => {
  scratch[length++] = c
}

/** The text appended since `startText`, as a flat string. */
export const finishText = (): string => slicer.latin1Slice(0, length)

/** `a + b + c` as a flat string when all three are Latin-1 (and short), else as the concatenation. */
export const joinLatin1 = (a: string, b: string, c: string): string => {
  startText()
  return appendText(a) && appendText(b) && appendText(c) ? finishText() : a + b + c
}

/**
 * Reading order of a recognised page, rebuilt from the boxes of its words rather than taken from
 * tesseract's block order. District results open with a two-column header (authority and "Số:"
 * on the left, national motto and place/date on the right) and close with a two-column signature
 * block; tesseract reads such zones in varying orders, and sometimes joins a left and a right line
 * into one OCR line. Here every OCR line is first cut where its words leave a gap wider than a
 * column gutter could be inside a sentence, then the pieces are ordered by a recursive XY-cut:
 * a region is cut at its widest empty strip, vertical (a gutter between side-by-side columns)
 * or horizontal (between rows); columns read left to right, rows top to bottom. So a header reads
 * left column, right column, then the body, whatever order tesseract found it in.
 */
import type { OcrLine, OcrWord } from "./tesseract-pool.ts"

type Box = OcrLine["bbox"]

/** A word gap wider than this many word heights cuts an OCR line in two (interword spaces are ~0.3). */
const LINE_CUT_GAP = 1.5
/** A vertical empty strip at least this many word heights wide is a column gutter. */
const MIN_GUTTER = 1
/** Boxes overlapping by less than this share of the smaller height are not on the same row. */
const ROW_OVERLAP = 0.5

/** The smallest box holding `boxes` (corners taken as given in either order). */
const unionBox = (boxes: ReadonlyArray<Box>): Box => ({
  x0: Math.min(...boxes.map((b) => Math.min(b.x0, b.x1))),
  y0: Math.min(...boxes.map((b) => Math.min(b.y0, b.y1))),
  x1: Math.max(...boxes.map((b) => Math.max(b.x0, b.x1))),
  y1: Math.max(...boxes.map((b) => Math.max(b.y0, b.y1)))
})

const median = (xs: ReadonlyArray<number>): number => {
  if (xs.length === 0) return 0
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)] as number
}

/**
 * Words tesseract gives (almost) no confidence are often specks read as text ("wv." in a header
 * gutter); they keep their place in the text but neither cut nor bridge a gap.
 */
const JUNK_CONFIDENCE = 10

/** Cuts each line where two neighbouring words are further apart than `gap` pixels. */
export const cutWideGaps = (lines: ReadonlyArray<OcrLine>, gap: number): Array<OcrLine> => {
  const out: Array<OcrLine> = []
  for (const line of lines) {
    let piece: Array<OcrWord> = []
    let lastRight: number | null = null
    const flush = (): void => {
      if (piece.length === 0) return
      const solid = piece.filter((w) => w.confidence >= JUNK_CONFIDENCE)
      out.push({ words: piece, bbox: unionBox((solid.length > 0 ? solid : piece).map((w) => w.bbox)) })
      piece = []
      lastRight = null
    }
    const words = [...line.words].sort((a, b) => a.bbox.x0 - b.bbox.x0)
    for (const w of words) {
      const junk = w.confidence < JUNK_CONFIDENCE
      // A label ("Họ, chữ đệm, tên:") keeps its value even when the form puts it at a far tab stop.
      const afterLabel = /[:;]$/u.test(piece[piece.length - 1]?.text ?? "")
      if (!junk && !afterLabel && lastRight !== null && w.bbox.x0 - lastRight > gap) flush()
      piece.push(w)
      if (!junk) lastRight = w.bbox.x1
    }
    flush()
  }
  return out
}

type Strip = { at: number; width: number }

/** Widest empty strip along one axis between the intervals [lo, hi) of `items` (null if none). */
const widestGap = (intervals: ReadonlyArray<readonly [number, number]>): Strip | null => {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0])
  let best: Strip | null = null
  let reach = sorted[0]?.[1] ?? 0
  for (let i = 1; i < sorted.length; i++) {
    const [lo, hi] = sorted[i] as readonly [number, number]
    if (lo > reach && (best === null || lo - reach > best.width)) best = { at: (lo + reach) / 2, width: lo - reach }
    if (hi > reach) reach = hi
  }
  return best
}

const overlapsInY = (a: ReadonlyArray<OcrLine>, b: ReadonlyArray<OcrLine>): boolean =>
  a.some((l) => b.some((r) => Math.min(l.bbox.y1, r.bbox.y1) > Math.max(l.bbox.y0, r.bbox.y0)))

/** Pieces that no cut separates: rows top to bottom, left to right within a row. */
const readRows = (pieces: ReadonlyArray<OcrLine>): Array<OcrLine> => {
  const rows: Array<Array<OcrLine>> = []
  for (const p of [...pieces].sort((a, b) => a.bbox.y0 + a.bbox.y1 - (b.bbox.y0 + b.bbox.y1))) {
    const row = rows.find((r) =>
      r.some((q) => {
        const overlap = Math.min(p.bbox.y1, q.bbox.y1) - Math.max(p.bbox.y0, q.bbox.y0)
        return overlap > ROW_OVERLAP * Math.min(p.bbox.y1 - p.bbox.y0, q.bbox.y1 - q.bbox.y0)
      })
    )
    if (row === undefined) rows.push([p])
    else row.push(p)
  }
  return rows.flatMap((r) => r.sort((a, b) => a.bbox.x0 - b.bbox.x0))
}

const xyCut = (pieces: ReadonlyArray<OcrLine>, gutter: number): Array<OcrLine> => {
  if (pieces.length <= 1) return [...pieces]
  const across = widestGap(pieces.map((p) => [p.bbox.y0, p.bbox.y1] as const))
  const down = widestGap(pieces.map((p) => [p.bbox.x0, p.bbox.x1] as const))
  // A vertical cut needs a real gutter with text on both sides of it at the same height; text
  // above on the right and below on the left (a centred title over a short line) is two rows.
  if (down !== null && down.width >= gutter && (across === null || down.width > across.width)) {
    const left = pieces.filter((p) => p.bbox.x1 <= down.at)
    const right = pieces.filter((p) => p.bbox.x0 >= down.at)
    if (overlapsInY(left, right) && left.length + right.length === pieces.length) return [...xyCut(left, gutter), ...xyCut(right, gutter)]
  }
  if (across !== null) {
    const above = pieces.filter((p) => p.bbox.y1 <= across.at)
    const below = pieces.filter((p) => p.bbox.y0 >= across.at)
    // Every piece lies on one side of an empty strip; the check only guards against odd boxes.
    if (above.length > 0 && below.length > 0 && above.length + below.length === pieces.length) return [...xyCut(above, gutter), ...xyCut(below, gutter)]
  }
  return readRows(pieces)
}

/**
 * The lines of a page in reading order: OCR lines cut at column gutters, then ordered by XY-cut.
 * Scale-free: gaps are measured in median word heights of the page.
 */
export const orderLines = (lines: ReadonlyArray<OcrLine>): Array<OcrLine> => {
  // A page scanned a quarter-turn round: tesseract reads its text lines running down the image;
  // boxes are in image coordinates, so a left-to-right, top-to-bottom order would scramble them.
  const multiWord = lines.filter((l) => l.words.length >= 2)
  const upright = multiWord.filter((l) => l.bbox.x1 - l.bbox.x0 >= l.bbox.y1 - l.bbox.y0).length
  if (multiWord.length > 0 && upright * 2 < multiWord.length) return [...lines]
  const h = median(lines.flatMap((l) => l.words.map((w) => w.bbox.y1 - w.bbox.y0)).filter((x) => x > 0))
  if (h === 0) return [...lines]
  return xyCut(cutWideGaps(lines, LINE_CUT_GAP * h), MIN_GUTTER * h)
}

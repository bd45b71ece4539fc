/**
 * A pool of tesseract.js workers with the Vietnamese model loaded from node_modules, never from
 * the network. Workers are reused across pages and recycled after a number of pages, because the
 * wasm heap of a worker only ever grows; a page that hangs is timed out and its worker replaced.
 */
import { availableParallelism } from "node:os"
import { createRequire } from "node:module"
import { createWorker, OEM, PSM } from "tesseract.js"
import type { Worker as TesseractWorker } from "tesseract.js"
import { nfc } from "../text/vietnamese.ts"
import { orderLines } from "./reading-order.ts"

const require = createRequire(import.meta.url)

/**
 * The Vietnamese model shipped by `@tesseract.js-data/vie`. `4.0.0_best_int` is the LSTM-only
 * model (1.4 MB gz), with the same output as the 3.8 MB legacy+LSTM `4.0.0` for OEM LSTM_ONLY.
 */
export const VIETNAMESE_LANG_PATH = require.resolve("@tesseract.js-data/vie/package.json").replace(/package\.json$/, "4.0.0_best_int")

export type OcrWord = {
  readonly text: string
  /** 0..100 as tesseract reports it. */
  readonly confidence: number
  readonly bbox: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number }
}

export type OcrLine = {
  readonly words: ReadonlyArray<OcrWord>
  readonly bbox: { readonly x0: number; readonly y0: number; readonly x1: number; readonly y1: number }
}

export type RecognizedPage = {
  /** NFC text, one OCR line per text line, blocks separated by a blank line. */
  readonly text: string
  readonly lines: ReadonlyArray<OcrLine>
  /** Mean word confidence, 0..100. */
  readonly confidence: number
}

export class OcrTimeout extends Error {
  override readonly name = "OcrTimeout"
}

export class OcrEngineUnavailable extends Error {
  override readonly name = "OcrEngineUnavailable"
}

export type OcrPoolOptions = {
  /** Number of workers; defaults to the number of cores. */
  readonly size?: number
  /** Terminate and replace a worker after this many pages (bounds its wasm heap). Default 100. */
  readonly recycleAfterPages?: number
  /** Give up on starting a worker after this long. Default 60 s. */
  readonly initTimeoutMs?: number
  /** Give up on one page after this long. Default 60 s (a page takes 2–5 s). */
  readonly pageTimeoutMs?: number
  /** Directory holding `vie.traineddata.gz`. Defaults to the npm package's LSTM model. */
  readonly langPath?: string
  /** Tesseract page segmentation mode; default 3 (fully automatic), which keeps skewed lines. */
  readonly pageSegMode?: number
}

type Slot = { worker: TesseractWorker | null; pages: number; busy: boolean }

export type OcrPool = {
  readonly size: number
  /** Recognises one page image (PNG, JPEG, TIFF, BMP or PGM bytes). */
  readonly recognize: (image: Buffer) => Promise<RecognizedPage>
  readonly close: () => Promise<void>
  /** Workers created so far (grows with recycling). */
  readonly workersStarted: () => number
}

const withTimeout = <A>(p: Promise<A>, ms: number, onTimeout: () => Error): Promise<A> => {
  let timer: NodeJS.Timeout | undefined
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([p, t]).finally(() => clearTimeout(timer))
}

/** Starts one worker; never hangs past `timeoutMs` and never lets a load error kill the process. */
export const startWorker = async (options: Pick<OcrPoolOptions, "langPath" | "initTimeoutMs" | "pageSegMode"> = {}): Promise<TesseractWorker> => {
  let loadError: unknown = null
  const pending = createWorker("vie", OEM.LSTM_ONLY, {
    langPath: options.langPath ?? VIETNAMESE_LANG_PATH,
    gzip: true,
    // Without this, tesseract.js writes a 7.7 MB copy of the model into the working directory.
    cacheMethod: "none",
    // Without a handler a failed load throws inside the worker thread and kills the process.
    errorHandler: (e: unknown) => {
      loadError = e
    }
  })
  let worker: TesseractWorker
  try {
    worker = await withTimeout(pending, options.initTimeoutMs ?? 60_000, () =>
      new OcrEngineUnavailable(`tesseract worker did not start: ${loadError === null ? "timed out" : String(loadError)}`)
    )
  } catch (e) {
    // If it starts after all, stop it so no thread is left behind.
    pending.then((w) => w.terminate()).catch(() => undefined)
    throw e instanceof OcrEngineUnavailable ? e : new OcrEngineUnavailable(`tesseract worker did not start: ${String(e)}`)
  }
  await worker.setParameters({
    tessedit_pageseg_mode: (options.pageSegMode ?? PSM.AUTO) as PSM,
    user_defined_dpi: "300",
    preserve_interword_spaces: "0"
  })
  return worker
}

type Block = { paragraphs: Array<{ lines: Array<{ bbox: OcrLine["bbox"]; words: Array<{ text: string; confidence: number; bbox: OcrWord["bbox"] }> }> }> }

/**
 * Turns tesseract's block tree into lines of words in reading order (see `orderLines`: columns of a
 * two-column header or signature block left then right, whatever order tesseract's blocks came in)
 * and a text whose lines are those lines; a blank line marks a jump to a new column or a wide gap.
 */
export const pageFromBlocks = (blocks: ReadonlyArray<Block> | null): RecognizedPage => {
  const found: Array<OcrLine> = []
  let confSum = 0
  let confN = 0
  for (const block of blocks ?? []) {
    for (const para of block.paragraphs) {
      for (const line of para.lines) {
        const words = line.words
          .map((w) => ({ text: nfc(w.text.trim()), confidence: w.confidence, bbox: w.bbox }))
          .filter((w) => w.text !== "")
        if (words.length === 0) continue
        for (const w of words) {
          confSum += w.confidence
          confN++
        }
        found.push({ words, bbox: line.bbox })
      }
    }
  }
  const lines = orderLines(found)
  let text = ""
  lines.forEach((line, i) => {
    const prev = lines[i - 1]
    if (prev !== undefined) {
      const height = line.bbox.y1 - line.bbox.y0
      text += line.bbox.y0 < prev.bbox.y0 || line.bbox.y0 - prev.bbox.y1 > height ? "\n\n" : "\n"
    }
    text += line.words.map((w) => w.text).join(" ")
  })
  return { text, lines, confidence: confN === 0 ? 0 : confSum / confN }
}

/** A pool of `size` workers; pages queue until a worker is free. */
export const createOcrPool = (options: OcrPoolOptions = {}): OcrPool => {
  const size = Math.max(1, options.size ?? availableParallelism())
  const recycleAfter = options.recycleAfterPages ?? 100
  const pageTimeout = options.pageTimeoutMs ?? 60_000
  const slots: Array<Slot> = Array.from({ length: size }, () => ({ worker: null, pages: 0, busy: false }))
  const waiting: Array<(slot: Slot) => void> = []
  let started = 0
  let closed = false

  const acquire = (): Promise<Slot> => {
    const free = slots.find((s) => !s.busy)
    if (free !== undefined) {
      free.busy = true
      return Promise.resolve(free)
    }
    return new Promise((resolve) => waiting.push(resolve))
  }
  const release = (slot: Slot): void => {
    const next = waiting.shift()
    if (next !== undefined) next(slot)
    else slot.busy = false
  }
  const retire = async (slot: Slot): Promise<void> => {
    const w = slot.worker
    slot.worker = null
    slot.pages = 0
    if (w !== null) await w.terminate().catch(() => undefined)
  }

  const recognize = async (image: Buffer): Promise<RecognizedPage> => {
    if (closed) throw new OcrEngineUnavailable("the OCR pool is closed")
    const slot = await acquire()
    try {
      if (slot.worker !== null && slot.pages >= recycleAfter) await retire(slot)
      if (slot.worker === null) {
        slot.worker = await startWorker(options)
        started++
      }
      const worker = slot.worker
      slot.pages++
      try {
        const result = await withTimeout(
          worker.recognize(image, {}, { text: false, blocks: true }),
          pageTimeout,
          () => new OcrTimeout(`page not recognised within ${pageTimeout} ms`)
        )
        return pageFromBlocks(result.data.blocks as unknown as ReadonlyArray<Block> | null)
      } catch (e) {
        // A worker that failed or hung is not trusted with the next page.
        await retire(slot)
        throw e
      }
    } finally {
      release(slot)
    }
  }

  const close = async (): Promise<void> => {
    closed = true
    await Promise.all(slots.map(retire))
  }

  return { size, recognize, close, workersStarted: () => started }
}

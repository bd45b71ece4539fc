/**
 * Digitizes a folder tree of scanned district results: every file becomes a `DigitizedDocument`
 * (text, fields, confidences, SHA-256) or a `DocumentReject` with a stable code; nothing throws
 * for a bad file. Files run concurrently so the OCR pool stays busy; pages of one file run in
 * order, each decoded, cleaned and recognised before the next is decoded, so memory stays flat.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import sharp from "sharp"
import type { DigitizedDocument, DigitizedPage, DigitizeResult, DocumentReject } from "./digitized-document.ts"
import { confidentTextFromPages, extractFields } from "./field-extraction.ts"
import type { DistrictNames } from "./authority-names.ts"
import { preprocessPage, turnHalfway } from "./page-preprocess.ts"
import type { PreprocessOptions } from "./page-preprocess.ts"
import { listScanFiles, openScan, readScanFile, ScanUnreadable, sha256 } from "./scan-files.ts"
import { createOcrPool, OcrEngineUnavailable } from "./tesseract-pool.ts"
import type { OcrPool, OcrPoolOptions, RecognizedPage } from "./tesseract-pool.ts"

export type DigitizeOptions = {
  /** OCR workers (default: cores). Ignored when `pool` is given. */
  readonly concurrency?: number
  /** A pool to share across calls; the caller closes it. Otherwise one is made and closed here. */
  readonly pool?: OcrPool
  readonly poolOptions?: Omit<OcrPoolOptions, "size">
  /** Return true to skip a file already digitized (the ledger's check), by its SHA-256. */
  readonly skip?: (fileHash: string, file: string) => boolean | Promise<boolean>
  /** Called for every result before it is yielded (e.g. to write the ledger). */
  readonly onDocument?: (result: DigitizeResult) => void | Promise<void>
  readonly preprocess?: PreprocessOptions
  /** Folder to write each cleaned page as PNG, for the review sheet; not written when absent. */
  readonly pageImageDir?: string
  /** Files with more pages are rejected (TOO_MANY_PAGES). Default 500. */
  readonly maxPagesPerFile?: number
  /** Attempts per page when the OCR engine fails or times out. Default 2. */
  readonly pageAttempts?: number
  /** District names of the unit catalog (see `loadDistrictNames`), to spell authorities officially. */
  readonly districts?: DistrictNames
}

/** Below this mean word confidence (0..100) a page is also read turned half a turn. */
const UPSIDE_DOWN_CONFIDENCE = 70

const reject = (file: string, fileHash: string | null, code: DocumentReject["code"], reason: string): DocumentReject => ({
  _tag: "DocumentReject",
  file,
  fileHash,
  code,
  reason
})

/** Digitizes one file of `root`; never throws for a bad file (only if the OCR engine cannot start). */
export const digitizeFile = async (
  root: string,
  file: string,
  pool: OcrPool,
  options: Omit<DigitizeOptions, "pool" | "concurrency" | "skip" | "onDocument"> & { readonly bytes?: Uint8Array } = {}
): Promise<DigitizeResult> => {
  let bytes: Uint8Array
  try {
    bytes = options.bytes ?? (await readScanFile(root, file))
  } catch (e) {
    return reject(file, null, "UNREADABLE_FILE", e instanceof Error ? e.message : String(e))
  }
  const fileHash = sha256(bytes)
  const attempts = Math.max(1, options.pageAttempts ?? 2)
  try {
    const scan = await openScan(bytes, { maxPages: options.maxPagesPerFile ?? 500 })
    const recognized: Array<RecognizedPage> = []
    const pageDetails: Array<DigitizedPage> = []
    const pageImages: Array<string> = []
    const failedPages: Array<string> = []
    const turnedPages: Array<string> = []
    for await (const page of scan.pages) {
      let prepared
      try {
        prepared = await preprocessPage(page.image, options.preprocess)
      } catch (e) {
        throw new ScanUnreadable(scan.format === "pdf" ? "CORRUPT_PDF" : "CORRUPT_IMAGE", `page ${page.page} cannot be decoded: ${e instanceof Error ? e.message : String(e)}`)
      }
      let result: RecognizedPage | null = null
      let lastError: unknown = null
      for (let a = 0; a < attempts && result === null; a++) {
        try {
          result = await pool.recognize(prepared.image)
        } catch (e) {
          if (e instanceof OcrEngineUnavailable) throw e
          lastError = e
        }
      }
      if (result !== null && result.text.trim() !== "" && result.confidence < UPSIDE_DOWN_CONFIDENCE) {
        // A sheet fed upside down reads as nonsense with a mean word confidence near 40 %; pages
        // read the right way up score over 90 %. Try the half turn and keep the better reading.
        const turned = turnHalfway(prepared)
        const again = await pool.recognize(turned.image).catch((e: unknown) => {
          if (e instanceof OcrEngineUnavailable) throw e
          return null
        })
        if (again !== null && again.confidence > result.confidence) {
          turnedPages.push(`page ${page.page}: read turned half a turn (word confidence ${Math.round(again.confidence)} % against ${Math.round(result.confidence)} %)`)
          result = again
          prepared = turned
        }
      }
      if (result === null) {
        // One bad page should not lose the document: keep it empty and tell the reviewer.
        failedPages.push(`page ${page.page}: ${lastError instanceof Error ? lastError.message : String(lastError)}`)
        result = { text: "", lines: [], confidence: 0 }
      }
      let imagePath: string | undefined
      if (options.pageImageDir !== undefined) {
        await mkdir(options.pageImageDir, { recursive: true })
        imagePath = join(options.pageImageDir, `${fileHash.slice(0, 16)}-p${page.page}.png`)
        const pixels = prepared.image.subarray(prepared.image.length - prepared.width * prepared.height)
        await writeFile(imagePath, await sharp(pixels, { raw: { width: prepared.width, height: prepared.height, channels: 1 } }).png().toBuffer())
        pageImages.push(imagePath)
      }
      recognized.push(result)
      pageDetails.push({
        page: page.page,
        text: result.text,
        confidence: Math.round(result.confidence) / 100,
        skewDegrees: prepared.skewDegrees,
        ...(imagePath !== undefined ? { imagePath } : {})
      })
    }
    if (failedPages.length === recognized.length) return reject(file, fileHash, "OCR_FAILED", failedPages.join("; "))
    if (recognized.every((p) => p.text.trim() === "")) return reject(file, fileHash, "NO_TEXT", "OCR found no text on any page")
    const doc = confidentTextFromPages(recognized)
    const extracted = extractFields(doc, options.districts !== undefined ? { districts: options.districts } : {})
    const digitized: DigitizedDocument = {
      _tag: "DigitizedDocument",
      file,
      fileHash,
      pages: recognized.length,
      text: doc.text,
      fields: extracted.fields,
      confidence: extracted.confidence,
      title: extracted.title,
      issues: [
        ...extracted.issues,
        ...failedPages.map((detail) => ({ field: null, code: "PAGE_OCR_FAILED", detail })),
        ...turnedPages.map((detail) => ({ field: null, code: "PAGE_UPSIDE_DOWN", detail }))
      ],
      pageDetails,
      ...(options.pageImageDir !== undefined ? { pageImages } : {})
    }
    return digitized
  } catch (e) {
    if (e instanceof ScanUnreadable) return reject(file, fileHash, e.code, e.message)
    if (e instanceof OcrEngineUnavailable) throw e
    // Anything else a decoder throws on hostile input is still the file's problem, not the run's.
    return reject(file, fileHash, "CORRUPT_IMAGE", e instanceof Error ? e.message : String(e))
  }
}

/**
 * Digitizes every scan under `dir`; yields results as files finish (not in path order).
 * Files whose hash `skip` accepts are not yielded at all.
 */
export const digitizeFolder = async function* (dir: string, options: DigitizeOptions = {}): AsyncGenerator<DigitizeResult> {
  const files = await listScanFiles(dir)
  const pool = options.pool ?? createOcrPool({ ...options.poolOptions, ...(options.concurrency !== undefined ? { size: options.concurrency } : {}) })
  // One file more than workers in flight: while a worker recognises, the next page is being cleaned.
  const inFlight = pool.size + 1
  const running = new Map<number, Promise<{ id: number; result: DigitizeResult | null }>>()
  let next = 0
  let id = 0
  const start = (file: string): void => {
    const myId = id++
    const work = (async (): Promise<{ id: number; result: DigitizeResult | null }> => {
      let bytes: Uint8Array
      try {
        bytes = await readScanFile(dir, file)
      } catch (e) {
        return { id: myId, result: reject(file, null, "UNREADABLE_FILE", e instanceof Error ? e.message : String(e)) }
      }
      if (options.skip !== undefined && (await options.skip(sha256(bytes), file))) return { id: myId, result: null }
      const result = await digitizeFile(dir, file, pool, { ...options, bytes })
      return { id: myId, result }
    })()
    running.set(myId, work)
  }
  try {
    while (next < files.length || running.size > 0) {
      while (running.size < inFlight && next < files.length) start(files[next++] as string)
      const done = await Promise.race(running.values())
      running.delete(done.id)
      if (done.result === null) continue
      if (options.onDocument !== undefined) await options.onDocument(done.result)
      yield done.result
    }
  } finally {
    // Let work already started settle before the pool goes away (early break by the consumer).
    await Promise.allSettled(running.values())
    if (options.pool === undefined) await pool.close()
  }
}

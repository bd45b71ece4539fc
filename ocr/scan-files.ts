/**
 * Finding scans in a folder tree and opening them as a sequence of page images: PDF (single or
 * multi-page), TIFF (single or multi-page), PNG, JPEG. The format is decided by the file's magic
 * bytes, not its name; anything unreadable becomes a `ScanUnreadable` with a stable reject code.
 */
import { createHash } from "node:crypto"
import { readdir, readFile } from "node:fs/promises"
import { join, relative, sep } from "node:path"
import sharp from "sharp"
import type { Sharp } from "sharp"
import type { RejectCode } from "./digitized-document.ts"
import { openPdfPages, PdfUnreadable } from "./pdf-pages.ts"

export const SCAN_EXTENSIONS: ReadonlySet<string> = new Set([".pdf", ".tif", ".tiff", ".png", ".jpg", ".jpeg"])

export class ScanUnreadable extends Error {
  override readonly name = "ScanUnreadable"
  readonly code: RejectCode
  constructor(code: RejectCode, message: string) {
    super(message)
    this.code = code
  }
}

/** Scan files under `dir` (recursively), in path order, as paths relative to `dir` with "/" separators. */
export const listScanFiles = async (dir: string): Promise<Array<string>> => {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  const files: Array<string> = []
  for (const e of entries) {
    if (!e.isFile()) continue
    const dot = e.name.lastIndexOf(".")
    if (dot < 0 || !SCAN_EXTENSIONS.has(e.name.slice(dot).toLowerCase())) continue
    files.push(relative(dir, join(e.parentPath, e.name)).split(sep).join("/"))
  }
  return files.sort()
}

export const sha256 = (bytes: Uint8Array): string => createHash("sha256").update(bytes).digest("hex")

export type ScanFormat = "pdf" | "tiff" | "png" | "jpeg"

export const detectFormat = (bytes: Uint8Array): ScanFormat | null => {
  const b = (i: number): number => bytes[i] ?? -1
  if (b(0) === 0x25 && b(1) === 0x50 && b(2) === 0x44 && b(3) === 0x46) return "pdf"
  if ((b(0) === 0x49 && b(1) === 0x49 && b(2) === 0x2a && b(3) === 0) || (b(0) === 0x4d && b(1) === 0x4d && b(2) === 0 && b(3) === 0x2a)) return "tiff"
  if (b(0) === 0x89 && b(1) === 0x50 && b(2) === 0x4e && b(3) === 0x47) return "png"
  if (b(0) === 0xff && b(1) === 0xd8 && b(2) === 0xff) return "jpeg"
  return null
}

export type ScanPage = { readonly page: number; readonly image: Sharp; readonly method: string }
export type OpenedScan = { readonly format: ScanFormat; readonly pageCount: number; readonly pages: AsyncIterable<ScanPage> }

/** Largest page accepted, in pixels (a 600 dpi A3 is ~70 Mpx). */
const MAX_PIXELS = 120_000_000

/** Opens a scan's bytes as pages. Throws `ScanUnreadable` for anything it cannot read. */
export const openScan = async (bytes: Uint8Array, options: { maxPages?: number } = {}): Promise<OpenedScan> => {
  const maxPages = options.maxPages ?? 500
  const format = detectFormat(bytes)
  if (format === null) throw new ScanUnreadable("UNSUPPORTED_FORMAT", "not a PDF, TIFF, PNG or JPEG (by its first bytes)")
  if (format === "pdf") {
    try {
      const pdf = await openPdfPages(bytes)
      if (pdf.pageCount === 0) throw new ScanUnreadable("EMPTY_DOCUMENT", "the PDF has no pages")
      if (pdf.pageCount > maxPages) throw new ScanUnreadable("TOO_MANY_PAGES", `${pdf.pageCount} pages, the limit is ${maxPages}`)
      return { format, pageCount: pdf.pageCount, pages: pdf.images }
    } catch (e) {
      if (e instanceof PdfUnreadable) throw new ScanUnreadable(e.code, e.message)
      throw e
    }
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let pageCount: number
  try {
    const meta = await sharp(buffer, { limitInputPixels: MAX_PIXELS }).metadata()
    pageCount = meta.pages ?? 1
    // Decode one pixel row band to make sure the data is there (metadata reads only the header).
    await sharp(buffer, { limitInputPixels: MAX_PIXELS, page: 0 }).resize(16).raw().toBuffer()
  } catch (e) {
    throw new ScanUnreadable("CORRUPT_IMAGE", `cannot decode the ${format.toUpperCase()}: ${e instanceof Error ? e.message : String(e)}`)
  }
  if (pageCount > maxPages) throw new ScanUnreadable("TOO_MANY_PAGES", `${pageCount} pages, the limit is ${maxPages}`)
  const pages = async function* (): AsyncGenerator<ScanPage> {
    for (let i = 0; i < pageCount; i++) {
      // failOn "error" (not "warning") so a slightly damaged JPEG still gives its page.
      yield { page: i + 1, image: sharp(buffer, { limitInputPixels: MAX_PIXELS, page: i, failOn: "error" }).rotate(), method: format }
    }
  }
  return { format, pageCount, pages: pages() }
}

/** Reads a file's bytes; a missing or unreadable file is a `ScanUnreadable`. */
export const readScanFile = async (root: string, file: string): Promise<Uint8Array> => {
  try {
    return await readFile(join(root, file))
  } catch (e) {
    throw new ScanUnreadable("UNREADABLE_FILE", `cannot read the file: ${e instanceof Error ? e.message : String(e)}`)
  }
}

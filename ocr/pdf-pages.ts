/**
 * Page images of a PDF, offline and with no system binary.
 *
 * A scanned PDF holds one image per page; taking that image out is lossless and fastest, so that
 * is tried first (pdf-lib, MIT): JPEG streams (DCTDecode) are used as they are, 8-bit grey/RGB
 * Flate streams are inflated. Any other page (text, vector drawings, CCITT/JBIG2/JPX images, or
 * several images) is rendered at 300 dpi with pdf.js (pdfjs-dist, Apache-2.0) on @napi-rs/canvas
 * (MIT, Skia shipped in the npm package). MuPDF renders faster but is AGPL, which would bind the
 * whole toolkit, so it is not used.
 */
import { inflateSync } from "node:zlib"
import { createRequire } from "node:module"
import sharp from "sharp"
import type { Sharp } from "sharp"
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRawStream, EncryptedPDFError } from "pdf-lib"

const require = createRequire(import.meta.url)
const PDFJS_DIR = require.resolve("pdfjs-dist/package.json").replace(/package\.json$/, "")

export class PdfUnreadable extends Error {
  override readonly name = "PdfUnreadable"
  readonly code: "CORRUPT_PDF" | "ENCRYPTED_PDF"
  constructor(code: "CORRUPT_PDF" | "ENCRYPTED_PDF", message: string) {
    super(message)
    this.code = code
  }
}

export type PdfPageImage = {
  /** 1-based. */
  readonly page: number
  readonly image: Sharp
  readonly method: "embedded-jpeg" | "embedded-raw" | "rendered"
}

const RENDER_DPI = 300

const nameOf = (v: unknown): string | null => (v instanceof PDFName ? v.decodeText() : null)

/** The single full-page image of a scanned page, when it can be taken out without decoding tricks. */
const embeddedImage = (doc: PDFDocument, pageIndex: number): { image: Sharp; method: PdfPageImage["method"] } | null => {
  const page = doc.getPage(pageIndex)
  const resources = page.node.Resources()
  if (resources === undefined) return null
  // A page with fonts has text of its own: render it.
  if (resources.lookupMaybe(PDFName.of("Font"), PDFDict) !== undefined) return null
  const xobjects = resources.lookupMaybe(PDFName.of("XObject"), PDFDict)
  if (xobjects === undefined) return null
  const images: Array<PDFRawStream> = []
  for (const [, ref] of xobjects.entries()) {
    const obj = doc.context.lookup(ref)
    if (!(obj instanceof PDFRawStream)) return null
    const subtype = nameOf(obj.dict.lookup(PDFName.of("Subtype")))
    if (subtype === "Image") images.push(obj)
    else return null // forms and the like: render
  }
  if (images.length !== 1) return null
  const stream = images[0] as PDFRawStream
  const dict = stream.dict
  if (dict.lookup(PDFName.of("SMask")) !== undefined || dict.lookup(PDFName.of("Mask")) !== undefined) return null
  const filterObj = dict.lookup(PDFName.of("Filter"))
  const filters = filterObj instanceof PDFArray ? filterObj.asArray().map((f) => nameOf(f)) : [nameOf(filterObj)]
  if (filters.length !== 1) return null
  const filter = filters[0]
  const width = (dict.lookup(PDFName.of("Width")) as PDFNumber | undefined)?.asNumber()
  const height = (dict.lookup(PDFName.of("Height")) as PDFNumber | undefined)?.asNumber()
  if (width === undefined || height === undefined) return null
  if (filter === "DCTDecode") {
    // Page rotation in the PDF is applied afterwards by the caller's pipeline only for /Rotate; keep it simple.
    return { image: sharp(Buffer.from(stream.contents)), method: "embedded-jpeg" }
  }
  if (filter === "FlateDecode") {
    const bpc = (dict.lookup(PDFName.of("BitsPerComponent")) as PDFNumber | undefined)?.asNumber()
    const cs = nameOf(dict.lookup(PDFName.of("ColorSpace")))
    const parms = dict.lookup(PDFName.of("DecodeParms"))
    const predictor = parms instanceof PDFDict ? (parms.lookup(PDFName.of("Predictor")) as PDFNumber | undefined)?.asNumber() : undefined
    if (bpc !== 8 || (cs !== "DeviceGray" && cs !== "DeviceRGB") || (predictor !== undefined && predictor !== 1)) return null
    const channels = cs === "DeviceGray" ? 1 : 3
    const pixels = inflateSync(Buffer.from(stream.contents))
    if (pixels.length !== width * height * channels) return null
    return { image: sharp(pixels, { raw: { width, height, channels } }), method: "embedded-raw" }
  }
  return null
}

type PdfJs = typeof import("pdfjs-dist/legacy/build/pdf.mjs")
let pdfjsModule: Promise<PdfJs> | null = null
const loadPdfJs = (): Promise<PdfJs> => (pdfjsModule ??= import("pdfjs-dist/legacy/build/pdf.mjs"))

type Renderer = { readonly render: (page: number) => Promise<PdfPageImage>; readonly close: () => Promise<void> }

/** Opens the PDF with pdf.js once, to render pages at 300 dpi; `page` is 1-based. */
const openRenderer = async (bytes: Uint8Array): Promise<Renderer> => {
  const pdfjs = await loadPdfJs()
  const { createCanvas } = await import("@napi-rs/canvas")
  const task = pdfjs.getDocument({
    data: new Uint8Array(bytes),
    standardFontDataUrl: `${PDFJS_DIR}standard_fonts/`,
    cMapUrl: `${PDFJS_DIR}cmaps/`,
    cMapPacked: true,
    verbosity: 0
  })
  const doc = await task.promise.catch((e: unknown) => {
    throw new PdfUnreadable("CORRUPT_PDF", `pdf.js could not open the file: ${String(e)}`)
  })
  const render = async (n: number): Promise<PdfPageImage> => {
    const page = await doc.getPage(n)
    const viewport = page.getViewport({ scale: RENDER_DPI / 72 })
    const width = Math.ceil(viewport.width)
    const height = Math.ceil(viewport.height)
    const canvas = createCanvas(width, height)
    const ctx = canvas.getContext("2d")
    ctx.fillStyle = "#ffffff"
    ctx.fillRect(0, 0, width, height)
    await page.render({ canvas, canvasContext: ctx, viewport } as unknown as Parameters<typeof page.render>[0]).promise
    const rgba = Buffer.from(ctx.getImageData(0, 0, width, height).data.buffer)
    page.cleanup()
    return { page: n, image: sharp(rgba, { raw: { width, height, channels: 4 } }), method: "rendered" }
  }
  return { render, close: () => task.destroy() }
}

export type PdfPages = { readonly pageCount: number; readonly images: AsyncIterable<PdfPageImage> }

/** Opens a PDF; fails with `PdfUnreadable` (CORRUPT_PDF / ENCRYPTED_PDF) before yielding anything. */
export const openPdfPages = async (bytes: Uint8Array): Promise<PdfPages> => {
  let doc: PDFDocument
  try {
    doc = await PDFDocument.load(bytes, { updateMetadata: false, throwOnInvalidObject: false })
  } catch (e) {
    if (e instanceof EncryptedPDFError) throw new PdfUnreadable("ENCRYPTED_PDF", "the PDF is encrypted")
    throw new PdfUnreadable("CORRUPT_PDF", `cannot parse the PDF: ${e instanceof Error ? e.message : String(e)}`)
  }
  let pageCount: number
  try {
    pageCount = doc.getPageCount()
    if (pageCount > 0) doc.getPage(0)
  } catch (e) {
    throw new PdfUnreadable("CORRUPT_PDF", `the PDF has no readable page tree: ${e instanceof Error ? e.message : String(e)}`)
  }
  const images = async function* (): AsyncGenerator<PdfPageImage> {
    let renderer: Renderer | null = null
    try {
      for (let i = 0; i < pageCount; i++) {
        let embedded: ReturnType<typeof embeddedImage> = null
        try {
          embedded = embeddedImage(doc, i)
        } catch {
          embedded = null
        }
        if (embedded !== null) yield { page: i + 1, ...embedded }
        else {
          renderer ??= await openRenderer(bytes)
          yield await renderer.render(i + 1)
        }
      }
    } finally {
      if (renderer !== null) await renderer.close()
    }
  }
  return { pageCount, images: images() }
}

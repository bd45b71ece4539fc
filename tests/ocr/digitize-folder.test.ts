import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { PDFDocument, StandardFonts } from "pdf-lib"
import { generateScan, pagesToPdf, pagesToTiff } from "../../ocr/scan-generator.ts"
import type { GeneratedScan } from "../../ocr/scan-generator.ts"
import { digitizeFolder } from "../../ocr/digitize-folder.ts"
import { bestCharacterErrorRate } from "../../ocr/character-error-rate.ts"
import { openScan } from "../../ocr/scan-files.ts"
import { runOcr } from "../../cli/commands/ocr.ts"
import { FIELD_NAMES } from "../../ocr/digitized-document.ts"

// Four OCR'd pages in all: a degraded JPEG, a two-page scanned PDF, a clean TIFF.
let dir = ""
const truth = new Map<string, GeneratedScan>()

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pm-ocr-folder-"))
  await mkdir(join(dir, "scans", "2024"), { recursive: true })
  const a = await generateScan(21)
  await writeFile(join(dir, "scans", "a.jpg"), a.pageImages[0]!)
  truth.set("a.jpg", a)
  const b = await generateScan(22, { type: "decision" }) // a decision whose signature block runs onto page 2
  expect(b.pageImages.length).toBe(2)
  await writeFile(join(dir, "scans", "2024", "b.pdf"), await pagesToPdf(b.pageImages))
  truth.set("2024/b.pdf", b)
  const c = await generateScan(40, { clean: true, type: "decision" })
  await writeFile(join(dir, "scans", "c.TIF"), await pagesToTiff(c.pageImages))
  truth.set("c.TIF", c)
  await writeFile(join(dir, "scans", "broken.pdf"), "%PDF-1.4 this is not a PDF")
  await writeFile(join(dir, "scans", "notes.png"), "not an image at all")
  await writeFile(join(dir, "scans", "cut.jpg"), a.pageImages[0]!.subarray(0, 4000))
  await writeFile(join(dir, "scans", "readme.txt"), "ignored: not a scan extension")
})

afterAll(async () => {
  if (dir !== "") await rm(dir, { recursive: true, force: true })
})

describe("digitizing a folder", () => {
  it("writes one JSON object per document with the fields of each scan, and a reject row for each unreadable file", async () => {
    const output = join(dir, "out.jsonl")
    const summary = await runOcr({ input: join(dir, "scans"), output, concurrency: 2, pageImageDir: join(dir, "pages"), log: () => undefined })
    expect(summary).toMatchObject({ documents: 3, rejected: 3, pages: 4 })
    const rows = (await readFile(output, "utf8")).trim().split("\n").map((l) => JSON.parse(l) as Record<string, any>)
    const byFile = new Map(rows.map((r) => [r.file as string, r]))
    expect([...byFile.keys()].sort()).toEqual(["2024/b.pdf", "a.jpg", "broken.pdf", "c.TIF", "cut.jpg", "notes.png"])
    expect(byFile.get("broken.pdf")!.reject.code).toBe("CORRUPT_PDF")
    expect(byFile.get("notes.png")!.reject.code).toBe("UNSUPPORTED_FORMAT")
    expect(byFile.get("cut.jpg")!.reject.code).toBe("CORRUPT_IMAGE")
    let fieldsRight = 0
    for (const [file, scan] of truth) {
      const row = byFile.get(file)!
      expect(row.reject).toBeNull()
      expect(row.pages).toBe(scan.pageImages.length)
      expect(row.fileHash).toMatch(/^[0-9a-f]{64}$/)
      expect(Object.keys(row.fields).sort()).toEqual([...FIELD_NAMES].sort())
      for (const f of FIELD_NAMES) {
        expect(row.confidence[f]).toBeGreaterThanOrEqual(0)
        expect(row.confidence[f]).toBeLessThanOrEqual(1)
        if (row.fields[f] === scan.spec.fields[f]) fieldsRight++
      }
      // Character error rate per page, against either valid reading order of the header.
      const pages = (row.text as string).split("\f")
      pages.forEach((text, i) => {
        expect(bestCharacterErrorRate(text, [scan.truthPages[i]!, scan.truthPagesByRow[i]!]).cer).toBeLessThan(0.02)
      })
      expect(row.pageImages).toHaveLength(scan.pageImages.length)
    }
    // 21 fields in all; OCR may miss one on the degraded page, not more.
    expect(fieldsRight).toBeGreaterThanOrEqual(20)
    expect(byFile.get("c.TIF")!.fields).toEqual(truth.get("c.TIF")!.spec.fields)

    // A rerun that skips what is done only retries the rejects (and OCRs nothing).
    const done = new Set(rows.filter((r) => r.reject === null).map((r) => r.fileHash as string))
    const rerun: Array<string> = []
    for await (const r of digitizeFolder(join(dir, "scans"), { concurrency: 1, skip: (hash) => done.has(hash) })) rerun.push(`${r.file}:${r._tag}`)
    expect(rerun.sort()).toEqual(["broken.pdf:DocumentReject", "cut.jpg:DocumentReject", "notes.png:DocumentReject"])
  })

  it("renders PDF pages that are not a single scanned image (pdf.js, 300 dpi)", async () => {
    const pdf = await PDFDocument.create()
    const page = pdf.addPage([595.28, 841.89])
    page.drawText("QUYET DINH So: 12/QD-UBND", { x: 72, y: 760, size: 14, font: await pdf.embedFont(StandardFonts.TimesRoman) })
    const opened = await openScan(await pdf.save())
    expect(opened).toMatchObject({ format: "pdf", pageCount: 1 })
    for await (const p of opened.pages) {
      expect(p.method).toBe("rendered")
      const { data, info } = await p.image.greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true })
      expect([info.width, info.height]).toEqual([2481, 3508])
      let ink = 0
      for (const v of data) if (v < 100) ink++
      expect(ink).toBeGreaterThan(1000)
    }
  })
})

import { describe, expect, it } from "vitest"
import sharp from "sharp"
import { generateScan } from "../../ocr/scan-generator.ts"
import { digitizeFile } from "../../ocr/digitize-folder.ts"
import { createOcrPool } from "../../ocr/tesseract-pool.ts"

// Sheets fed the wrong way round: the fields still come out, and the reviewer is told.
describe("page orientation", () => {
  it("reads a page scanned upside down or a quarter-turn round", async () => {
    const pool = createOcrPool({ size: 1 })
    try {
      const scan = await generateScan(10003)
      const page = scan.pageImages[0]!
      const cases: ReadonlyArray<readonly [string, number, boolean]> = [
        ["upright.jpg", 0, false],
        ["upside-down.jpg", 180, true],
        ["quarter-turn.jpg", 90, false]
      ]
      for (const [file, angle, turned] of cases) {
        const bytes = angle === 0 ? page : await sharp(page).rotate(angle).jpeg({ quality: 85 }).toBuffer()
        const result = await digitizeFile("/nowhere", file, pool, { bytes })
        expect(result._tag, file).toBe("DigitizedDocument")
        if (result._tag !== "DigitizedDocument") continue
        expect(result.fields, file).toEqual(scan.spec.fields)
        expect(result.issues.some((i) => i.code === "PAGE_UPSIDE_DOWN"), file).toBe(turned)
      }
    } finally {
      await pool.close()
    }
  })
})

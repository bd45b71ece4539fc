import { describe, expect, it } from "vitest"
import sharp from "sharp"
import { degradePage, generateScan } from "../../ocr/scan-generator.ts"
import { preprocessPage } from "../../ocr/page-preprocess.ts"

describe("page preprocessing", () => {
  it("finds the skew of a rotated page within 0.15° and levels it", async () => {
    const clean = await generateScan(3, { clean: true, type: "decision" })
    for (const angle of [2.4, -1.3]) {
      const page = await degradePage(clean.pageImages[0]!, { rotateDegrees: angle, blurSigma: 0.6, noiseSigma: 8, lightingFloor: 0.8, jpegQuality: 70 }, 7)
      const out = await preprocessPage(page)
      expect(Math.abs(out.skewDegrees - angle)).toBeLessThan(0.15)
      // The levelled page has no skew left to find.
      const levelled = sharp(out.image.subarray(out.image.length - out.width * out.height), { raw: { width: out.width, height: out.height, channels: 1 } })
      const again = await preprocessPage(levelled, { normalise: false, median: false })
      expect(Math.abs(again.skewDegrees)).toBeLessThan(0.15)
    }
  })

  it("flattens uneven lighting: the dark corner's paper comes out white, the ink stays dark", async () => {
    const clean = await generateScan(4, { clean: true, type: "birth-extract" })
    const page = await degradePage(clean.pageImages[0]!, { rotateDegrees: 0, blurSigma: 0, noiseSigma: 10, lightingFloor: 0.6, jpegQuality: null }, 9)
    const before = await sharp(page).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true })
    const after = await preprocessPage(page, { deskew: false, median: false })
    const pixels = after.image.subarray(after.image.length - after.width * after.height)
    const meanOf = (data: Uint8Array, width: number, x0: number, y0: number, size: number): number => {
      let sum = 0
      for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) sum += data[y * width + x]!
      return sum / (size * size)
    }
    // Blank paper near each corner (the margins hold no text).
    const corners = [[20, 20], [after.width - 120, after.height - 120], [20, after.height - 120], [after.width - 120, 20]] as const
    const beforeMeans = corners.map(([x, y]) => meanOf(before.data, before.info.width, x, y, 100))
    const afterMeans = corners.map(([x, y]) => meanOf(pixels, after.width, x, y, 100))
    expect(Math.min(...beforeMeans)).toBeLessThan(180)
    expect(Math.min(...afterMeans)).toBeGreaterThan(245)
    let dark = 0
    for (const v of pixels) if (v < 80) dark++
    expect(dark / pixels.length).toBeGreaterThan(0.005) // the text survived
  })
})

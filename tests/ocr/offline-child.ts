/** Run by offline.test.ts under the network guard: OCRs the header of one generated page. */
import sharp from "sharp"
import { generateScan } from "../../ocr/scan-generator.ts"
import { preprocessPage } from "../../ocr/page-preprocess.ts"
import { createOcrPool } from "../../ocr/tesseract-pool.ts"

const scan = await generateScan(7, { clean: true, type: "decision" })
const header = sharp(scan.pageImages[0]!).extract({ left: 0, top: 0, width: 2480, height: 700 })
const page = await preprocessPage(header)
const pool = createOcrPool({ size: 1, initTimeoutMs: 30_000 })
const result = await pool.recognize(page.image)
await pool.close()
process.stdout.write(JSON.stringify({ text: result.text, confidence: result.confidence }))

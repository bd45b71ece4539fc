/**
 * Memory over a long OCR run: N pages (default 1,000) through decode → preprocessing → the
 * tesseract.js pool → field extraction, cycling over 8 generated degraded pages, with the
 * process RSS (tesseract's wasm heaps live in worker threads of this process) sampled every
 * 50 pages. Workers are recycled every `recycle` pages (default 100, the pool's default).
 *
 *   node bench/ocr-memory.ts [pages=1000] [recycle=100]
 */
import { availableParallelism, loadavg } from "node:os"
import { generateScan } from "../ocr/scan-generator.ts"
import { preprocessPage } from "../ocr/page-preprocess.ts"
import { createOcrPool } from "../ocr/tesseract-pool.ts"
import { confidentTextFromPages, extractFields } from "../ocr/field-extraction.ts"

const total = Number(process.argv[2] ?? 1000)
const recycle = Number(process.argv[3] ?? 100)
const cores = availableParallelism()
const pages = await Promise.all(Array.from({ length: 8 }, (_, i) => generateScan(8100 + i).then((s) => s.pageImages[0]!)))
const pool = createOcrPool({ size: cores, recycleAfterPages: recycle })
const mb = (b: number): string => (b / 1048576).toFixed(0)
console.log(`${total} pages, ${cores} workers, recycle every ${recycle} pages, load average ${loadavg()[0]!.toFixed(1)}`)
console.log("| pages done | RSS MB | JS heap MB | external MB | workers started | elapsed s |")
console.log("|---:|---:|---:|---:|---:|---:|")
const started = performance.now()
let done = 0
let next = 0
const sample = (): void => {
  const m = process.memoryUsage()
  console.log(`| ${done} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${mb(m.external + m.arrayBuffers)} | ${pool.workersStarted()} | ${((performance.now() - started) / 1000).toFixed(0)} |`)
}
sample()
await Promise.all(
  Array.from({ length: cores + 1 }, async () => {
    while (next < total) {
      const i = next++
      const prepared = await preprocessPage(pages[i % pages.length]!)
      const page = await pool.recognize(prepared.image)
      extractFields(confidentTextFromPages([page]))
      done++
      if (done % 50 === 0) sample()
    }
  })
)
await pool.close()
console.log(`load average at end ${loadavg()[0]!.toFixed(1)}`)

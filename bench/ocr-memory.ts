/**
 * Memory over a long OCR run: N pages (default 1,000) through decode → preprocessing → the
 * tesseract.js pool → field extraction, cycling over 8 generated degraded pages, with the
 * process RSS (tesseract's wasm heaps live in worker threads of this process) sampled every
 * 50 pages. Workers are recycled every `recycle` pages (default 100, the pool's default).
 *
 * A page that times out is retried once, as `digitizeFile` does (the pool replaces the worker);
 * timeouts are counted. `timeoutS` (default 60, the pool's) can be raised for a run at low
 * priority on a loaded machine, where a 3 CPU s page can wait longer than a minute for a core.
 *
 *   node bench/ocr-memory.ts [pages=1000] [recycle=100] [timeoutS=60]
 */
import { availableParallelism, loadavg } from "node:os"
import { generateScan } from "../ocr/scan-generator.ts"
import { preprocessPage } from "../ocr/page-preprocess.ts"
import { createOcrPool, OcrTimeout } from "../ocr/tesseract-pool.ts"
import type { RecognizedPage } from "../ocr/tesseract-pool.ts"
import { confidentTextFromPages, extractFields } from "../ocr/field-extraction.ts"

const total = Number(process.argv[2] ?? 1000)
const recycle = Number(process.argv[3] ?? 100)
const timeoutS = Number(process.argv[4] ?? 60)
const cores = availableParallelism()
const pages = await Promise.all(Array.from({ length: 8 }, (_, i) => generateScan(8100 + i).then((s) => s.pageImages[0]!)))
const pool = createOcrPool({ size: cores, recycleAfterPages: recycle, pageTimeoutMs: timeoutS * 1000 })
const mb = (b: number): string => (b / 1048576).toFixed(0)
console.log(`${total} pages, ${cores} workers, recycle every ${recycle} pages, page timeout ${timeoutS} s, load average ${loadavg()[0]!.toFixed(1)}`)
console.log("| pages done | RSS MB | JS heap MB | external MB | workers started | page timeouts | elapsed s |")
console.log("|---:|---:|---:|---:|---:|---:|---:|")
const started = performance.now()
let done = 0
let next = 0
let timeouts = 0
let failed = 0
const sample = (): void => {
  const m = process.memoryUsage()
  console.log(`| ${done} | ${mb(m.rss)} | ${mb(m.heapUsed)} | ${mb(m.external + m.arrayBuffers)} | ${pool.workersStarted()} | ${timeouts} | ${((performance.now() - started) / 1000).toFixed(0)} |`)
}
sample()
await Promise.all(
  Array.from({ length: cores + 1 }, async () => {
    while (next < total) {
      const i = next++
      const prepared = await preprocessPage(pages[i % pages.length]!)
      let page: RecognizedPage | null = null
      for (let attempt = 0; attempt < 2 && page === null; attempt++) {
        page = await pool.recognize(prepared.image).catch((e: unknown) => {
          if (!(e instanceof OcrTimeout)) throw e
          timeouts++
          return null
        })
      }
      if (page === null) failed++
      else extractFields(confidentTextFromPages([page]))
      done++
      if (done % 50 === 0) sample()
    }
  })
)
await pool.close()
console.log(`page timeouts ${timeouts} (retried), pages failed twice ${failed}`)
console.log(`load average at end ${loadavg()[0]!.toFixed(1)}`)

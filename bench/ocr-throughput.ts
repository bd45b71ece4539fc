/**
 * OCR throughput with all cores: the tesseract.js pool against the native `tesseract` CLI
 * (Debian tesseract-ocr 5.3, one single-threaded process per core), on the same preprocessed
 * pages with the same model (the LSTM model of @tesseract.js-data/vie, unpacked for the CLI) and
 * the same page segmentation mode 3. Also the whole `digitizeFolder` path (decode, preprocess,
 * OCR, fields) on the original JPEG pages.
 *
 *   node bench/ocr-throughput.ts [pages=12]
 *
 * Needs `tesseract` on PATH for the native column (apt-get install tesseract-ocr); skipped without it.
 */
import { execFile, spawnSync } from "node:child_process"
import { mkdtemp, readFile, rm, writeFile, mkdir } from "node:fs/promises"
import { availableParallelism, loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { gunzipSync } from "node:zlib"
import { promisify } from "node:util"
import { generateScan } from "../ocr/scan-generator.ts"
import { preprocessPage } from "../ocr/page-preprocess.ts"
import { createOcrPool, VIETNAMESE_LANG_PATH } from "../ocr/tesseract-pool.ts"
import { digitizeFolder } from "../ocr/digitize-folder.ts"

const run = promisify(execFile)
const pageCount = Number(process.argv[2] ?? 12)
const cores = availableParallelism()

/** CPU seconds of this process and of its waited-for children (from /proc/self/stat). */
const cpu = async (): Promise<{ self: number; children: number }> => {
  const fields = (await readFile("/proc/self/stat", "utf8")).split(") ")[1]!.split(" ")
  const tick = 100
  return { self: (Number(fields[11]) + Number(fields[12])) / tick, children: (Number(fields[13]) + Number(fields[14])) / tick }
}

const dir = await mkdtemp(join(tmpdir(), "pm-ocr-bench-"))
try {
  const scans = await Promise.all(Array.from({ length: pageCount }, (_, i) => generateScan(7000 + i)))
  const pages = scans.map((s) => s.pageImages[0]!)
  const prepared = []
  for (const p of pages) prepared.push(await preprocessPage(p))
  await mkdir(join(dir, "jpeg"))
  await Promise.all(pages.map((p, i) => writeFile(join(dir, "jpeg", `p${String(i).padStart(3, "0")}.jpg`), p)))
  await Promise.all(prepared.map((p, i) => writeFile(join(dir, `p${i}.pgm`), p.image)))
  console.log(`${pageCount} degraded A4 pages at 300 dpi, ${cores} cores, load average at start ${loadavg()[0]!.toFixed(1)}`)
  console.log("")
  console.log("| engine | pages/min | CPU s/page | note |")
  console.log("|---|---:|---:|---|")

  // tesseract.js: workers started first (model load is a one-off), then all pages.
  const pool = createOcrPool({ size: cores })
  await Promise.all(prepared.slice(0, cores).map((p) => pool.recognize(p.image)))
  const c0 = await cpu()
  const t0 = performance.now()
  await Promise.all(prepared.map((p) => pool.recognize(p.image)))
  const jsSeconds = (performance.now() - t0) / 1000
  const c1 = await cpu()
  await pool.close()
  const jsPpm = (60 * pageCount) / jsSeconds
  console.log(`| tesseract.js 7, ${cores} workers | ${jsPpm.toFixed(1)} | ${((c1.self - c0.self) / pageCount).toFixed(2)} | preprocessed pages, PSM 3, LSTM |`)

  const hasNative = spawnSync("tesseract", ["--version"]).status === 0
  if (hasNative) {
    const tessdata = join(dir, "tessdata")
    await mkdir(tessdata)
    await writeFile(join(tessdata, "vie.traineddata"), gunzipSync(await readFile(join(VIETNAMESE_LANG_PATH, "vie.traineddata.gz"))))
    const n0 = await cpu()
    const t1 = performance.now()
    let next = 0
    await Promise.all(
      Array.from({ length: cores }, async () => {
        while (next < pageCount) {
          const i = next++
          await run("tesseract", [join(dir, `p${i}.pgm`), "-", "--tessdata-dir", tessdata, "-l", "vie", "--oem", "1", "--psm", "3"], {
            env: { ...process.env, OMP_THREAD_LIMIT: "1" },
            maxBuffer: 1 << 24
          })
        }
      })
    )
    const nativeSeconds = (performance.now() - t1) / 1000
    const n1 = await cpu()
    const nativePpm = (60 * pageCount) / nativeSeconds
    console.log(`| native tesseract 5.3 CLI, ${cores} processes | ${nativePpm.toFixed(1)} | ${((n1.children - n0.children) / pageCount).toFixed(2)} | same pages and model |`)
    console.log(`| ratio tesseract.js / native | ${(jsPpm / nativePpm).toFixed(2)}× | | |`)
  } else console.log("| native tesseract | – | – | not installed |")

  const e0 = await cpu()
  const t2 = performance.now()
  let n = 0
  for await (const r of digitizeFolder(join(dir, "jpeg"), { concurrency: cores })) if (r._tag === "DigitizedDocument") n += r.pages
  const endSeconds = (performance.now() - t2) / 1000
  const e1 = await cpu()
  console.log(`| digitizeFolder end to end, ${cores} workers | ${((60 * n) / endSeconds).toFixed(1)} | ${((e1.self - e0.self) / n).toFixed(2)} | JPEG decode + preprocessing + OCR + fields, incl. worker start |`)
  console.log("")
  console.log(`load average at end ${loadavg()[0]!.toFixed(1)}`)
} finally {
  await rm(dir, { recursive: true, force: true })
}

/**
 * OCR accuracy on generated district results (authorities spelled with the district catalog from
 * ../shared/data, as `--districts` does): character error rate (NFC, whitespace collapsed,
 * either valid reading order of two-column zones) on clean and degraded pages, field exact-match
 * accuracy per document, and what each preprocessing step is worth on degraded pages.
 *
 *   node bench/ocr-accuracy.ts [documents=16] [--no-ablation]
 *
 * Prints a Markdown table. Seeds are fixed, so runs are comparable.
 */
import { availableParallelism, loadavg } from "node:os"
import { generateScan } from "../ocr/scan-generator.ts"
import type { GeneratedScan } from "../ocr/scan-generator.ts"
import { preprocessPage } from "../ocr/page-preprocess.ts"
import type { PreprocessOptions } from "../ocr/page-preprocess.ts"
import { createOcrPool } from "../ocr/tesseract-pool.ts"
import type { RecognizedPage } from "../ocr/tesseract-pool.ts"
import { bestCharacterErrorRate, orderFreeCharacterErrorRate } from "../ocr/character-error-rate.ts"
import { confidentTextFromPages, extractFields } from "../ocr/field-extraction.ts"
import { FIELD_NAMES } from "../ocr/digitized-document.ts"
import { loadDistrictNames } from "../ocr/authority-names.ts"
import { fileURLToPath } from "node:url"

// The unit catalog a real run is given (--districts): spells authorities as the catalog does.
const districts = await loadDistrictNames(fileURLToPath(new URL("../../shared/data/admin-units/old_districts_2025-06-30.csv", import.meta.url)))

const documents = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 16)
const ablation = !process.argv.includes("--no-ablation")
const pool = createOcrPool({ size: availableParallelism() })

type Outcome = { errors: number; length: number; freeErrors: number; freeLength: number; fieldsRight: number; fields: number; pages: number; seconds: number; misses: Array<string> }

const runSet = async (scans: ReadonlyArray<GeneratedScan>, pre: PreprocessOptions): Promise<Outcome> => {
  const out: Outcome = { errors: 0, length: 0, freeErrors: 0, freeLength: 0, fieldsRight: 0, fields: 0, pages: 0, seconds: 0, misses: [] }
  const started = performance.now()
  await Promise.all(
    scans.map(async (scan) => {
      const pages: Array<RecognizedPage> = []
      for (let i = 0; i < scan.pageImages.length; i++) {
        const prepared = await preprocessPage(scan.pageImages[i]!, pre)
        const page = await pool.recognize(prepared.image)
        pages.push(page)
        const cer = bestCharacterErrorRate(page.text, [scan.truthPages[i]!, scan.truthPagesByRow[i]!])
        out.errors += cer.errors
        out.length += cer.length
        const free = orderFreeCharacterErrorRate(page.text, scan.truthPages[i]!)
        out.freeErrors += free.errors
        out.freeLength += free.length
        out.pages++
      }
      const got = extractFields(confidentTextFromPages(pages), { districts }).fields
      for (const f of FIELD_NAMES) {
        out.fields++
        if (got[f] === scan.spec.fields[f]) out.fieldsRight++
        else out.misses.push(`seed ${scan.spec.seed} ${f}: expected ${JSON.stringify(scan.spec.fields[f])}, got ${JSON.stringify(got[f])}`)
      }
    })
  )
  out.seconds = (performance.now() - started) / 1000
  return out
}

const pct = (a: number, b: number): string => `${((100 * a) / b).toFixed(2)} %`
const row = (name: string, o: Outcome): string =>
  `| ${name} | ${o.pages} | ${pct(o.errors, o.length)} | ${pct(o.freeErrors, o.freeLength)} | ${pct(o.fieldsRight, o.fields)} (${o.fieldsRight}/${o.fields}) | ${(o.seconds / o.pages).toFixed(2)} |`

const load0 = loadavg()[0]!
const seeds = Array.from({ length: documents }, (_, i) => 9000 + i)
const clean = await Promise.all(seeds.map((s) => generateScan(s, { clean: true })))
const degraded = await Promise.all(seeds.map((s) => generateScan(s + 1000)))

console.log(`documents: ${documents} clean + ${documents} degraded; workers: ${pool.size}; load average at start ${load0.toFixed(1)}`)
console.log("")
console.log("| pages | n | CER (reading order counts) | CER (order-free) | fields exact | s/page (wall, all workers) |")
console.log("|---|---:|---:|---:|---:|---:|")
const cleanDefault = await runSet(clean, {})
console.log(row("clean, default preprocessing", cleanDefault))
const degradedDefault = await runSet(degraded, {})
console.log(row("degraded, default preprocessing", degradedDefault))
if (ablation) {
  const variants: ReadonlyArray<readonly [string, PreprocessOptions]> = [
    ["degraded, no preprocessing", { deskew: false, normalise: false, median: false }],
    ["degraded, deskew only", { deskew: true, normalise: false, median: false }],
    ["degraded, lighting/contrast only", { deskew: false, normalise: true, median: false }],
    ["degraded, deskew + lighting/contrast + 3×3 median", { deskew: true, normalise: true, median: true }],
    ["clean, no preprocessing", { deskew: false, normalise: false, median: false }],
    ["clean, + 3×3 median", { median: true }]
  ]
  for (const [name, pre] of variants) console.log(row(name, await runSet(name.startsWith("clean") ? clean : degraded, pre)))
}
console.log("")
for (const m of [...cleanDefault.misses.map((m) => `clean ${m}`), ...degradedDefault.misses.map((m) => `degraded ${m}`)]) console.log(`- ${m}`)
console.log(`load average at end ${loadavg()[0]!.toFixed(1)}`)
await pool.close()

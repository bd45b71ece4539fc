/**
 * Speed and memory of citizen deduplication from 100k to 1M records (synthetic population,
 * about 1.8 records per person). Each size runs in a fresh process so peak RSS is per size.
 *   node bench/dedupe-scale.ts                 # 100k, 300k, 1M records
 *   node bench/dedupe-scale.ts 200000          # one size (records)
 */
import { execFileSync } from "node:child_process"
import { loadavg } from "node:os"
import { deduplicate } from "../dedupe/deduplicate.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const RECORDS_PER_PERSON = 1.99

function runOne(records: number): void {
  const pop = generatePopulation({ persons: Math.round(records / RECORDS_PER_PERSON), seed: 3 })
  const rssBefore = process.memoryUsage().rss
  const loadBefore = loadavg()[0]!
  let peak = rssBefore
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  const res = deduplicate(pop.records)
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage().rss)
  console.log(
    JSON.stringify({
      records: pop.records.length,
      seconds: +(ms / 1000).toFixed(1),
      cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
      candidatePairs: res.candidatePairs,
      peakRssMb: Math.round(peak / 1e6),
      inputRssMb: Math.round(rssBefore / 1e6),
      loadBefore: loadBefore.toFixed(1),
      load: loadavg()[0]!.toFixed(1),
      phasesMs: res.timingsMs
    })
  )
}

const arg = process.argv[2]
if (arg !== undefined) runOne(Number(arg))
else
  for (const n of [100_000, 300_000, 1_000_000])
    process.stdout.write(execFileSync(process.execPath, ["--max-old-space-size=6000", new URL(import.meta.url).pathname, String(n)], { encoding: "utf8" }))

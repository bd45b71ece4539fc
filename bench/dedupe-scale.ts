/**
 * Speed and memory of citizen deduplication from 100k to 1M records (synthetic population,
 * about 2 records per person). Each size runs in a fresh process so peak RSS is per size.
 * Wall and CPU time (process.cpuUsage, all threads) and the load average are reported: the
 * machine is shared. `seconds` includes the golden records (built on first access of
 * `masters`); `crosswalkSeconds` is the time to the crosswalk and review pairs alone.
 *   node bench/dedupe-scale.ts                 # 100k, 300k, 1M records, records in memory
 *   node bench/dedupe-scale.ts 200000          # one size (records)
 *   node bench/dedupe-scale.ts --csv [n]       # the CLI path: CSV rows streamed into the table
 *                                              # (the CSV is written first, outside the timing)
 */
import { execFileSync } from "node:child_process"
import { existsSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { stringify } from "csv-stringify/sync"
import { parseCitizenCsvInto, readCitizenCsvText } from "../dedupe/citizen-csv.ts"
import { citizenTableBuilder } from "../dedupe/citizen-table.ts"
import { deduplicate, deduplicateTable, type DedupeResult } from "../dedupe/deduplicate.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const RECORDS_PER_PERSON = 1.99
const csvPath = (records: number) => join(tmpdir(), `provmerge-dedupe-scale-${records}.csv`)

function writeCsv(records: number): void {
  const path = csvPath(records)
  if (existsSync(path)) return
  const pop = generatePopulation({ persons: Math.round(records / RECORDS_PER_PERSON), seed: 3 })
  const rows = pop.records.map((r) => [
    r.recordId, r.source, r.cccd ?? "", r.cmnd ?? "", r.fullName ?? "", r.birthDate ?? "", r.gender ?? "", r.hometownCode ?? "",
    r.address ?? "", r.fatherName ?? "", r.motherName ?? "", r.communeCode ?? "", r.phone ?? ""
  ])
  const columns = ["record_id", "source", "cccd", "cmnd", "full_name", "birth_date", "gender", "hometown_code", "address", "father_name", "mother_name", "commune_code", "phone"]
  writeFileSync(path, stringify(rows, { header: true, columns }))
}

function measure(records: number, mode: "memory" | "csv"): void {
  const pop = mode === "memory" ? generatePopulation({ persons: Math.round(records / RECORDS_PER_PERSON), seed: 3 }) : undefined
  const rssBefore = process.memoryUsage().rss
  const loadBefore = loadavg()[0]!
  let peak = rssBefore
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
  const c0 = process.cpuUsage()
  const t0 = performance.now()
  let res: DedupeResult
  if (pop !== undefined) res = deduplicate(pop.records)
  else {
    const builder = citizenTableBuilder()
    parseCitizenCsvInto(readCitizenCsvText(csvPath(records)), builder)
    const table = builder.finish()
    res = deduplicateTable(table, {}, performance.now() - t0)
  }
  // The crosswalk is done; the golden records are built on first access and timed as well.
  const crosswalkMs = performance.now() - t0
  const tMasters = performance.now()
  const persons = res.masters.length
  const goldenMs = performance.now() - tMasters
  const ms = performance.now() - t0
  const cpu = process.cpuUsage(c0)
  clearInterval(timer)
  peak = Math.max(peak, process.memoryUsage().rss)
  console.log(
    JSON.stringify({
      mode,
      records: res.stats.records,
      seconds: +(ms / 1000).toFixed(1),
      crosswalkSeconds: +(crosswalkMs / 1000).toFixed(1),
      persons,
      cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1),
      candidatePairs: res.candidatePairs,
      autoMergeProbability: +res.thresholds.autoMergeProbability.toFixed(4),
      thresholdSteps: res.thresholds.mergedSet?.steps.length ?? 0,
      peakRssMb: Math.round(peak / 1e6),
      inputRssMb: Math.round(rssBefore / 1e6),
      loadBefore: loadBefore.toFixed(1),
      load: loadavg()[0]!.toFixed(1),
      phasesMs: { ...res.timingsMs, golden_records: Math.round(goldenMs) }
    })
  )
}

const args = process.argv.slice(2)
const mode = args.includes("--csv") ? "csv" : "memory"
const sizes = args.filter((a) => !a.startsWith("--")).map(Number)
if (args.includes("--child")) {
  const n = sizes[0]!
  if (args.includes("--write")) writeCsv(n)
  else measure(n, mode)
} else
  for (const n of sizes.length > 0 ? sizes : [100_000, 300_000, 1_000_000]) {
    const self = new URL(import.meta.url).pathname
    const run = (extra: string[]) =>
      execFileSync(process.execPath, ["--max-old-space-size=6000", self, "--child", String(n), ...extra], { encoding: "utf8" })
    if (mode === "csv") run(["--csv", "--write"])
    process.stdout.write(run(mode === "csv" ? ["--csv"] : []))
  }

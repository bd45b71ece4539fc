/**
 * Benchmark: remap 1,000,000 address records through `provmerge units remap` (the CLI's code
 * path end to end: argument parsing, catalog load, CSV in -> resolver -> CSV out) on the real
 * 2025 catalog in ../shared/data/admin-units.
 *
 *   node bench/units-remap.ts [records=1000000]
 *
 * The input mixes what old systems hold: commune code + address, names only (with diacritics,
 * without, other tone placement), district code + names, codes only, district only, and a few
 * bad codes. Addresses carry random house numbers and hamlets, so most strings are unique and
 * the resolver's memo does not hide the parsing cost. The command runs in a child process (node
 * start and catalog load included); prints wall time, CPU time, rows/s, peak RSS and the load.
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { Effect } from "effect"
import { Command } from "effect/cli"
import { NodeServices } from "@effect/platform-node"
import { foldAccents } from "../text/vietnamese.ts"
import { loadUnitCatalog } from "../mappings/admin-units/load-unit-catalog.ts"
import { indexCatalog } from "../mappings/admin-units/catalog.ts"
import { unitsCommand } from "../cli/commands/units.ts"

const catalogDir = new URL("../../shared/data/admin-units/", import.meta.url).pathname

if (process.argv[2] === "--child") {
  // the measured process: only the CLI command, as a user would run it
  const [input, output] = [process.argv[3]!, process.argv[4]!]
  const cpu0 = process.cpuUsage()
  await Effect.runPromise(
    Command.runWith(unitsCommand, { version: "bench" })(["remap", "--crosswalk", catalogDir, "--input", input, "--output", output]).pipe(Effect.provide(NodeServices.layer))
  )
  const cpu = process.cpuUsage(cpu0)
  process.stdout.write(JSON.stringify({ cpuSeconds: (cpu.user + cpu.system) / 1e6, peakRssMb: process.resourceUsage().maxRSS / 1024 }) + "\n")
  process.exit(0)
}

const records = Number(process.argv[2] ?? 1_000_000)
const dir = mkdtempSync(join(tmpdir(), "pm-units-bench-"))
const input = join(dir, "in.csv")
const output = join(dir, "out.csv")

// deterministic PRNG (mulberry32)
let seed = 20250701
const rand = (): number => {
  seed = (seed + 0x6d2b79f5) | 0
  let t = seed
  t = Math.imul(t ^ (t >>> 15), t | 1)
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296
}
const pick = <T>(a: readonly T[]): T => a[Math.floor(rand() * a.length)]!

const { catalog } = await loadUnitCatalog(catalogDir)
const idx = indexCatalog(catalog)
const HAMLETS = ["Thôn Đông", "Thôn Tây", "Xóm 3", "Ấp Bình Hoà", "Tổ dân phố 5", "Bản Na", "Khu phố 2", "Thôn Thuỵ Lôi", "Đường Trần Phú", "Ngõ 12 Phố Huế"]
const quote = (s: string): string => (/[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
const swapTone = (s: string): string => s.replaceAll("òa", "oà").replaceAll("ủy", "uỷ").replaceAll("ụy", "uỵ")

let t0 = performance.now()
const lines: string[] = ["id,province_code,district_code,commune_code,address"]
for (let i = 0; i < records; i++) {
  const c = pick(catalog.oldCommunes)
  const d = idx.oldDistrict.get(c.districtCode)!
  const p = idx.oldProvince.get(c.provinceCode)!
  const street = `Số ${1 + Math.floor(rand() * 400)}, ${pick(HAMLETS)}`
  const full = `${street}, ${c.name}, ${d.name}, ${p.name}`
  const k = rand()
  let row: string[]
  if (k < 0.45) row = [c.provinceCode, c.districtCode, c.code, full]
  else if (k < 0.6) row = ["", "", "", full]
  else if (k < 0.65) row = ["", "", "", foldAccents(full).toLowerCase()]
  else if (k < 0.7) row = ["", "", "", swapTone(full)]
  else if (k < 0.8) row = ["", c.districtCode, "", `${street}, ${c.name}`]
  else if (k < 0.9) row = ["", "", c.code, ""]
  else if (k < 0.95) row = [c.provinceCode, c.districtCode, "", ""]
  else if (k < 0.98) row = [c.provinceCode, "", "", `${c.name}, ${d.name}`]
  else row = ["", "", String(90000 + Math.floor(rand() * 9999)), ""]
  lines.push([`r${i}`, ...row].map(quote).join(","))
  if (lines.length >= 100_000) {
    writeFileSync(input, lines.join("\n") + "\n", { flag: i < 100_000 ? "w" : "a" })
    lines.length = 0
  }
}
if (lines.length > 0) writeFileSync(input, lines.join("\n") + "\n", { flag: records <= 100_000 && lines[0]!.startsWith("id,") ? "w" : "a" })
const genMs = performance.now() - t0
console.log(`generated ${records} records (${(statSync(input).size / 1e6).toFixed(1)} MB) in ${(genMs / 1000).toFixed(1)} s`)

// run the command in a fresh process (node start, module loading, catalog load included)
t0 = performance.now()
const child = spawnSync(process.execPath, [new URL(import.meta.url).pathname, "--child", input, output], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] })
const ms = performance.now() - t0
if (child.status !== 0) throw new Error(`remap failed (exit ${child.status})`)
const measured = JSON.parse(child.stdout.trim().split("\n").pop()!) as { cpuSeconds: number; peakRssMb: number }
console.log(
  JSON.stringify({
    records,
    seconds: Number((ms / 1000).toFixed(2)),
    cpuSeconds: Number(measured.cpuSeconds.toFixed(2)),
    loadAverage1m: Number(loadavg()[0]!.toFixed(1)),
    rowsPerSecond: Math.round((records * 1000) / ms),
    peakRssMb: Math.round(measured.peakRssMb),
    outputMb: Number((statSync(output).size / 1e6).toFixed(1))
  })
)
rmSync(dir, { recursive: true, force: true })

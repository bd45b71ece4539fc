/**
 * Throughput of cleanText and foldKey on 1M Vietnamese person names.
 * Run: node bench/text-normalise.ts [count]   (each figure is the best of 3 timed passes)
 *
 * Names are synthetic (surname + middle + given, seeded), mixed the way source systems hold
 * them: 60% clean NFC, 15% old-style tone placement (Hoà, Thuỵ), 10% NFD, 10% extra or odd
 * whitespace (NBSP, double spaces, newline), 5% upper case.
 */
import { cleanText, foldKey } from "../text/vietnamese.ts"

const count = Number(process.argv[2] ?? 1_000_000)
const surnames = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
const middles = ["Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Thúy", "Hòa", "Thụy", "Khánh", ""]
const givens = ["Hùng", "Hương", "Hòa", "Thủy", "Quý", "Tuấn", "Khỏe", "Nguyệt", "Hường", "Đạo", "Yến", "Quỳnh", "Thuận", "Bình", "Long", "Anh", "An", "Huy"]

let seed = 42
const rand = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff
  return seed % n
}
const oldStyle = (s: string): string =>
  s.replace("Hòa", "Hoà").replace("Thủy", "Thuỷ").replace("Thụy", "Thuỵ").replace("Thúy", "Thuý").replace("Khỏe", "Khoẻ")

const names: string[] = new Array(count)
for (let i = 0; i < count; i++) {
  const m = middles[rand(middles.length)]!
  let name = [surnames[rand(surnames.length)]!, m, givens[rand(givens.length)]!].filter((x) => x !== "").join(" ")
  const r = rand(100)
  if (r < 15) name = oldStyle(name)
  else if (r < 25) name = name.normalize("NFD")
  else if (r < 35) name = " " + name.replace(" ", "\u00a0 ").replace(/ (\S+)$/, "\n$1") + " "
  else if (r < 40) name = name.toUpperCase()
  names[i] = name
}

function measure(label: string, fn: (s: string) => string, input: string[] = names): void {
  let sink = 0
  for (let i = 0; i < Math.min(count, 100_000); i++) sink += fn(input[i]!).length // warm-up
  let ms = Infinity // best of 3: the machine is shared, the minimum is the least disturbed run
  for (let round = 0; round < 3; round++) {
    const t0 = process.hrtime.bigint()
    for (let i = 0; i < count; i++) sink += fn(input[i]!).length
    ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6)
  }
  console.log(
    `${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms  ${((count / ms) * 1000 / 1e6).toFixed(2)} M names/s  ${((ms * 1e6) / count).toFixed(0)} ns/name  (sink ${sink})`
  )
}

const cleaned = names.map(cleanText)
console.log(`node ${process.version}, ${count.toLocaleString("en")} names`)
measure("cleanText (mixed input)", cleanText)
measure("foldKey (mixed input)", foldKey)
measure("cleanText (already clean)", cleanText, cleaned)
measure("foldKey (already clean)", foldKey, cleaned)
measure("String#normalize NFC (ref.)", (s) => s.normalize("NFC"))

// legacy decoders on the same names (fewer: they run once per migrated legacy column value)
{
  const { encodeTcvn3, encodeVni, decodeTcvn3, decodeVni, repairMojibake, bytesToLegacyString, detectLegacyEncoding } =
    await import("../text/legacy-encodings.ts")
  const sample = cleaned.slice(0, Math.min(count, 100_000))
  const tcvn = sample.map(encodeTcvn3)
  const vni = sample.map(encodeVni)
  const moj = sample.map((s) => bytesToLegacyString(Buffer.from(s, "utf8")))
  const time = (label: string, input: string[], fn: (s: string) => unknown): void => {
    for (let i = 0; i < Math.min(input.length, 20_000); i++) fn(input[i]!)
    let ms = Infinity
    for (let round = 0; round < 3; round++) {
      const t0 = process.hrtime.bigint()
      for (const s of input) fn(s)
      ms = Math.min(ms, Number(process.hrtime.bigint() - t0) / 1e6)
    }
    console.log(`${label.padEnd(28)} ${ms.toFixed(0).padStart(6)} ms  ${((ms * 1e6) / input.length).toFixed(0)} ns/name  (${input.length.toLocaleString("en")} names)`)
  }
  time("decodeTcvn3", tcvn, decodeTcvn3)
  time("decodeVni", vni, decodeVni)
  time("repairMojibake", moj, repairMojibake)
  time("detectLegacyEncoding (VNI)", vni, detectLegacyEncoding)
}

/**
 * Writes a synthetic Vietnamese population as the `provmerge dedupe` input CSV, with the ground
 * truth (person id per line) next to it in <output>.truth.
 *   node bench/dedupe-make-csv.ts <persons> <output.csv> [seed]
 */
import { writeFileSync } from "node:fs"
import { stringify } from "csv-stringify/sync"
import { generatePopulation } from "../dedupe/synthetic-population.ts"
import { seededRandom } from "../dedupe/linkage-settings.ts"

const persons = Number(process.argv[2] ?? 2000)
const output = process.argv[3] ?? "citizens.csv"
const seed = Number(process.argv[4] ?? 11)
const pop = generatePopulation({ persons, seed })
const rnd = seededRandom(seed + 1)
// Gender as the registers write it: nam/nữ/M/F in any case, with or without diacritics.
const genderText = (g?: string) => {
  if (g === undefined) return ""
  const forms = g === "M" ? ["nam", "Nam", "M", "m", "NAM"] : ["nữ", "Nữ", "F", "f", "nu", "NỮ"]
  return forms[Math.floor(rnd() * forms.length)]!
}
const rows = pop.records.map((r) => [
  r.recordId, r.source, r.cccd ?? "", r.cmnd ?? "", r.fullName ?? "", r.birthDate ?? "", genderText(r.gender), r.hometownCode ?? "",
  r.address ?? "", r.fatherName ?? "", r.motherName ?? ""
])
writeFileSync(
  output,
  stringify(rows, { header: true, columns: ["record_id", "source", "cccd", "cmnd", "full_name", "birth_date", "gender", "hometown_code", "address", "father_name", "mother_name"] })
)
writeFileSync(output + ".truth", pop.personIds.join("\n") + "\n")
console.log(`${rows.length} records of ${persons} persons -> ${output}`)

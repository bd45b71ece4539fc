/**
 * Quality of citizen deduplication on a generated Vietnamese population with ground truth
 * (dedupe/synthetic-population.ts: households, twins, namesakes in the same commune, sons named
 * after their fathers, four source systems, realistic dirt). Pairwise precision and recall of
 * the auto-merged persons, and the share of records sent to review.
 *   node bench/dedupe-quality.ts [persons=20000] [seed=7] [--cli-columns]
 * `--cli-columns`: only the input columns the issue lists for `provmerge dedupe --input`
 * (INPUT_COLUMNS of dedupe/citizen-csv.ts), without its optional commune_code, phone and
 * updated_at: what the CLI is judged on. The pipeline's dedupe stage has them all.
 * `--address-forms`: every address rewritten into one of the other ways Vietnamese addresses
 * are typed (chosen per record by its id): without commas, with " - " between the units, with
 * the type words abbreviated ("X.", "H.", "T.") and no commas. The generator writes every
 * address with commas; this checks that reading the commune does not depend on them.
 */
import type { CitizenRecord } from "../dedupe/citizen-record.ts"
import { deduplicate } from "../dedupe/deduplicate.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const cliColumns = process.argv.includes("--cli-columns")
const [personsArg, seedArg] = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const persons = Number(personsArg ?? 20000)
const seed = Number(seedArg ?? 7)
const pop = generatePopulation({ persons, seed })
/** A record as the CLI's CSV can carry it. */
const asCliRecord = ({ communeCode: _c, phone: _p, updatedAt: _u, ...r }: CitizenRecord): CitizenRecord => r
const addressForms = process.argv.includes("--address-forms")
/** One of three other written forms of the address, picked by a hash of the record id. */
const otherAddressForm = (r: CitizenRecord): CitizenRecord => {
  if (r.address === undefined) return r
  let h = 0
  for (let k = 0; k < r.recordId.length; k++) h = (h * 31 + r.recordId.charCodeAt(k)) | 0
  const parts = r.address.split(", ")
  const form = Math.abs(h) % 3
  const address =
    form === 0
      ? parts.join(" ")
      : form === 1
        ? parts.join(" - ")
        : parts.map((p) => p.replace(/^(xã|xa) /i, "X. ").replace(/^(huyện|huyen) /i, "H. ").replace(/^(tỉnh|tinh) /i, "T. ")).join(" ")
  return { ...r, address }
}
const columns = cliColumns ? pop.records.map(asCliRecord) : pop.records
const records = addressForms ? columns.map(otherAddressForm) : columns
const t0 = performance.now()
const res = deduplicate(records)
const seconds = (performance.now() - t0) / 1000
const index = new Map(pop.records.map((r, i) => [r.recordId, i]))
const byMaster = new Map<string, number[]>()
for (const a of res.assignments) (byMaster.get(a.masterId) ?? byMaster.set(a.masterId, []).get(a.masterId)!).push(index.get(a.recordId)!)
let tp = 0
let fp = 0
for (const l of byMaster.values())
  for (let x = 0; x < l.length; x++) for (let y = x + 1; y < l.length; y++) pop.personIds[l[x]!] === pop.personIds[l[y]!] ? tp++ : fp++
const perPerson = new Map<string, number>()
for (const p of pop.personIds) perPerson.set(p, (perPerson.get(p) ?? 0) + 1)
let truePairs = 0
for (const k of perPerson.values()) truePairs += (k * (k - 1)) / 2
let reviewTrue = 0
for (const r of res.reviewPairs) if (pop.personIds[index.get(r.recordIdA)!] === pop.personIds[index.get(r.recordIdB)!]) reviewTrue++
console.log(
  JSON.stringify(
    {
      persons,
      seed,
      input: cliColumns ? "CLI columns" : "all fields",
      records: res.stats.records,
      precision: +(tp / (tp + fp)).toFixed(5),
      recall: +(tp / truePairs).toFixed(5),
      falseMergedPairs: fp,
      reviewShareOfRecords: +(res.stats.reviewRecords / res.stats.records).toFixed(4),
      reviewPairs: res.reviewPairs.length,
      reviewPairsThatAreMatches: reviewTrue,
      refusedForIdentity: res.stats.autoMergeRefusedForIdentity,
      refusedForChain: res.stats.autoMergeRefusedForChain,
      refusedForContradiction: res.stats.autoMergeRefusedForContradiction,
      refusedForRival: res.stats.autoMergeRefusedForRival,
      candidatePairs: res.candidatePairs,
      perRule: Object.fromEntries(res.ruleCounts.map((r) => [r.rule, r.newPairs])),
      thresholds: { auto: res.thresholds.autoMergeProbability, review: res.thresholds.reviewProbability, estimatedPrecision: +res.thresholds.estimatedPrecision.toFixed(5) },
      mergedSet: res.thresholds.mergedSet === undefined ? undefined : { precision: +res.thresholds.mergedSet.precision.toFixed(5), lowerBound: +res.thresholds.mergedSet.lowerBound.toFixed(5), steps: res.thresholds.mergedSet.steps.length },
      sessions: res.model.sessions.map((s) => `${s.rule}: pairs ${s.pairs}, lambda ${s.lambda.toFixed(3)}${s.discarded ? `, discarded (${s.discarded})` : ""}`),
      seconds: +seconds.toFixed(1)
    },
    null,
    2
  )
)

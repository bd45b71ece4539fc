/**
 * Quality of citizen deduplication on SMALL inputs: samples of the synthetic population of a
 * few hundred to a few thousand records, the size of a user's first try of `provmerge dedupe`.
 * On such inputs u (and the prior and m) are estimated from few pairs; this shows how the
 * results degrade with input size.
 *   node bench/dedupe-small.ts [--sizes 100,300,1000,5000] [--seeds 1,2,3,4,5] [--cli-columns]
 * Two kinds of sample per size and seed (the first persons of a generated population, so
 * households, twins and namesakes stay together):
 * - `sparse`: one record per person plus every 20th further record (few duplicates, as in
 *   tests/dedupe/deduplicate.test.ts "small inputs");
 * - `full`: every record of the first persons (~1.8 records per person).
 * Per kind and size, summed over the seeds: true and false merged pairs, pairwise precision
 * and recall, true pairs left in the review list, and the review share of records.
 */
import type { CitizenRecord } from "../dedupe/citizen-record.ts"
import { deduplicate } from "../dedupe/deduplicate.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1]! : fallback
}
const sizes = arg("--sizes", "100,300,1000,5000").split(",").map(Number)
const seeds = arg("--seeds", "1,2,3,4,5").split(",").map(Number)
const cliColumns = process.argv.includes("--cli-columns")
const asCliRecord = ({ communeCode: _c, phone: _p, updatedAt: _u, ...r }: CitizenRecord): CitizenRecord => r

/** The first records of a population of `persons`: every record, or one per person plus every `dupEvery`-th further one. */
function sample(records: number, seed: number, kind: "sparse" | "full") {
  const persons = kind === "full" ? Math.ceil(records / 1.8) + 5 : records + 5
  const pop = generatePopulation({ persons, seed })
  const seen = new Set<string>()
  const out: CitizenRecord[] = []
  const personIds: string[] = []
  let extra = 0
  for (let i = 0; i < pop.records.length && out.length < records; i++) {
    const p = pop.personIds[i]!
    if (kind === "sparse" && seen.has(p) && extra++ % 20 !== 0) continue
    seen.add(p)
    out.push(cliColumns ? asCliRecord(pop.records[i]!) : pop.records[i]!)
    personIds.push(p)
  }
  return { records: out, personIds }
}

const rows: Record<string, unknown>[] = []
for (const kind of ["sparse", "full"] as const)
  for (const size of sizes) {
    let tp = 0
    let fp = 0
    let truePairs = 0
    let reviewTrue = 0
    let reviewPairs = 0
    let reviewRecords = 0
    let records = 0
    let refused = 0
    for (const seed of seeds) {
      const s = sample(size, seed, kind)
      let res
      try {
        res = deduplicate(s.records)
      } catch {
        refused++
        continue
      }
      const index = new Map(s.records.map((r, i) => [r.recordId, i]))
      const byMaster = new Map<string, number[]>()
      for (const a of res.assignments) (byMaster.get(a.masterId) ?? byMaster.set(a.masterId, []).get(a.masterId)!).push(index.get(a.recordId)!)
      for (const l of byMaster.values())
        for (let x = 0; x < l.length; x++) for (let y = x + 1; y < l.length; y++) s.personIds[l[x]!] === s.personIds[l[y]!] ? tp++ : fp++
      const perPerson = new Map<string, number>()
      for (const p of s.personIds) perPerson.set(p, (perPerson.get(p) ?? 0) + 1)
      for (const k of perPerson.values()) truePairs += (k * (k - 1)) / 2
      for (const r of res.reviewPairs) if (s.personIds[index.get(r.recordIdA)!] === s.personIds[index.get(r.recordIdB)!]) reviewTrue++
      reviewPairs += res.reviewPairs.length
      reviewRecords += res.stats.reviewRecords
      records += res.stats.records
    }
    rows.push({
      kind,
      size,
      seeds: seeds.length,
      refused,
      records,
      truePairs,
      mergedTrue: tp,
      mergedFalse: fp,
      precision: +(tp / Math.max(tp + fp, 1)).toFixed(4),
      recall: +(tp / Math.max(truePairs, 1)).toFixed(4),
      reviewPairs,
      reviewPairsTrue: reviewTrue,
      reviewShare: +(reviewRecords / Math.max(records, 1)).toFixed(4)
    })
    console.error(JSON.stringify(rows.at(-1)))
  }
console.log(JSON.stringify({ input: cliColumns ? "CLI columns" : "all fields", seeds, rows }, null, 1))

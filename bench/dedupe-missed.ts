/**
 * Where the true pairs that deduplication did not merge went: never a candidate, below the
 * review band, in review, or scored high but refused by a guard. Prints a few examples per kind.
 *   node bench/dedupe-missed.ts [persons=20000] [seed=7] [examples=8]
 */
import { buildCitizenTable } from "../dedupe/citizen-table.ts"
import { deduplicate } from "../dedupe/deduplicate.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const persons = Number(process.argv[2] ?? 20000)
const seed = Number(process.argv[3] ?? 7)
const examples = Number(process.argv[4] ?? 8)
const pop = generatePopulation({ persons, seed })
const res = deduplicate(pop.records, { maxReviewShare: 1 })
const table = buildCitizenTable(pop.records)
const master = new Map(res.assignments.map((a) => [a.recordId, a.masterId]))
const byPerson = new Map<string, number[]>()
pop.personIds.forEach((p, i) => (byPerson.get(p) ?? byPerson.set(p, []).get(p)!).push(i))
const kinds = new Map<string, number>()
const shown = new Map<string, number>()
const autoW = res.thresholds.autoMergeWeight
const reviewW = res.thresholds.reviewWeight
const describe = (i: number) => {
  const r = pop.records[i]!
  return `${r.fullName ?? "-"} | ${r.birthDate ?? "-"} | ${r.gender ?? "-"} | cccd ${r.cccd ?? "-"} | cmnd ${r.cmnd ?? "-"} | ht ${r.hometownCode ?? "-"} | com ${r.communeCode ?? "-"} | ${r.address ?? "-"} | f ${r.fatherName ?? "-"} | m ${r.motherName ?? "-"} | ph ${r.phone ?? "-"}`
}
const exp = new Map<string, number>()
for (const e of deduplicate(pop.records, { maxReviewShare: 1, linkage: { keepProbability: 1e-15 }, explain: pop.records.map((r) => r.recordId) }).explanations)
  exp.set(e.recordIdA < e.recordIdB ? e.recordIdA + "|" + e.recordIdB : e.recordIdB + "|" + e.recordIdA, e.matchWeight)
for (const members of byPerson.values())
  for (let x = 0; x < members.length; x++)
    for (let y = x + 1; y < members.length; y++) {
      const a = pop.records[members[x]!]!.recordId
      const b = pop.records[members[y]!]!.recordId
      if (master.get(a) === master.get(b)) continue
      const w = exp.get(a < b ? a + "|" + b : b + "|" + a)
      const kind = w === undefined ? "not a kept candidate" : w >= autoW ? "auto-merge weight, refused by a guard" : w >= reviewW ? "review band" : "below review"
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
      const n = shown.get(kind) ?? 0
      if (n < examples) {
        shown.set(kind, n + 1)
        console.log(`[${kind}] w=${w?.toFixed(1) ?? "-"}\n  ${describe(members[x]!)}\n  ${describe(members[y]!)}`)
      }
    }
void table
console.log(Object.fromEntries(kinds), { auto: autoW.toFixed(2), review: reviewW.toFixed(2) })

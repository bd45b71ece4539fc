/**
 * Where the true pairs that deduplication did not merge went: never a candidate, below the
 * review band, in review, or scored high but refused by a guard. Prints a few examples per kind
 * and a breakdown of the causes:
 * - pairs never proposed: which blocking-key parts the two records share (name, date, year,
 *   commune, hometown, parents), and which are missing, so the rule that should have proposed
 *   them shows;
 * - pairs scored too low: per comparison, the levels below zero weight among those pairs and
 *   the bits they cost;
 * - refused pairs: the guard (review reason).
 *   node bench/dedupe-missed.ts [persons=20000] [seed=7] [examples=8] [--cli-columns]
 * `--cli-columns`: only the CLI's input columns (no commune code, phone or updated_at), as in
 * bench/dedupe-quality.ts.
 */
import type { CitizenRecord } from "../dedupe/citizen-record.ts"
import { buildCitizenTable } from "../dedupe/citizen-table.ts"
import { citizenSettings } from "../dedupe/citizen-settings.ts"
import { deduplicate } from "../dedupe/deduplicate.ts"
import { explainPair } from "../dedupe/match-explanation.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const cliColumns = process.argv.includes("--cli-columns")
const args = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const persons = Number(args[0] ?? 20000)
const seed = Number(args[1] ?? 7)
const examples = Number(args[2] ?? 8)
const pop = generatePopulation({ persons, seed })
const asCliRecord = ({ communeCode: _c, phone: _p, updatedAt: _u, ...r }: CitizenRecord): CitizenRecord => r
const records = cliColumns ? pop.records.map(asCliRecord) : pop.records
const res = deduplicate(records, { maxReviewShare: 1 })
const t = buildCitizenTable(records)
const master = new Map(res.assignments.map((a) => [a.recordId, a.masterId]))
const byPerson = new Map<string, number[]>()
pop.personIds.forEach((p, i) => (byPerson.get(p) ?? byPerson.set(p, []).get(p)!).push(i))
const kinds = new Map<string, number>()
const shown = new Map<string, number>()
const autoW = res.thresholds.autoMergeWeight
const reviewW = res.thresholds.reviewWeight
const key = (a: string, b: string) => (a < b ? a + "|" + b : b + "|" + a)
const reason = new Map(res.reviewPairs.map((r) => [key(r.recordIdA, r.recordIdB), r.reason]))
const conflictOf = new Map(res.reviewPairs.map((r) => [key(r.recordIdA, r.recordIdB), r.conflict]))
const rowOf = new Map(records.map((r, i) => [r.recordId, i]))
const describe = (i: number) => {
  const r = records[i]!
  return `${r.fullName ?? "-"} | ${r.birthDate ?? "-"} | ${r.gender ?? "-"} | cccd ${r.cccd ?? "-"} | cmnd ${r.cmnd ?? "-"} | ht ${r.hometownCode ?? "-"} | com ${r.communeCode ?? "-"}/${t.residenceCommune[i]} | ${r.address ?? "-"} | f ${r.fatherName ?? "-"} | m ${r.motherName ?? "-"} | ph ${r.phone ?? "-"}`
}
const exp = new Map<string, (typeof res.explanations)[number]>()
for (const e of deduplicate(records, { maxReviewShare: 1, linkage: { keepProbability: 1e-15 }, explain: records.map((r) => r.recordId) }).explanations)
  exp.set(key(e.recordIdA, e.recordIdB), e)
/** Which blocking-key parts two records share ("=" same, "≠" different, "?" missing on one). */
const sharedParts = (a: number, b: number): string => {
  const part = (name: string, x: number, y: number, missing: (v: number) => boolean) =>
    `${name}${missing(x) || missing(y) ? "?" : x === y ? "=" : "≠"}`
  const neg = (v: number) => v < 0
  const date = (i: number) => (t.birthMonth[i]! > 0 ? t.birthYear[i]! * 10000 + t.birthMonth[i]! * 100 + t.birthDay[i]! : -1)
  const year = (i: number) => (t.comparedBirthYear[i]! > 0 ? t.comparedBirthYear[i]! : -1)
  return [
    part("name", t.fullNameFolded[a]!, t.fullNameFolded[b]!, neg),
    part("surname", t.surnameFolded[a]!, t.surnameFolded[b]!, neg),
    part("middle", t.middleInitial[a]! > 0 ? t.middleInitial[a]! : -1, t.middleInitial[b]! > 0 ? t.middleInitial[b]! : -1, neg),
    part("given", t.givenFolded[a]!, t.givenFolded[b]!, neg),
    part("date", date(a), date(b), neg),
    part("year", year(a), year(b), neg),
    part("commune", t.residenceCommune[a]!, t.residenceCommune[b]!, neg),
    part("hometown", t.hometown[a]!, t.hometown[b]!, neg),
    part("gender", t.gender[a]! || -1, t.gender[b]! || -1, neg),
    part("parents", t.fatherFolded[a]! >= 0 && t.motherFolded[a]! >= 0 ? t.fatherFolded[a]! * 1e6 + t.motherFolded[a]! : -1, t.fatherFolded[b]! >= 0 && t.motherFolded[b]! >= 0 ? t.fatherFolded[b]! * 1e6 + t.motherFolded[b]! : -1, neg)
  ].join(" ")
}
const settings = citizenSettings()
const priorLog2Odds = Math.log2(res.model.prior / (1 - res.model.prior))
const causes = new Map<string, Map<string, number>>()
const count = (group: string, what: string, by = 1) => {
  const g = causes.get(group) ?? causes.set(group, new Map()).get(group)!
  g.set(what, (g.get(what) ?? 0) + by)
}
for (const members of byPerson.values())
  for (let x = 0; x < members.length; x++)
    for (let y = x + 1; y < members.length; y++) {
      const i = members[x]!
      const j = members[y]!
      const a = records[i]!.recordId
      const b = records[j]!.recordId
      if (master.get(a) === master.get(b)) continue
      const e = exp.get(key(a, b))
      const w = e?.matchWeight
      const kind =
        w === undefined ? "not a kept candidate" : w >= autoW ? "auto-merge weight, refused by a guard" : w >= reviewW ? "review band" : "below review"
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1)
      if (w === undefined) {
        // What the pair would have scored had a rule proposed it.
        const would = explainPair(t, t.size, settings, res.model, priorLog2Odds, i, j).matchWeight
        const band = would >= autoW ? "would auto-merge" : would >= reviewW ? "would be in review" : "would score below review"
        count(kind, `${band}: ${sharedParts(i, j)}`)
        count(kind + " (by score)", band)
      }
      else if (w >= autoW) count(kind, reason.get(key(a, b)) ?? "(merged elsewhere / cluster-level)")
      else {
        // The fields the pair had to go on (comparison:level, missing ones left out).
        count(kind + ": fields present (comparison:level)", e!.fields.filter((f) => f.level !== 0 && f.comparison !== "named_as_parent").map((f) => `${f.comparison.slice(0, 9)}:${f.level}`).join(" "))
        for (const f of e!.fields)
          if (f.weight + f.termFrequencyAdjustment < 0) {
            count(kind + ": levels below zero (pairs)", `${f.comparison}: ${f.label}`)
            count(kind + ": bits lost", `${f.comparison}: ${f.label}`, -(f.weight + f.termFrequencyAdjustment))
          }
      }
      const n = shown.get(kind) ?? 0
      if (n < examples) {
        shown.set(kind, n + 1)
        console.log(`[${kind}] w=${w?.toFixed(1) ?? "-"}\n  ${describe(i)}\n  ${describe(j)}`)
        const c = conflictOf.get(key(a, b))
        if (c !== undefined && process.argv.includes("--fields"))
          console.log(`  ${reason.get(key(a, b))}: ${describe(rowOf.get(c.recordIdA)!)}\n    vs ${describe(rowOf.get(c.recordIdB)!)} (same person: ${pop.personIds[rowOf.get(c.recordIdA)!] === pop.personIds[rowOf.get(c.recordIdB)!]})`)
        if (e !== undefined && process.argv.includes("--fields"))
          console.log(`  prior ${e.priorWeight.toFixed(1)}; ${e.fields.filter((f) => f.level !== 0).map((f) => `${f.comparison} ${(f.weight + f.termFrequencyAdjustment).toFixed(1)}`).join(", ")}`)
      }
    }
console.log(Object.fromEntries(kinds), { auto: autoW.toFixed(2), review: reviewW.toFixed(2) })
for (const [group, m] of causes) {
  console.log(`\n${group}:`)
  for (const [what, n] of [...m].sort((x, y) => y[1] - x[1]).slice(0, 25)) console.log(`  ${Math.round(n)}\t${what}`)
}

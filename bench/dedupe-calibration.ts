/**
 * Is the citizen model's match probability what it says? Per band of match weight (log2
 * odds), the model's mean probability against the share of the pairs that are one person:
 * - by the ground truth of the generated population, over every kept candidate pair;
 * - without labels: over the pairs whose two records both hold a valid CCCD, scored without the
 *   comparisons that read an ID number (cccd, cmnd, cccd_birth_year), where "one person" is
 *   "the same CCCD, or one typo apart". A check a real input can run on itself.
 * Also how many pairs of each band end up in one person after the guards (merged / of them
 * true), which is what the precision of the auto-merged set is made of.
 *   node bench/dedupe-calibration.ts [persons=20000] [seed=7] [--cli-columns]
 */
import type { CitizenRecord } from "../dedupe/citizen-record.ts"
import { idDifference } from "../dedupe/citizen-comparisons.ts"
import { buildCitizenTable, CCCD_WIDTH } from "../dedupe/citizen-table.ts"
import { citizenSettings } from "../dedupe/citizen-settings.ts"
import { explainPair } from "../dedupe/match-explanation.ts"
import { linkAndCluster } from "../dedupe/record-linkage.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const persons = Number(args[0] ?? 20000)
const seed = Number(args[1] ?? 7)
const pop = generatePopulation({ persons, seed })
const asCliRecord = ({ communeCode: _c, phone: _p, updatedAt: _u, ...r }: CitizenRecord): CitizenRecord => r
const records = process.argv.includes("--cli-columns") ? pop.records.map(asCliRecord) : pop.records
const t = buildCitizenTable(records)
const settings = citizenSettings()
// The review cap off (it only moves the review band's lower edge); every candidate pair kept, so that
// pairs whose ID numbers differ are not dropped before their weight without the IDs is looked at.
const res = linkAndCluster(t, t.size, settings, { maxReviewShare: 1, linkage: { keepProbability: 1e-6 } })
const pairs = res.run.pairs
const cluster = res.clustering.cluster
const ID_COMPARISONS = new Set(["cccd", "cmnd", "cccd_birth_year"])
const probability = (w: number) => 1 / (1 + Math.pow(2, -w))
const band = (w: number) => Math.max(-7, Math.min(Math.floor(w), 22))
interface Band { pairs: number; sumP: number; same: number; merged: number; mergedSame: number; idPairs: number; idSumP: number; idSame: number }
const bands = new Map<number, Band>()
const at = (b: number) => bands.get(b) ?? bands.set(b, { pairs: 0, sumP: 0, same: 0, merged: 0, mergedSame: 0, idPairs: 0, idSumP: 0, idSame: 0 }).get(b)!
for (let k = 0; k < pairs.count; k++) {
  const a = pairs.a[k]!
  const b = pairs.b[k]!
  const w = pairs.weight[k]!
  const same = pop.personIds[a] === pop.personIds[b]
  const x = at(band(w))
  x.pairs++
  x.sumP += probability(w)
  if (same) x.same++
  if (cluster[a] === cluster[b]) {
    x.merged++
    if (same) x.mergedSame++
  }
  if (t.cccdValid[a] !== 1 || t.cccdValid[b] !== 1) continue
  const e = explainPair(t, t.size, settings, res.run.model, res.run.priorLog2Odds, a, b)
  if (e.excludedBy !== undefined) continue
  let wNoId = e.matchWeight
  for (const f of e.fields) if (ID_COMPARISONS.has(f.comparison)) wNoId -= f.weight + f.termFrequencyAdjustment
  const y = at(band(wNoId))
  y.idPairs++
  y.idSumP += probability(wNoId)
  if (idDifference(t.cccd[a]!, t.cccd[b]!, CCCD_WIDTH) < 3) y.idSame++
}
const f = (x: number, n: number) => (n > 0 ? (x / n).toFixed(4) : "-")
console.log(`${records.length} records, auto-merge weight ${res.thresholds.autoMergeWeight.toFixed(2)}, prior ${res.run.priorLog2Odds.toFixed(2)} bits`)
console.log("weight\tpairs\tmodel p\ttrue share\tmerged\tmerged true\t| valid-CCCD pairs, IDs not compared: pairs\tmodel p\tsame-CCCD share")
for (const [b, x] of [...bands].sort((p, q) => p[0] - q[0]))
  console.log(`${b === -7 ? "<-6" : b === 22 ? ">=22" : `${b}..${b + 1}`}\t${x.pairs}\t${f(x.sumP, x.pairs)}\t${f(x.same, x.pairs)}\t${x.merged}\t${x.mergedSame}\t| ${x.idPairs}\t${f(x.idSumP, x.idPairs)}\t${f(x.idSame, x.idPairs)}`)

/**
 * The set-level auto-merge threshold (dedupe/merged-set-precision.ts) against the ground truth
 * of a generated population. For each auto-merge weight from the per-pair one down (steps of
 * STEP_BITS): the label-free estimate of the merged set's precision and its lower bound, the
 * true precision and recall of the persons clustered at that threshold, the share of records
 * in review; and, per band of weight, the calibration (shadow joins by two CCCD records, right
 * by their CCCDs and by the truth) against the true share of right joins the real run makes
 * there without a label on both sides. Marks the threshold the method chooses.
 *   node bench/dedupe-set-threshold.ts [persons=20000] [seed=7] [--cli-columns] [--bands] [--to=<weight>] [--step=<bits>]
 */
import type { CitizenRecord } from "../dedupe/citizen-record.ts"
import { buildCitizenTable, type CitizenTable } from "../dedupe/citizen-table.ts"
import { citizenSettings } from "../dedupe/citizen-settings.ts"
import { runLinkage } from "../dedupe/linkage-engine.ts"
import { calibrationAt, chooseSetLevelThreshold, estimateAt, shadowView, STEP_BITS } from "../dedupe/merged-set-precision.ts"
import { fitReviewCapacity } from "../dedupe/match-thresholds.ts"
import { setThresholdContext } from "../dedupe/record-linkage.ts"
import { generatePopulation } from "../dedupe/synthetic-population.ts"

const args = process.argv.slice(2).filter((a) => !a.startsWith("--"))
const persons = Number(args[0] ?? 20000)
const seed = Number(args[1] ?? 7)
const showBands = process.argv.includes("--bands")
const to = Number(process.argv.find((a) => a.startsWith("--to="))?.slice(5) ?? 3)
const pop = generatePopulation({ persons, seed })
const asCliRecord = ({ communeCode: _c, phone: _p, updatedAt: _u, ...r }: CitizenRecord): CitizenRecord => r
const records = process.argv.includes("--cli-columns") ? pop.records.map(asCliRecord) : pop.records
const t: CitizenTable = buildCitizenTable(records)
const settings = citizenSettings()
const run = runLinkage(t, t.size, settings)
const ctx = setThresholdContext(t, t.size, settings, run)
const sample = settings.precisionSample!
const shadow = shadowView(ctx, sample)
const person = pop.personIds
const perPerson = new Map<string, number>()
for (const p of person) perPerson.set(p, (perPerson.get(p) ?? 0) + 1)
let truePairs = 0
for (const k of perPerson.values()) truePairs += (k * (k - 1)) / 2

const c0 = performance.now()
const chosen = chooseSetLevelThreshold(ctx)
const chooseMs = performance.now() - c0
console.log(
  `${t.size} records, per-pair auto weight ${ctx.perPair.autoMergeWeight.toFixed(2)}, chosen ${chosen.thresholds.mergedSet!.autoMergeWeight.toFixed(2)} (p ${ctx.perPair.autoMergeProbability} -> ${chosen.thresholds.autoMergeProbability.toFixed(4)}), search ${(chooseMs / 1000).toFixed(1)} s, steps tried ${chosen.thresholds.mergedSet!.steps.map((x) => `${x.autoMergeWeight.toFixed(2)}: ${x.lowerBound.toFixed(5)}`).join(", ")}`
)
console.log("weight\tp\testimate\tlower\ttrue prec\trecall\treview %\tfalse pairs\tsample joins")
const band = (w: number) => Math.max(-8, Math.min(22, Math.floor(w)))
const step = Number(process.argv.find((a) => a.startsWith("--step="))?.slice(7) ?? STEP_BITS)
const grid: number[] = []
for (let w = ctx.perPair.autoMergeWeight; w >= to - 1e-9; w -= step) grid.push(w)
const chosenW = chosen.thresholds.autoMergeWeight
if (!grid.some((w) => Math.abs(w - chosenW) < 1e-9)) grid.push(chosenW)
grid.sort((x, y) => y - x)
for (const w of grid) {
  const thresholds = w === ctx.perPair.autoMergeWeight ? ctx.perPair : ctx.thresholdsAt(w)
  const cal = calibrationAt(ctx, sample, shadow, thresholds)
  const est = estimateAt(ctx, cal, thresholds)
  const { cluster } = est.clustering
  const members = new Map<number, number[]>()
  for (let i = 0; i < t.size; i++) (members.get(cluster[i]!) ?? members.set(cluster[i]!, []).get(cluster[i]!)!).push(i)
  let tp = 0
  let fp = 0
  for (const l of members.values()) for (let x = 0; x < l.length; x++) for (let y = x + 1; y < l.length; y++) person[l[x]!] === person[l[y]!] ? tp++ : fp++
  const inReview = new Set<number>()
  for (const r of fitReviewCapacity(est.clustering.reviewPairs, thresholds, ctx.capacity).pairs) inReview.add(r.a).add(r.b)
  const mark = Math.abs(w - chosenW) < 1e-9 ? "  <- chosen" : ""
  console.log(
    `${w.toFixed(2)}\t${thresholds.autoMergeProbability.toFixed(4)}\t${est.precision.toFixed(5)}\t${est.lowerBound.toFixed(5)}\t${(tp / (tp + fp)).toFixed(5)}\t${(tp / truePairs).toFixed(5)}\t${((100 * inReview.size) / t.size).toFixed(2)}\t${fp}\t${cal.joins}${mark}`
  )
  if (process.argv.includes("--proposed")) {
    // Of the shadow's joins by two CCCD holders: how many no blocking rule that does not read an
    // ID number would have proposed (pairs a record without a CCCD could not have).
    const hidden = new Set(sample.hidden)
    const rules = settings.blockingRules.filter((r) => !r.deactivates.some((c) => hidden.has(c)))
    const positions = rules.map((r) => {
      if (r.kind !== "sorted-neighbourhood") return undefined
      const pos = new Int32Array(t.size).fill(-1e9)
      r.order(t).forEach((i, k) => (pos[i] = k))
      return pos
    })
    const proposed = (a: number, b: number) =>
      rules.some((r, k) => (r.kind === "key" ? r.key(t, a) === r.key(t, b) : Math.abs(positions[k]![a]! - positions[k]![b]!) < r.window))
    let joins = 0
    let only = 0
    let onlyRight = 0
    ctx.cluster(thresholds, {
      ...shadow,
      onJoin: (p) => {
        const a = run.pairs.a[p]!
        const b = run.pairs.b[p]!
        if (!sample.holds(t, a) || !sample.holds(t, b)) return
        joins++
        if (proposed(a, b)) return
        only++
        if (sample.same(t, a, b)) onlyRight++
      }
    })
    console.log(`  shadow joins ${joins}, proposed only by ID rules ${only} (right by CCCD ${onlyRight})`)
  }
  if (!showBands) continue
  // Per band: shadow draws (right by CCCD / right by truth) and the real run's unchecked joins (pairs made, of them true).
  const shadowStats = new Map<number, [number, number, number]>()
  ctx.cluster(thresholds, {
    ...shadow,
    onJoin: (p) => {
      const a = run.pairs.a[p]!
      const b = run.pairs.b[p]!
      if (!sample.holds(t, a) || !sample.holds(t, b)) return
      const s = shadowStats.get(band(shadow.weights[p]!)) ?? shadowStats.set(band(shadow.weights[p]!), [0, 0, 0]).get(band(shadow.weights[p]!))!
      s[0]++
      if (sample.same(t, a, b)) s[1]++
      if (person[a] === person[b]) s[2]++
    }
  })
  const realStats = new Map<number, [number, number, number]>()
  ctx.cluster(thresholds, {
    ...ctx.asRun,
    onJoin: (p, x, y, both) => {
      if (both) return
      const a = run.pairs.a[p]!
      const b = run.pairs.b[p]!
      const k = band(run.pairs.weight[p]!)
      const s = realStats.get(k) ?? realStats.set(k, [0, 0, 0]).get(k)!
      s[0]++
      s[1] += x * y
      if (person[a] === person[b]) s[2]++
    }
  })
  const keys = [...new Set([...shadowStats.keys(), ...realStats.keys()])].sort((p, q) => p - q)
  console.log("  band\tshadow joins\tright by CCCD\tright (truth)\t| real unchecked joins\tpairs made\tright (truth)")
  for (const k of keys) {
    const s = shadowStats.get(k) ?? [0, 0, 0]
    const r = realStats.get(k) ?? [0, 0, 0]
    const f = (x: number, n: number) => (n > 0 ? (x / n).toFixed(4) : "-")
    console.log(`  ${k}\t${s[0]}\t${f(s[1], s[0])}\t${f(s[2], s[0])}\t| ${r[0]}\t${r[1]}\t${f(r[2], r[0])}`)
  }
}

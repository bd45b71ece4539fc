/**
 * Why two records scored what they scored: one line per comparison with the level reached, its
 * m and u, the weight it added and the term-frequency adjustment. The sum of the weights plus the
 * prior is the match weight.
 */
import type { FellegiSunterModel } from "./fellegi-sunter.ts"
import { probabilityOf } from "./linkage-engine.ts"
import { EXCLUDED_WEIGHT, type LinkageSettings } from "./linkage-settings.ts"
import { termFrequencyShare } from "./u-priors.ts"

export interface FieldContribution {
  readonly comparison: string
  /** 0 = a value is missing on either side (contributes nothing). */
  readonly level: number
  readonly label: string
  readonly m?: number
  readonly u?: number
  readonly weight: number
  readonly termFrequencyAdjustment: number
}

export interface PairExplanation {
  readonly a: number
  readonly b: number
  readonly priorWeight: number
  readonly matchWeight: number
  readonly probability: number
  readonly fields: readonly FieldContribution[]
  /** Name of the exclusion rule that declared the pair distinct, if any. */
  readonly excludedBy?: string
}

export function explainPair<T>(
  table: T,
  size: number,
  settings: LinkageSettings<T>,
  model: FellegiSunterModel,
  priorWeight: number,
  a: number,
  b: number
): PairExplanation {
  const tfFloor = 1 / Math.max(2, 2 * size)
  const tfShare = termFrequencyShare(size, settings.priorU?.termFrequencyRecords ?? 0)
  let total = priorWeight
  const fields = settings.comparisons.map((cmp, c): FieldContribution => {
    const level = cmp.compare(table, a, b)
    if (level === 0) return { comparison: cmp.name, level, label: "missing on one side", weight: 0, termFrequencyAdjustment: 0 }
    const p = model.comparisons[c]!.levels[level - 1]!
    let tfAdj = 0
    if (p.termFrequency && cmp.termFrequency !== undefined)
      tfAdj = tfShare * Math.log2(p.termFrequencyU / Math.max(cmp.termFrequency(table, a, b), tfFloor))
    total += p.weight + tfAdj
    return { comparison: cmp.name, level, label: p.label, m: p.m, u: p.u, weight: p.weight, termFrequencyAdjustment: tfAdj }
  })
  const levelOf = (name: string) => fields.find((f) => f.comparison === name)?.level
  const excluded = (settings.exclusions ?? []).find(
    (r) => levelOf(r.comparison) === r.level && !(r.unlessExact ?? []).some((name) => levelOf(name) === 1)
  )
  if (excluded !== undefined) {
    const w = priorWeight + EXCLUDED_WEIGHT
    return { a, b, priorWeight, matchWeight: w, probability: probabilityOf(w), fields, excludedBy: excluded.name }
  }
  return { a, b, priorWeight, matchWeight: total, probability: probabilityOf(total), fields }
}

/** Plain-text rendering for the CLI and logs. */
export function formatExplanation(e: PairExplanation, nameOf: (i: number) => string): string {
  const lines = [
    `${nameOf(e.a)} <-> ${nameOf(e.b)}: match weight ${e.matchWeight.toFixed(2)}, probability ${e.probability.toFixed(6)}` +
      (e.excludedBy !== undefined ? ` — distinct by rule: ${e.excludedBy}` : ""),
    `  ${"prior".padEnd(14)} ${"".padEnd(58)} ${e.priorWeight.toFixed(2).padStart(7)}`
  ]
  for (const f of e.fields) {
    const mu = f.m !== undefined ? `m=${f.m.toFixed(4)} u=${f.u!.toExponential(2)}` : ""
    const tf = f.termFrequencyAdjustment !== 0 ? ` (tf ${f.termFrequencyAdjustment >= 0 ? "+" : ""}${f.termFrequencyAdjustment.toFixed(2)})` : ""
    lines.push(`  ${f.comparison.padEnd(14)} ${f.label.slice(0, 58).padEnd(58)} ${(f.weight + f.termFrequencyAdjustment).toFixed(2).padStart(7)}  ${mu}${tf}`)
  }
  return lines.join("\n")
}

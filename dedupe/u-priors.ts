/**
 * Prior knowledge of u (how often a comparison level occurs between two different people) for
 * inputs too small to measure it, and how it is blended with what the input shows.
 *
 * u is counted on random pairs of the input. A few hundred records give a few thousand pairs,
 * four records six: the pairs that carry a CCCD on both sides may be a single one, and if those
 * two records are the same person u(cccd exact) comes out as 0.5, so the strongest evidence
 * there is counts for almost nothing. Here each comparison's u is the posterior mean of a
 * Dirichlet prior worth `pairs` random pairs, centred on reference values for the population
 * the settings describe, updated with the input's level counts:
 *
 *   u_l = (count_l + pseudo_l + pairs · u0_l) / (total + Σ pseudo + pairs)
 *
 * The prior is a fixed number of pairs while the input's random pairs grow with the square of
 * its size (400,000 are drawn at scale), so it decides for a handful of records, shares the say
 * at a few hundred and is gone at tens of thousands.
 *
 * Term-frequency adjustments are shrunk the same way: a value's frequency in a small input
 * (Nguyễn 3 of 4 records, because one person holds three of them) says little about its
 * frequency among people, so the adjustment is pulled towards none with a prior worth
 * `termFrequencyRecords` records.
 */
import type { Comparison } from "./linkage-settings.ts"

export interface UPrior {
  /** Reference u per comparison, levels 1..L (index 0 is level 1); comparisons left out get no prior. */
  readonly u: Readonly<Record<string, readonly number[]>>
  /** Weight of the reference u, in random pairs. */
  readonly pairs: number
  /** Weight, in records, of "no term-frequency adjustment" against a value's frequency in the input (0: none). */
  readonly termFrequencyRecords?: number
}

/**
 * Pseudo-counts the prior adds to each level of each comparison (index = level, 0 unused), or
 * undefined for a comparison without a usable prior. A prior whose level count does not match
 * the comparison's (the levels were changed and the prior was not) is not used rather than
 * applied to the wrong levels.
 */
export function uPriorCounts<T>(comparisons: readonly Comparison<T>[], prior: UPrior | undefined): (Float64Array | undefined)[] {
  return comparisons.map((cmp) => {
    const u0 = prior?.u[cmp.name]
    if (prior === undefined || u0 === undefined || u0.length !== cmp.levels.length || !(prior.pairs > 0)) return undefined
    let sum = 0
    for (const x of u0) sum += x
    const out = new Float64Array(u0.length + 1)
    u0.forEach((x, i) => (out[i + 1] = (prior.pairs * x) / sum))
    return out
  })
}

/**
 * How much of a term-frequency adjustment counts on an input of `records` records: a value's
 * frequency there is an estimate of its frequency among people worth `records` observations,
 * and "no adjustment" (the value as common as an average agreeing one) one worth
 * `priorRecords`. Blended on the log scale, where the adjustment lives: blending the
 * frequencies instead would let a prior of a few records swamp a rare name's single
 * occurrence in a million.
 */
export function termFrequencyShare(records: number, priorRecords: number): number {
  return priorRecords > 0 ? records / (records + priorRecords) : 1
}

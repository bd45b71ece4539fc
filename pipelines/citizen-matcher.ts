/**
 * The citizen matcher the dedupe stage uses by default: probabilistic record linkage
 * (Fellegi–Sunter with EM per blocking rule, see dedupe/), with reviewers' decisions overriding
 * the model, and its golden records as the masters.
 */
import { deduplicate, ModelCollapsed } from "../dedupe/deduplicate.ts"
import type { CitizenRecord } from "../dedupe/citizen-record.ts"
import type { CitizenForMatching, CitizenMatcher } from "./deduplicate-citizens.ts"

const toCitizenRecord = (r: CitizenForMatching): CitizenRecord => ({
  recordId: r.id,
  source: r.source,
  cccd: r.cccd ?? undefined,
  cmnd: r.cmnd ?? undefined,
  fullName: r.fullName,
  birthDate: r.birthDate ?? undefined,
  gender: r.gender === "M" || r.gender === "F" ? r.gender : undefined,
  hometownCode: r.hometownCode ?? undefined,
  address: r.address ?? undefined,
  communeCode: r.newCommuneCode ?? undefined,
  fatherName: r.fatherName ?? undefined,
  motherName: r.motherName ?? undefined,
  phone: r.phone ?? undefined
})

export const probabilisticMatcher = (options: { readonly targetPrecision?: number } = {}): CitizenMatcher => (records, decisions) => {
  const result = deduplicate(records.map(toCitizenRecord), {
    decisions,
    ...(options.targetPrecision === undefined ? {} : { targetPrecision: options.targetPrecision })
  })
  return {
    assignments: result.assignments.map((a) => ({ recordId: a.recordId, clusterKey: a.masterId, status: a.status, score: a.score })),
    masters: new Map(result.masters.map((m) => [m.masterId, {
      fullName: m.fullName ?? null,
      birthDate: m.birthDate ?? null,
      gender: m.gender ?? null,
      cccd: m.cccd ?? null,
      cmnd: m.cmnd ?? null,
      phone: m.phone ?? null,
      newCommuneCode: m.communeCode ?? null
    }])),
    reviewPairs: result.reviewPairs.map((p) => ({
      recordIdA: p.recordIdA,
      recordIdB: p.recordIdB,
      score: p.score,
      clusterKey: p.masterIdA,
      breakdown: p.fields.map((f) => ({ field: f.comparison, level: f.label, weight: Number((f.weight + f.termFrequencyAdjustment).toFixed(3)) }))
    })),
    summary: {
      method: "fellegi-sunter",
      candidatePairs: result.candidatePairs,
      ruleCounts: result.ruleCounts,
      thresholds: result.thresholds,
      stats: result.stats
    }
  }
}

/**
 * The conservative matcher: records sharing a normalised CCCD are one person, nothing else
 * merges. Used when the probabilistic model is refused (too little or degenerate data), so a
 * night's migration still completes, with the reason recorded in the dedupe stage summary.
 */
export const exactCccdMatcher: CitizenMatcher = (records) => {
  const keyOf = (r: CitizenForMatching) => (r.cccd !== null && r.cccd !== "" ? `cccd:${r.cccd}` : `record:${r.id}`)
  const size = new Map<string, number>()
  for (const r of records) size.set(keyOf(r), (size.get(keyOf(r)) ?? 0) + 1)
  return {
    assignments: records.map((r) => {
      const clusterKey = keyOf(r)
      const shared = (size.get(clusterKey) ?? 1) > 1
      return { recordId: r.id, clusterKey, status: shared ? "merged" as const : "unique" as const, score: shared ? 1 : 0 }
    }),
    reviewPairs: [],
    summary: { method: "exact-cccd" }
  }
}

/** The probabilistic matcher, falling back to exact CCCD (and saying why) when its model is refused. */
export const defaultCitizenMatcher = (options: { readonly targetPrecision?: number } = {}): CitizenMatcher => {
  const probabilistic = probabilisticMatcher(options)
  return (records, decisions) => {
    try {
      return probabilistic(records, decisions)
    } catch (error) {
      if (!(error instanceof ModelCollapsed)) throw error
      const fallback = exactCccdMatcher(records, decisions)
      return { ...fallback, summary: { method: "exact-cccd", modelRefused: error.message } }
    }
  }
}

/**
 * Reviewer decisions (quyết định của người rà soát) on pairs of records: where they are kept and
 * how they override the model. A decision is keyed by the unordered pair of record ids; when a
 * pair was decided twice the later decision wins.
 */
import { readFileSync, writeFileSync, existsSync } from "node:fs"
import { parse } from "csv-parse/sync"
import { stringify } from "csv-stringify/sync"
import type { ReviewDecision } from "./citizen-record.ts"

/** Where decisions live between runs. The pipeline backs it with its ledger; the CLI with a CSV file. */
export interface ReviewDecisionStore {
  load(): readonly ReviewDecision[]
  /** Adds decisions (keeps the old ones; the latest per pair wins when read back). */
  append(decisions: readonly ReviewDecision[]): void
}

export class ReviewDecisionError extends Error {
  override readonly name = "ReviewDecisionError"
}

export const DECISION_COLUMNS = ["record_id_a", "record_id_b", "decision", "decided_by", "decided_at"] as const

/** The unordered pair key. */
export const pairKey = (a: string, b: string): string => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`)

/** One decision per pair: the latest by decidedAt (then the later in the list). */
export function latestDecisions(decisions: readonly ReviewDecision[]): Map<string, ReviewDecision> {
  const out = new Map<string, ReviewDecision>()
  for (const d of decisions) {
    if (d.recordIdA === d.recordIdB) continue
    const k = pairKey(d.recordIdA, d.recordIdB)
    const cur = out.get(k)
    if (cur === undefined || d.decidedAt >= cur.decidedAt) out.set(k, d)
  }
  return out
}

/** Parses decision CSV text; throws ReviewDecisionError naming the bad line. */
export function parseDecisionsCsv(text: string): ReviewDecision[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[]
  return rows.map((r, k) => {
    const line = k + 2
    const a = r["record_id_a"] ?? ""
    const b = r["record_id_b"] ?? ""
    const decision = (r["decision"] ?? "").toLowerCase()
    if (a === "" || b === "") throw new ReviewDecisionError(`decisions line ${line}: record_id_a and record_id_b are required`)
    if (decision !== "merge" && decision !== "keep_apart")
      throw new ReviewDecisionError(`decisions line ${line}: decision must be "merge" or "keep_apart", got ${JSON.stringify(r["decision"] ?? "")}`)
    return { recordIdA: a, recordIdB: b, decision, decidedBy: r["decided_by"] ?? "", decidedAt: r["decided_at"] ?? "" }
  })
}

export function formatDecisionsCsv(decisions: readonly ReviewDecision[]): string {
  return stringify(
    decisions.map((d) => [d.recordIdA, d.recordIdB, d.decision, d.decidedBy, d.decidedAt]),
    { header: true, columns: [...DECISION_COLUMNS] }
  )
}

/** A decision store in one CSV file (created on first append). */
export function csvDecisionStore(path: string): ReviewDecisionStore {
  return {
    load: () => (existsSync(path) ? parseDecisionsCsv(readFileSync(path, "utf8")) : []),
    append: (decisions) => {
      const all = [...(existsSync(path) ? parseDecisionsCsv(readFileSync(path, "utf8")) : []), ...decisions]
      writeFileSync(path, formatDecisionsCsv(all))
    }
  }
}

/** An in-memory store (tests, and the pipeline before it persists). */
export function memoryDecisionStore(initial: readonly ReviewDecision[] = []): ReviewDecisionStore {
  const all = [...initial]
  return { load: () => all, append: (d) => void all.push(...d) }
}

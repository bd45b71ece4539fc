/**
 * `provmerge dedupe --input <csv> --output <csv>`: citizen deduplication on its own, outside a
 * migration. Writes the crosswalk (record_id, master_id, status, score); optionally the review
 * pairs, the golden records and the trained model; `--explain <record_id>` prints why that
 * record was (or was not) matched.
 */
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import {
  CitizenCsvError,
  formatReviewPairsCsv,
  parseCitizenCsvInto,
  readCitizenCsvText,
  writeAssignmentsCsv,
  writeMastersCsv,
  writeText
} from "../../dedupe/citizen-csv.ts"
import { citizenTableBuilder } from "../../dedupe/citizen-table.ts"
import { deduplicateTable, ModelCollapsed } from "../../dedupe/deduplicate.ts"
import { formatExplanation } from "../../dedupe/match-explanation.ts"
import type { MatchThresholds } from "../../dedupe/match-thresholds.ts"
import { csvDecisionStore, ReviewDecisionError } from "../../dedupe/review-decisions.ts"
import { CommandFailed } from "../exit-status.ts"
import { optionValue } from "../shared-flags.ts"

const fail = (reason: string, exitCode = 1) => new CommandFailed({ reason, exitCode })

export const dedupeCommand = Command.make(
  "dedupe",
  {
    input: Flag.String("input").pipe(Flag.withDescription("Citizen records CSV: record_id,source,cccd,cmnd,full_name,birth_date,gender,hometown_code,address,father_name,mother_name")),
    output: Flag.String("output").pipe(Flag.withDescription("Crosswalk CSV to write: record_id,master_id,status,score")),
    explain: Flag.String("explain").pipe(Flag.withDescription("Print why this record matched (or did not) each of its candidates"), Flag.optional),
    review: Flag.String("review").pipe(Flag.withDescription("Also write the review pairs with the per-field breakdown to this CSV"), Flag.optional),
    masters: Flag.String("masters").pipe(Flag.withDescription("Also write the golden records to this CSV"), Flag.optional),
    model: Flag.String("model").pipe(Flag.withDescription("Also write the trained model, thresholds and candidate counts (JSON)"), Flag.optional),
    decisions: Flag.String("decisions").pipe(
      Flag.withDescription("Reviewer decisions CSV (record_id_a,record_id_b,decision,decided_by,decided_at); they override the model"),
      Flag.optional
    ),
    targetPrecision: Flag.Finite("target-precision").pipe(Flag.withDescription("Target precision of automatic merges"), Flag.withDefault(0.995)),
    maxReviewShare: Flag.Finite("max-review-share").pipe(
      Flag.withDescription("Reviewer capacity: at most this share of the records in the review band (1 = no cap)"),
      Flag.withDefault(0.02)
    )
  },
  (flags) =>
    Effect.gen(function*() {
      if (!(flags.targetPrecision > 0.5 && flags.targetPrecision < 1))
        return yield* Effect.fail(fail("--target-precision must be between 0.5 and 1 (exclusive)", 2))
      if (!(flags.maxReviewShare > 0 && flags.maxReviewShare <= 1))
        return yield* Effect.fail(fail("--max-review-share must be in (0, 1]", 2))
      const explainId = optionValue(flags.explain)
      const decisionsPath = optionValue(flags.decisions)
      const result = yield* Effect.try({
        try: () => {
          // Rows go straight into the column table: no array of record objects.
          const t0 = performance.now()
          const builder = citizenTableBuilder()
          const { unreadable } = parseCitizenCsvInto(readCitizenCsvText(flags.input), builder)
          const table = builder.finish()
          const prepareMs = performance.now() - t0
          const decisions = decisionsPath !== undefined ? csvDecisionStore(decisionsPath).load() : []
          const res = deduplicateTable(table, {
            decisions,
            targetPrecision: flags.targetPrecision,
            maxReviewShare: flags.maxReviewShare,
            ...(explainId !== undefined ? { explain: [explainId] } : {})
          }, prepareMs)
          return { res, unreadable, known: explainId === undefined || res.assignments.some((a) => a.recordId === explainId) }
        },
        catch: (e) =>
          e instanceof ModelCollapsed || e instanceof CitizenCsvError || e instanceof ReviewDecisionError
            ? fail(e.message)
            : fail(`deduplication failed: ${e instanceof Error ? e.message : String(e)}`)
      })
      const { res } = result
      yield* Effect.try({
        try: () => {
          writeAssignmentsCsv(flags.output, res)
          const review = optionValue(flags.review)
          if (review !== undefined) writeText(review, formatReviewPairsCsv(res))
          const masters = optionValue(flags.masters)
          if (masters !== undefined) writeMastersCsv(masters, res)
          const model = optionValue(flags.model)
          if (model !== undefined)
            writeText(model, JSON.stringify({ model: res.model, thresholds: res.thresholds, candidatePairs: res.ruleCounts, stats: res.stats }, null, 2))
        },
        catch: (e) => fail(`cannot write output: ${(e as Error).message}`)
      })
      const s = res.stats
      const lines = [
        `${s.records} records -> ${s.persons} persons: ${s.mergedRecords} merged, ${s.reviewRecords} to review (${s.reviewPairs} pairs), ` +
          `${s.records - s.mergedRecords - s.reviewRecords} unique.`,
        `Candidate pairs ${res.candidatePairs}: ` + res.ruleCounts.map((r) => `${r.rule} ${r.newPairs}`).join(", ") + ".",
        `Auto-merge at probability >= ${res.thresholds.autoMergeProbability.toFixed(4)} (${thresholdNote(res.thresholds)}), ` +
          `review from ${res.thresholds.reviewProbability.toFixed(4)}${res.thresholds.reviewCapped ? " (raised to fit --max-review-share)" : ""}.`
      ]
      for (const [column, n] of Object.entries(result.unreadable)) lines.push(`${n} unreadable ${column} value(s) treated as missing.`)
      if (explainId !== undefined) {
        if (!result.known) lines.push(`No record ${JSON.stringify(explainId)} in the input.`)
        else if (res.explanations.length === 0) lines.push(`${explainId}: no candidate pair scored above the floor; it is unique.`)
        else
          for (const e of res.explanations)
            lines.push(
              formatExplanation(
                { a: 0, b: 1, priorWeight: e.priorWeight, matchWeight: e.matchWeight, probability: e.probability, fields: e.fields },
                (i) => (i === 0 ? e.recordIdA : e.recordIdB)
              ) + `\n  -> ${e.band}${e.sameMaster ? ", same person" : ", different persons"}`
            )
      }
      yield* Effect.sync(() => process.stdout.write(lines.join("\n") + "\n"))
    })
).pipe(
  Command.withDescription(
    "Deduplicate citizen records (Fellegi-Sunter, trained without labels): one master per person, a crosswalk, and a review list"
  )
)

/** How the auto-merge threshold was set, for the summary line. */
function thresholdNote(t: MatchThresholds): string {
  const set = t.mergedSet
  if (set === undefined) return `per pair, at the target precision ${t.targetPrecision}`
  if (set.autoMergeWeight < set.perPairWeight)
    return `lowered from ${t.targetPrecision} per pair: the merged set's precision estimated from the records with a valid CCCD at ${set.precision.toFixed(4)}, at least ${set.lowerBound.toFixed(4)}`
  return `per pair, at the target precision ${t.targetPrecision}: too few records with a valid CCCD to show the merged set would stay above it with a lower one`
}

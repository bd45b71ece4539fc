/**
 * `provmerge diff <job.json> [--source S] [--table T] [--unit U] [--target dsn]`: compares source
 * and target per key range by count and checksum, bisects the ranges that differ and prints every
 * differing row (source key, column, source value, target value) and the rows missing on either
 * side. Exits 1 when anything differs.
 */
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import type { DiffReport, DiffRow, TableDiff } from "../../pipelines/diff-job.ts"
import { failWhen } from "../exit-status.ts"
import { pipelines } from "../lazy-pipelines.ts"
import { jobFileArgument, optionValue, targetFlag } from "../shared-flags.ts"

const MAX_SHOWN = 60

/** A value as it is compared: quoted text (so spaces and look-alikes show), NULL for none. */
const shown = (value: string | null): string => {
  if (value === null) return "NULL"
  const text = value.length > MAX_SHOWN ? `${value.slice(0, MAX_SHOWN)}…` : value
  return JSON.stringify(text)
}

const rowLines = (row: DiffRow): string[] => {
  switch (row.status) {
    case "changed":
      return row.columns.map((c) => `  ${row.sourceKey}  ${c.column}  source ${shown(c.source)}  target ${shown(c.target)}`)
    case "missing_in_target":
      return [row.rejectedAtLoad
        ? `  ${row.sourceKey}  not in the target: refused when loaded (see the Rejects sheet), not a difference`
        : `  ${row.sourceKey}  missing in the target (the source has it)`]
    case "missing_in_source":
      return [`  ${row.sourceKey}  missing in the source (the target has it)`]
  }
}

const tableHeading = (t: TableDiff): string => {
  const where = `${t.source}/${t.table} → ${t.targetTable}${t.unit === null ? "" : ` (old unit ${t.unit})`}`
  const sizes = `source ${t.sourceRows.toLocaleString("en-US")} rows, target ${t.targetRows.toLocaleString("en-US")} rows`
  if (t.sourceRows === 0 && t.targetRows === 0) return `${where}: no rows on either side`
  if (t.differences === 0 && t.rangesDiffering === 0) return `${where}: same (${sizes}, ${t.ranges} key range(s))`
  return `${where}: ${t.differences} row(s) differ in ${t.rangesDiffering} of ${t.ranges} key range(s) (${sizes})`
}

/** The report as printed: one heading per table, one line per differing column or missing row. */
export const formatDiffReport = (report: DiffReport): string => {
  const lines: string[] = []
  for (const t of report.tables) {
    lines.push(tableHeading(t))
    for (const row of t.rows) lines.push(...rowLines(row))
    if (t.truncated) lines.push(`  … more rows differ; narrow with --unit or raise --limit`)
  }
  lines.push(
    report.differences === 0
      ? `No differences: every compared table holds exactly what the source yields.`
      : `${report.differences} row(s) differ between source and target.`
  )
  return lines.join("\n") + "\n"
}

export const diffCommand = Command.make(
  "diff",
  {
    job: jobFileArgument,
    target: targetFlag,
    source: Flag.String("source").pipe(Flag.withDescription("Only this source (its name in the job file)"), Flag.optional),
    table: Flag.String("table").pipe(Flag.withDescription("Only this table: the vendor's table name or the target table name"), Flag.optional),
    unit: Flag.String("unit").pipe(Flag.withDescription("Only rows of this old unit code (as in the workbook's Summary)"), Flag.optional),
    limit: Flag.Int("limit").pipe(Flag.withDescription("List at most this many differing rows per table"), Flag.withDefault(1000)),
    json: Flag.Boolean("json").pipe(Flag.withDescription("Print the differences as JSON"), Flag.withDefault(false))
  },
  (flags) =>
    Effect.gen(function*() {
      const { loadJob } = yield* pipelines.jobConfig
      const { diffJob } = yield* pipelines.diffJob
      const job = yield* loadJob(flags.job, { target: optionValue(flags.target) })
      const report = yield* diffJob(job, {
        source: optionValue(flags.source),
        table: optionValue(flags.table),
        unit: optionValue(flags.unit),
        limit: flags.limit
      })
      yield* Effect.sync(() => process.stdout.write(flags.json ? JSON.stringify(report, null, 2) + "\n" : formatDiffReport(report)))
      yield* failWhen(report.differences > 0, `${report.differences} row(s) differ; see the list above`)
    })
).pipe(Command.withDescription(
  "Compare source and target per key range (count and checksum), narrow every mismatch to rows by bisecting the key range, " +
    "and print each differing row and column; exits 1 when anything differs"
))

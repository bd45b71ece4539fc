/**
 * `provmerge units remap`: old -> new unit codes for a CSV of references, for data teams and
 * for checking the crosswalk.
 *
 *   provmerge units remap --crosswalk <xlsx|csv|dir> --input in.csv --output out.csv [--hints hints.csv]
 *
 * Input columns: id, province_code, district_code, commune_code, address (old codes; any may be
 * empty; address is free text), optionally hamlet. Output columns: id, status, new_province_code,
 * new_commune_code, candidates, reason, where status is mapped | population_target | hint |
 * ambiguous | unknown, and candidates lists the possible new communes (|-separated) when ambiguous.
 * References that only fix the province (a district or province without a commune) come out as
 * ambiguous with the new province set. Catalog defects and a status count go to stderr.
 */
import { constants, createReadStream, createWriteStream } from "node:fs"
import { access } from "node:fs/promises"
import { once } from "node:events"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import type { CatalogDefect } from "../../mappings/admin-units/catalog-defects.ts"
import { loadUnitCatalog } from "../../mappings/admin-units/load-unit-catalog.ts"
import { type Hint, type HintProblem, loadHints } from "../../mappings/admin-units/unit-hints.ts"
import { createUnitResolver, type UnitResolution } from "../../mappings/admin-units/unit-resolver.ts"
import { CsvRecordReader, CsvSyntaxError } from "../../mappings/admin-units/csv-records.ts"
import { CommandFailed } from "../exit-status.ts"
import { optionValue } from "../shared-flags.ts"

export type RemapStatus = "mapped" | "population_target" | "hint" | "ambiguous" | "unknown"

export const REMAP_OUTPUT_COLUMNS = ["id", "status", "new_province_code", "new_commune_code", "candidates", "reason"] as const
const INPUT_COLUMNS = ["id", "province_code", "district_code", "commune_code", "address"] as const

export interface RemapOptions {
  /** Official workbook (.xlsx), its CSV export, or a directory of cleaned tables. */
  readonly crosswalk: string
  readonly input: string
  readonly output: string
  readonly hints?: string | undefined
  /** Old-unit registry (old_wards_2025-06-30.csv) to cross-check a workbook or raw CSV. */
  readonly registry?: string | undefined
}

export interface RemapSummary {
  readonly rows: number
  readonly byStatus: Readonly<Record<RemapStatus, number>>
  readonly defects: readonly CatalogDefect[]
  readonly hintProblems: readonly HintProblem[]
  readonly elapsedMs: number
}

/** The CLI's status for a resolution: district/province-only answers are review items (ambiguous). */
export const remapStatus = (r: UnitResolution): RemapStatus => (r.status === "province_only" ? "ambiguous" : r.status)

/** One output row for a resolution. Candidates are listed only when ambiguous. */
export function remapRow(id: string, r: UnitResolution): string[] {
  const status = remapStatus(r)
  return [id, status, r.newProvinceCode ?? "", r.newCommuneCode ?? "", status === "ambiguous" ? r.candidates.join("|") : "", r.reason ?? ""]
}

const needsQuotes = /[",\r\n]/
const csvField = (s: string): string => (needsQuotes.test(s) ? `"${s.replaceAll('"', '""')}"` : s)
const csvLine = (fields: readonly string[]): string => fields.map(csvField).join(",") + "\n"

/** The input CSV cannot be remapped (stable codes: remap_input_columns, remap_input_unreadable). */
export class RemapInputError extends Data.TaggedError("RemapInputError")<{
  readonly code: "remap_input_columns" | "remap_input_unreadable"
  readonly message: string
}> {}

/** Streams the input CSV through the resolver into the output CSV. */
export async function remapUnitsCsv(options: RemapOptions): Promise<RemapSummary> {
  const started = performance.now()
  // fail fast on an unreadable input, before the catalog is loaded
  await access(options.input, constants.R_OK).catch((e: Error) => {
    throw new RemapInputError({ code: "remap_input_unreadable", message: `Cannot read ${options.input}: ${e.message}` })
  })
  const { catalog, defects } = await loadUnitCatalog(options.crosswalk, options.registry !== undefined ? { oldUnitRegistry: options.registry } : {})
  let hints: Hint[] = []
  let hintProblems: HintProblem[] = []
  if (options.hints !== undefined) {
    const loaded = await loadHints(options.hints)
    hints = loaded.hints
    hintProblems = loaded.problems
  }
  const resolver = createUnitResolver(catalog, { hints })
  hintProblems = [...hintProblems, ...resolver.hintProblems]

  const input = createReadStream(options.input, { encoding: "utf8", highWaterMark: 1 << 20 })
  const out = createWriteStream(options.output)
  const outClosed = once(out, "close")
  let outError: unknown
  out.on("error", (e) => {
    outError ??= e
  })
  const byStatus: Record<RemapStatus, number> = { mapped: 0, population_target: 0, hint: 0, ambiguous: 0, unknown: 0 }
  let rows = 0
  let col: Record<string, number> | undefined
  const ref: { provinceCode?: string; districtCode?: string; communeCode?: string; address?: string; hamlet?: string } = {}
  const reader = new CsvRecordReader()
  const batch: string[][] = []
  const processBatch = async (): Promise<void> => {
    let text = ""
    for (const record of batch) {
      if (col === undefined) {
        const header = record.map((h) => h.trim().toLowerCase())
        const missing = INPUT_COLUMNS.filter((c) => !header.includes(c))
        if (missing.length > 0) {
          throw new RemapInputError({ code: "remap_input_columns", message: `${options.input} lacks column(s) ${missing.join(", ")} (expected ${INPUT_COLUMNS.join(",")})` })
        }
        col = Object.fromEntries(header.map((h, i) => [h, i]))
        continue
      }
      ref.provinceCode = record[col.province_code!]
      ref.districtCode = record[col.district_code!]
      ref.communeCode = record[col.commune_code!]
      ref.address = record[col.address!]
      ref.hamlet = col.hamlet === undefined ? undefined : record[col.hamlet]
      const r = resolver.resolve(ref)
      const row = remapRow(record[col.id!] ?? "", r)
      byStatus[row[1] as RemapStatus]++
      rows++
      text += csvLine(row)
    }
    batch.length = 0
    if (outError !== undefined) throw outError
    if (text.length > 0 && !out.write(text)) await once(out, "drain")
  }
  try {
    out.write(csvLine(REMAP_OUTPUT_COLUMNS))
    try {
      for await (const chunk of input as AsyncIterable<string>) {
        reader.push(chunk, batch)
        await processBatch()
      }
    } catch (e) {
      if (e instanceof RemapInputError) throw e
      if (e instanceof CsvSyntaxError) throw new RemapInputError({ code: "remap_input_unreadable", message: `${options.input}: ${e.message}` })
      if ((e as { code?: string }).code === "ENOENT" || (e as { code?: string }).code === "EISDIR" || (e as { code?: string }).code === "EACCES") {
        throw new RemapInputError({ code: "remap_input_unreadable", message: `Cannot read ${options.input}: ${(e as Error).message}` })
      }
      throw e
    }
    try {
      reader.end(batch)
    } catch (e) {
      throw new RemapInputError({ code: "remap_input_unreadable", message: `${options.input}: ${(e as Error).message}` })
    }
    await processBatch()
    if (col === undefined) throw new RemapInputError({ code: "remap_input_columns", message: `${options.input} is empty (expected a header ${INPUT_COLUMNS.join(",")})` })
  } finally {
    out.end()
    await outClosed
  }
  if (outError !== undefined) throw outError
  return { rows, byStatus, defects, hintProblems, elapsedMs: performance.now() - started }
}

/** A short human summary of a remap run (stderr of the CLI). */
export function formatRemapSummary(s: RemapSummary): string {
  const lines: string[] = []
  const serious = s.defects.filter((d) => d.severity !== "info")
  lines.push(`catalog: ${s.defects.length} defect kind(s) reported, ${serious.length} needing attention`)
  for (const d of serious) lines.push(`  [${d.severity}] ${d.code}: ${d.message} -> ${d.action}`)
  for (const p of s.hintProblems) lines.push(`  [hint] ${p.row !== undefined ? `row ${p.row}: ` : ""}${p.problem}`)
  lines.push(`${s.rows} references in ${(s.elapsedMs / 1000).toFixed(1)} s: ${Object.entries(s.byStatus).map(([k, v]) => `${k} ${v}`).join(", ")}`)
  return lines.join("\n") + "\n"
}

const remapCommand = Command.make(
  "remap",
  {
    crosswalk: Flag.String("crosswalk").pipe(
      Flag.withDescription("The unit crosswalk: the official workbook (.xlsx, sheet 'Tổng hợp_không merge'), its CSV export, or a directory of cleaned tables")
    ),
    input: Flag.String("input").pipe(Flag.withDescription("CSV with columns id,province_code,district_code,commune_code,address (old codes; any may be empty)")),
    output: Flag.String("output").pipe(Flag.withDescription("CSV to write: id,status,new_province_code,new_commune_code,candidates,reason")),
    hints: Flag.String("hints").pipe(
      Flag.withDescription("Optional CSV old_commune_code,place,new_commune_code that settles split communes by hamlet/village/street"),
      Flag.optional
    ),
    registry: Flag.String("registry").pipe(
      Flag.withDescription("Optional old-unit registry (old_wards_2025-06-30.csv) to cross-check the workbook's old codes and names"),
      Flag.optional
    )
  },
  (config) =>
    Effect.tryPromise({
      try: () =>
        remapUnitsCsv({
          crosswalk: config.crosswalk,
          input: config.input,
          output: config.output,
          hints: optionValue(config.hints),
          registry: optionValue(config.registry)
        }),
      catch: (e) => new CommandFailed({ reason: e instanceof Error ? e.message : String(e), exitCode: 1 })
    }).pipe(Effect.flatMap((summary) => Effect.sync(() => process.stderr.write(formatRemapSummary(summary)))))
).pipe(Command.withDescription("Remap old unit references (codes or names) in a CSV to the new communes, with a status on every row"))

/** `provmerge units …` (subcommands: remap). */
export const unitsCommand = Command.make("units").pipe(
  Command.withDescription("Administrative unit catalog: old (before 1 July 2025) -> new unit remapping"),
  Command.withSubcommands([remapCommand])
)

/**
 * COPY text-format lines for a target table's column texts (see target/tables): tab-separated,
 * `\N` for NULL, backslash, tab, newline and carriage return escaped. A NUL character (which
 * the decoders strip) is left as it is: PostgreSQL refuses that row, and the split-and-retry
 * path rejects it with LOAD_FAILED instead of loading something the checksum did not see. Built
 * with one string concatenation per value and no intermediate arrays: this runs once per row.
 *
 * "staging" lines carry every column as text (the upsert casts them); "target" lines go straight
 * into the target table, so a `text[]` column's comma-joined text becomes an array literal.
 */
import type { TargetColumn } from "../target/tables/target-table.ts"

/** One value escaped for COPY text format. */
export const copyValue = (value: string | null | undefined): string => {
  if (value === null || value === undefined) return "\\N"
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 92 || c === 9 || c === 10 || c === 13) return escapeFrom(value)
  }
  return value
}

const escapeFrom = (value: string): string =>
  value.replace(/[\\\t\n\r]/g, (ch) => (ch === "\\" ? "\\\\" : ch === "\t" ? "\\t" : ch === "\n" ? "\\n" : "\\r"))

/** A comma-joined list as a PostgreSQL array literal ({} for "", elements quoted). */
export const arrayLiteral = (csv: string): string => {
  if (csv === "") return "{}"
  let out = "{"
  let first = true
  for (const item of csv.split(",")) {
    if (!first) out += ","
    first = false
    out += `"${item.replace(/["\\]/g, (ch) => `\\${ch}`)}"`
  }
  return out + "}"
}

export const copyLineBuilder = (
  columns: readonly TargetColumn[],
  mode: "staging" | "target"
): ((values: ReadonlyArray<string | null>) => string) => {
  const arrays = mode === "target" ? columns.flatMap((c, i) => (c.kind === "text[]" ? [i] : [])) : []
  const n = columns.length
  if (arrays.length === 0) {
    return (values) => {
      let line = copyValue(values[0])
      for (let i = 1; i < n; i++) line += "\t" + copyValue(values[i])
      return line + "\n"
    }
  }
  const isArray = columns.map((c) => c.kind === "text[]")
  return (values) => {
    let line = ""
    for (let i = 0; i < n; i++) {
      if (i > 0) line += "\t"
      const v = values[i]
      line += copyValue(isArray[i] && v !== null && v !== undefined ? arrayLiteral(v) : v)
    }
    return line + "\n"
  }
}

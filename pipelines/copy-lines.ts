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

/**
 * COPY text-format lines written as UTF-8 straight into a byte buffer, value by value, with the
 * row hash of target/row-checksum.ts taken from the same bytes: the hash text is the values joined
 * by U+001F with NULL as `\N`, which is the line itself with tabs for separators whenever no value
 * needed escaping (nearly always). So a line is written with U+001F separators, hashed, and its
 * separators are then set to tabs; only a row with a value to escape (a backslash, tab, newline or
 * carriage return) is hashed from its texts as before. No line string, no hash text string, no
 * second UTF-8 encoding per row.
 *
 * Only for lines of tables without `text[]` columns (whose line text is an array literal, not the
 * hash text). The bytes are those of `copyLineBuilder(columns, "target")` encoded by Buffer.write
 * (a lone surrogate becomes U+FFFD), and the hash words those of the text form (tested).
 */
export class CopyRowWriter {
  private readonly separators: Int32Array
  /** After `write`: true when some value was escaped, so the line is not the hash text. */
  escaped = false
  /** After `write`: the offset of the line's newline. */
  lineEnd = 0

  constructor(columns: readonly TargetColumn[]) {
    if (columns.some((c) => c.kind === "text[]")) throw new Error("CopyRowWriter: a text[] column's COPY text is not its hash text")
    this.separators = new Int32Array(Math.max(columns.length - 1, 0))
  }

  /** The most bytes `write` can take for these values (3 per UTF-16 unit covers UTF-8 and escapes). */
  static bound(values: ReadonlyArray<string | null>): number {
    let n = values.length + 1
    for (let i = 0; i < values.length; i++) {
      const v = values[i]
      n += v === null || v === undefined ? 2 : v.length * 3
    }
    return n
  }

  /**
   * Writes one line (with its newline) at `at`, separators still U+001F; returns the end offset.
   * The caller hashes bytes `at`–`lineEnd` when `escaped` is false, then calls `tabs`.
   */
  write(values: ReadonlyArray<string | null>, buf: Uint8Array, at: number): number {
    let p = at
    let escaped = false
    const n = values.length
    for (let i = 0; i < n; i++) {
      if (i > 0) {
        this.separators[i - 1] = p
        buf[p++] = 0x1f
      }
      const v = values[i]
      if (v === null || v === undefined) {
        buf[p++] = 0x5c
        buf[p++] = 0x4e
        continue
      }
      const len = v.length
      for (let k = 0; k < len; k++) {
        let c = v.charCodeAt(k)
        if (c < 0x80) {
          if (c === 92 || c === 9 || c === 10 || c === 13) {
            escaped = true
            buf[p++] = 0x5c
            c = c === 92 ? 0x5c : c === 9 ? 0x74 : c === 10 ? 0x6e : 0x72
          }
          buf[p++] = c
        } else if (c < 0x800) {
          buf[p++] = 0xc0 | (c >> 6)
          buf[p++] = 0x80 | (c & 63)
        } else if (c < 0xd800 || c > 0xdfff) {
          buf[p++] = 0xe0 | (c >> 12)
          buf[p++] = 0x80 | ((c >> 6) & 63)
          buf[p++] = 0x80 | (c & 63)
        } else {
          const d = c <= 0xdbff && k + 1 < len ? v.charCodeAt(k + 1) : 0
          if (d >= 0xdc00 && d <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00)
            k++
            buf[p++] = 0xf0 | (cp >> 18)
            buf[p++] = 0x80 | ((cp >> 12) & 63)
            buf[p++] = 0x80 | ((cp >> 6) & 63)
            buf[p++] = 0x80 | (cp & 63)
          } else {
            // A lone surrogate: U+FFFD, as Buffer.write and the hash's own UTF-8 encoding make it.
            buf[p++] = 0xef
            buf[p++] = 0xbf
            buf[p++] = 0xbd
          }
        }
      }
    }
    this.escaped = escaped
    this.lineEnd = p
    buf[p++] = 0x0a
    return p
  }

  /** Sets the separators of the line just written to tabs. */
  tabs(buf: Uint8Array): void {
    const s = this.separators
    for (let i = 0; i < s.length; i++) buf[s[i]!] = 0x09
  }
}

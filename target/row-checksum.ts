/**
 * Order-independent checksums that come out the same in Node (over the rows a batch sends) and
 * in PostgreSQL (over the rows the target holds): the XOR of the first 64 bits of each row's md5
 * over a normalised text form (values joined by U+001F, NULL as \N). XOR makes the result
 * independent of row order and lets a row be taken out again by XOR-ing it a second time.
 *
 * Normalised text: dates YYYY-MM-DD, timestamps YYYY-MM-DDTHH:MM:SS+07:00 (Vietnamese time at a
 * fixed +07:00, the offset since 1975), text in NFC as loaded, decimals at the column's fixed scale,
 * booleans t/f, arrays comma-joined.
 */
import { createHash } from "node:crypto"
import { sql, type RawBuilder } from "kysely"

export type ColumnKind = "text" | "uuid" | "bigint" | "integer" | "date" | "timestamptz" | "numeric" | "boolean" | "text[]" | "double"

export const EMPTY_CHECKSUM = "0000000000000000"
const SEPARATOR = "\u001f"
const NULL_MARK = "\\N"

/** A running XOR of row hashes. */
export class ChecksumAccumulator {
  private hi = 0
  private lo = 0

  /** Adds (or, a second time, removes) one row given its normalised column texts. */
  addRow(values: ReadonlyArray<string | null>): string {
    const digest = rowDigest(values)
    this.xorDigest(digest)
    return digestHex(digest)
  }

  /** Adds (or removes) a row by the 16-hex-digit hash `addRow` returned. */
  xorHex(hex: string): void {
    this.hi ^= Number.parseInt(hex.slice(0, 8), 16) | 0
    this.lo ^= Number.parseInt(hex.slice(8, 16), 16) | 0
  }

  /** Adds (or removes) a row by the two 32-bit words of its hash (high word first). */
  xorWords(hi: number, lo: number): void {
    this.hi ^= hi
    this.lo ^= lo
  }

  /** The two 32-bit words (high first), e.g. to carry the running value across threads. */
  words(): [number, number] {
    return [this.hi, this.lo]
  }

  private xorDigest(digest: Buffer): void {
    this.hi ^= digest.readInt32BE(0)
    this.lo ^= digest.readInt32BE(4)
  }

  get value(): string {
    return (this.hi >>> 0).toString(16).padStart(8, "0") + (this.lo >>> 0).toString(16).padStart(8, "0")
  }
}

const rowDigest = (values: ReadonlyArray<string | null>): Buffer => {
  let text = ""
  for (let i = 0; i < values.length; i++) {
    if (i > 0) text += SEPARATOR
    const v = values[i]
    text += v === null || v === undefined ? NULL_MARK : v
  }
  return createHash("md5").update(text, "utf8").digest()
}

const digestHex = (digest: Buffer): string => digest.toString("hex", 0, 8)

/** Normalised text of a column value in SQL, matching what Node hashes for the same column. */
export const normalisedSql = (column: string, kind: ColumnKind): RawBuilder<string> => {
  const c = sql.ref(column)
  switch (kind) {
    case "text":
      return sql<string>`${c}`
    case "uuid":
    case "bigint":
    case "integer":
    case "numeric":
    case "double":
      return sql<string>`${c}::text`
    case "date":
      return sql<string>`to_char(${c}, 'YYYY-MM-DD')`
    case "timestamptz":
      // A fixed +07:00 (what Node writes), not the zone's name: looking the zone up cost a third
      // of a batch's verification, and before 1975 the zone's offset was not +07:00.
      return sql<string>`to_char(${c} at time zone interval '+07:00', 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"')`
    case "boolean":
      return sql<string>`case when ${c} then 't' else 'f' end`
    case "text[]":
      return sql<string>`array_to_string(${c}, ',')`
  }
}

/** The checksum aggregate over a set of rows, as a 16-hex-digit text. */
export const checksumSql = (columns: ReadonlyArray<{ readonly name: string; readonly kind: ColumnKind }>): RawBuilder<string> => {
  const parts = columns.map((col) => sql`coalesce(${normalisedSql(col.name, col.kind)}, ${NULL_MARK})`)
  const row = sql`concat_ws(chr(31), ${sql.join(parts)})`
  return sql<string>`lpad(to_hex(coalesce(bit_xor(('x' || substr(md5(${row}), 1, 16))::bit(64)::bigint), 0)), 16, '0')`
}

/**
 * The same normalised text in MariaDB/MySQL, for a table whose columns already hold the target's
 * values (e.g. a copy of the target, or a benchmark table). DATETIME has no zone: a timestamptz
 * column is taken as stored in Asia/Ho_Chi_Minh local time. Arrays do not exist in MariaDB.
 * Doubles print differently from PostgreSQL beyond 15 significant digits; avoid them in checksums.
 */
export const mariadbNormalisedSql = (column: string, kind: ColumnKind): RawBuilder<string> => {
  const c = sql.ref(column)
  switch (kind) {
    case "text":
    case "uuid":
      return sql<string>`${c}`
    case "bigint":
    case "integer":
    case "numeric":
    case "double":
      return sql<string>`cast(${c} as char)`
    case "date":
      return sql<string>`date_format(${c}, '%Y-%m-%d')`
    case "timestamptz":
      return sql<string>`date_format(${c}, '%Y-%m-%dT%H:%i:%s+07:00')`
    case "boolean":
      return sql<string>`case when ${c} then 't' else 'f' end`
    case "text[]":
      throw new Error(`column ${column}: MariaDB has no array type to checksum`)
  }
}

/**
 * {@link checksumSql} for MariaDB/MySQL: BIT_XOR of the first 64 bits of each row's md5 (CONV
 * turns the 16 hex digits into an unsigned 64-bit integer), as 16 lower-case hex digits. Gives
 * the same value as PostgreSQL and Node for the same normalised rows (utf8mb4 text).
 */
export const mariadbChecksumSql = (columns: ReadonlyArray<{ readonly name: string; readonly kind: ColumnKind }>): RawBuilder<string> => {
  const parts = columns.map((col) => sql`coalesce(${mariadbNormalisedSql(col.name, col.kind)}, ${NULL_MARK})`)
  const row = sql`concat_ws(char(31 using utf8mb4), ${sql.join(parts)})`
  // BIT_XOR is 0 over no rows; no COALESCE around it: COALESCE(unsigned, 0) goes through DECIMAL and HEX then loses the low bits.
  return sql<string>`lpad(lower(hex(bit_xor(cast(conv(substr(md5(${row}), 1, 16), 16, 10) as unsigned)))), 16, '0')`
}

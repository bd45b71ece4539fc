/**
 * How a synthetic vendor system's tables are described, created and bulk-filled on any of the
 * three engines. A vendor schema file (vendor-a.ts, vendor-b.ts) is a list of `SourceTableDef`s;
 * this file turns them into DDL through Kysely's schema builder (with each engine's own column
 * types) and writes rows with each engine's bulk path:
 *   MariaDB    multi-row INSERT … VALUES ? (one statement per batch)
 *   PostgreSQL COPY … FROM STDIN (CSV) through pg-copy-streams
 *   PGlite     COPY … FROM '/dev/blob' (CSV)
 */
import { Readable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { sql, type Kysely, type RawBuilder } from "kysely"
import type { SourceSystem } from "../../mappings/canonical-records.ts"
import type { DatabaseHandle } from "../../connectors/open-database.ts"
import { isSafeIdentifier } from "../../connectors/database-location.ts"

export type ColumnKind =
  | "int"
  | "bigint"
  | "smallint"
  | "varchar"
  | "text"
  /** A real DATE column. */
  | "date"
  /** DATETIME (MariaDB) / TIMESTAMP WITHOUT TIME ZONE (PostgreSQL). */
  | "timestamp"
  /** MariaDB `tinyint(1)` boolean; smallint 0/1 on PostgreSQL. */
  | "tinyint_bool"
  /** A real boolean (PostgreSQL). */
  | "bool"
  | "decimal"
  /**
   * Legacy 8-bit text (TCVN3, VNI): a `CHARACTER SET latin1` column on MariaDB holding the raw
   * bytes; on PostgreSQL/PGlite a text column holding each byte as the character U+00XX.
   */
  | "legacy_bytes"

export interface ColumnDef {
  readonly name: string
  readonly kind: ColumnKind
  readonly length?: number
  readonly precision?: number
  readonly scale?: number
  readonly notNull?: boolean
  readonly primaryKey?: boolean
}

export interface SourceTableDef {
  readonly name: string
  readonly system: SourceSystem
  readonly columns: readonly ColumnDef[]
  /** Secondary indexes worth having in the source (foreign keys the vendor indexed). */
  readonly indexes?: readonly string[]
}

/** A MariaDB zero date ('0000-00-00 00:00:00'); engines that cannot store one get NULL. */
export const ZERO_DATE: unique symbol = Symbol("zero-date")

/** One value of a generated source row, in the form the vendor stores it. */
export type SourceValue = string | number | boolean | null | Uint8Array | typeof ZERO_DATE

const columnType = (engine: DatabaseHandle["engine"], c: ColumnDef): RawBuilder<unknown> => {
  const my = engine === "mariadb"
  switch (c.kind) {
    case "int":
      return sql`integer`
    case "bigint":
      return sql`bigint`
    case "smallint":
      return sql`smallint`
    case "varchar":
      return sql.raw(`varchar(${c.length ?? 255})`)
    case "text":
      return sql`text`
    case "date":
      return sql`date`
    case "timestamp":
      return my ? sql`datetime` : sql`timestamp`
    case "tinyint_bool":
      return my ? sql`tinyint(1)` : sql`smallint`
    case "bool":
      return my ? sql`tinyint(1)` : sql`boolean`
    case "decimal":
      return sql.raw(`decimal(${c.precision ?? 14},${c.scale ?? 2})`)
    case "legacy_bytes":
      return my ? sql.raw(`varchar(${c.length ?? 255}) character set latin1 collate latin1_bin`) : sql`text`
  }
}

const checkIdentifier = (name: string): string => {
  if (!isSafeIdentifier(name)) throw new Error(`unsafe identifier '${name}'`)
  return name
}

/** Creates the tables (and their indexes) in the handle's database. Existing tables are dropped first. */
export const createSourceTables = async (handle: DatabaseHandle, tables: readonly SourceTableDef[]): Promise<void> => {
  const db: Kysely<any> = handle.db
  for (const t of tables) {
    checkIdentifier(t.name)
    await db.schema.dropTable(t.name).ifExists().execute()
    let builder = db.schema.createTable(t.name)
    for (const c of t.columns) {
      checkIdentifier(c.name)
      builder = builder.addColumn(c.name, columnType(handle.engine, c), (col) => {
        let b = col
        if (c.primaryKey === true) b = b.primaryKey()
        if (c.notNull === true) b = b.notNull()
        return b
      })
    }
    if (handle.engine === "mariadb") {
      builder = builder.modifyEnd(sql`engine=InnoDB default charset=utf8mb4 collate=utf8mb4_unicode_ci`)
    }
    await builder.execute()
    for (const column of t.indexes ?? []) {
      await db.schema.createIndex(checkIdentifier(`${t.name}_${column}_idx`)).on(t.name).column(checkIdentifier(column)).execute()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Bulk writing

const csvField = (v: SourceValue): string => {
  if (v === null || v === ZERO_DATE) return ""
  if (typeof v === "number") return String(v)
  if (typeof v === "boolean") return v ? "t" : "f"
  const s = v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v
  return `"${s.includes("\"") ? s.replaceAll("\"", "\"\"") : s}"`
}

const toCsv = (rows: readonly (readonly SourceValue[])[]): string => {
  const lines: string[] = new Array(rows.length)
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!
    let line = ""
    for (let j = 0; j < r.length; j++) line += (j === 0 ? "" : ",") + csvField(r[j]!)
    lines[i] = line
  }
  return lines.join("\n") + "\n"
}

const mysqlValue = (v: SourceValue): unknown => {
  if (v === ZERO_DATE) return "0000-00-00 00:00:00"
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength)
  if (typeof v === "boolean") return v ? 1 : 0
  return v
}

/** Writes batches of rows into one database with the engine's bulk path. */
export interface BulkWriter {
  write(table: SourceTableDef, rows: readonly (readonly SourceValue[])[]): Promise<void>
  close(): Promise<void>
}

export const openBulkWriter = async (handle: DatabaseHandle): Promise<BulkWriter> => {
  const columnList = (t: SourceTableDef, quote: string) =>
    t.columns.map((c) => `${quote}${checkIdentifier(c.name)}${quote}`).join(", ")
  switch (handle.engine) {
    case "mariadb": {
      const pool = handle.pool.promise()
      return {
        async write(t, rows) {
          if (rows.length === 0) return
          const values = rows.map((r) => r.map(mysqlValue))
          await pool.query(`INSERT INTO \`${checkIdentifier(t.name)}\` (${columnList(t, "`")}) VALUES ?`, [values])
        },
        async close() {}
      }
    }
    case "postgres": {
      const { from: copyFrom } = await import("pg-copy-streams")
      const client = await handle.pool.connect()
      return {
        async write(t, rows) {
          if (rows.length === 0) return
          const stream = client.query(copyFrom(`COPY "${checkIdentifier(t.name)}" (${columnList(t, "\"")}) FROM STDIN WITH (FORMAT csv)`))
          await pipeline(Readable.from([toCsv(rows)]), stream)
        },
        async close() {
          client.release()
        }
      }
    }
    case "pglite": {
      const pglite = handle.pglite
      return {
        async write(t, rows) {
          if (rows.length === 0) return
          await pglite.query(
            `COPY "${checkIdentifier(t.name)}" (${columnList(t, "\"")}) FROM '/dev/blob' WITH (FORMAT csv)`,
            [],
            { blob: new Blob([toCsv(rows)]) }
          )
        },
        async close() {}
      }
    }
  }
}

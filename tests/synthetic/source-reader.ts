/**
 * Test helper: reads every table of a generated source back through its vendor mapping, the
 * way the pipeline does (mapping.columns, ordered by mapping.key), and checksums the raw rows.
 */
import { createHash } from "node:crypto"
import { sql } from "kysely"
import type { DatabaseHandle } from "../../connectors/open-database.ts"
import type { CanonicalRecord } from "../../mappings/canonical-records.ts"
import type { MappingResult, TableMapping } from "../../mappings/vendor-mapping.ts"

export interface ReadRow {
  readonly table: string
  readonly key: string
  readonly unit: string
  readonly result: MappingResult<CanonicalRecord>
}

export const readThroughMapping = async (
  handle: DatabaseHandle,
  mapping: TableMapping,
  context: { source: string; oldProvinceCode: string }
): Promise<{ rows: ReadRow[]; checksum: string }> => {
  const hash = createHash("sha256")
  const result = await handle.db.selectFrom(mapping.table).select(mapping.columns.map((c) => sql.ref(c).as(c))).orderBy(mapping.key).execute()
  const rows: ReadRow[] = []
  for (const raw of result as Record<string, unknown>[]) {
    hash.update(JSON.stringify(mapping.columns.map((c) => {
      const v = raw[c]
      return v instanceof Date ? v.toISOString() : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v
    })))
    rows.push({ table: mapping.table, key: String(raw[mapping.key]), unit: mapping.accountingUnit(raw), result: mapping.toRecord(raw, context) })
  }
  return { rows, checksum: hash.digest("hex") }
}

/** A record as JSON would carry it (undefined fields dropped), for comparison with truth files. */
export const asJson = (r: unknown): unknown => JSON.parse(JSON.stringify(r, (k, v) => (k === "passwordHash" ? undefined : v)))

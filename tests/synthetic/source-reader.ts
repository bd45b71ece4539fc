/**
 * Test helper: reads every table of a generated source back through its vendor mapping, the
 * way the pipeline does (mapping.columns, ordered by mapping.key), and checksums the raw rows.
 */
import { createHash } from "node:crypto"
import { sql } from "kysely"
import type { DatabaseHandle } from "../../connectors/open-database.ts"
import type { CanonicalRecord } from "../../mappings/canonical-records.ts"
import type { MappingResult, TableMapping } from "../../mappings/vendor-mapping.ts"
import { join } from "node:path"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { openDatabase } from "../../connectors/open-database.ts"
import { findVendorMapping } from "../../mappings/vendors/index.ts"
import type { GeneratedWorld } from "../../synthetic/world.ts"

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

/** Reads every source of a generated world back through the vendor mappings. */
export const readWorld = async (world: GeneratedWorld) => {
  const rows: (ReadRow & { source: string })[] = []
  const checksums: Record<string, string> = {}
  for (const source of world.job.sources) {
    const mapping = findVendorMapping(source.vendor)!
    for (const [system, dsn] of [["tthc", source.tthc], ["civil_status", source.civilStatus]] as const) {
      const location = dsn.startsWith("pglite:") ? parseDatabaseLocation(`pglite:${join(world.out, dsn.slice(7))}`) : parseDatabaseLocation(dsn)
      const handle = await openDatabase(location)
      try {
        for (const table of mapping.tables.filter((t) => t.system === system)) {
          const r = await readThroughMapping(handle, table, { source: source.name, oldProvinceCode: source.oldProvinceCode })
          checksums[`${source.name}/${table.table}`] = r.checksum
          rows.push(...r.rows.map((x) => ({ ...x, source: source.name })))
        }
      } finally {
        await handle.close()
      }
    }
  }
  return { rows, checksums }
}


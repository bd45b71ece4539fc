/**
 * PGlite source (the no-server demo): the database lives in this process, so a range is read in
 * pages of `fetchSize` rows by key.
 */
import type { DatabaseHandle } from "./open-database.ts"
import { countQuery, probeQuery, rangeQuery, toRange } from "./keyset-queries.ts"
import { planChunks, type SourceReader, type SourceRow } from "./source-reader.ts"

export const pgliteSourceReader = (handle: DatabaseHandle & { engine: "pglite" }): SourceReader => {
  const { db, pglite } = handle
  const run = async <R>(q: { sql: string; parameters: readonly unknown[] }): Promise<R[]> =>
    (await pglite.query<R>(q.sql, q.parameters as unknown[])).rows
  return {
    engine: "pglite",
    description: handle.description,
    chunkBounds: (table, key, size, after) =>
      planChunks(async (a, s) => toRange((await run<{ lo: unknown; hi: unknown }>(probeQuery(db, table, key, a, s)))[0]), size, after),
    async *readRange(table, key, columns, range, fetchSize) {
      let after: string | null = null
      for (;;) {
        const rows: SourceRow[] = await run<SourceRow>(rangeQuery(db, table, key, columns, range, { limit: fetchSize, after }))
        if (rows.length > 0) yield rows
        if (rows.length < fetchSize) return
        after = String(rows[rows.length - 1]![key])
      }
    },
    countRange: async (table, key, range) => Number((await run<{ n: unknown }>(countQuery(db, table, key, range)))[0]?.n ?? 0),
    close: () => handle.close()
  }
}

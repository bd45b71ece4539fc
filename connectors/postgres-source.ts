/**
 * PostgreSQL source: keyset plans through Kysely, rows read with a server-side cursor
 * (pg-query-stream) in small arrays.
 */
import QueryStream from "pg-query-stream"
import type { DatabaseHandle } from "./open-database.ts"
import { readableBatches } from "./row-batches.ts"
import { countQuery, probeQuery, rangeQuery, toRange } from "./keyset-queries.ts"
import { planChunks, type SourceReader, type SourceRow } from "./source-reader.ts"

export const postgresSourceReader = (handle: DatabaseHandle & { engine: "postgres" }): SourceReader => {
  const { db, pool } = handle
  const run = async <R>(q: { sql: string; parameters: readonly unknown[] }): Promise<R[]> =>
    (await pool.query(q.sql, q.parameters as unknown[])).rows as R[]
  return {
    engine: "postgres",
    description: handle.description,
    chunkBounds: (table, key, size, after) =>
      planChunks(async (a, s) => toRange((await run<{ lo: unknown; hi: unknown }>(probeQuery(db, table, key, a, s)))[0]), size, after),
    async *readRange(table, key, columns, range, fetchSize) {
      const q = rangeQuery(db, table, key, columns, range)
      const client = await pool.connect()
      let finished = false
      try {
        const stream = client.query(new QueryStream(q.sql, q.parameters as unknown[], { batchSize: fetchSize }))
        // A dying connection emits 'error' (and 'end') on the checked-out client: the read fails with it.
        yield* readableBatches<SourceRow>(stream, fetchSize, client)
        finished = true
      } finally {
        // A cursor abandoned or broken mid-result leaves the connection unusable: drop it.
        client.release(!finished)
      }
    },
    countRange: async (table, key, range) => Number((await run<{ n: unknown }>(countQuery(db, table, key, range)))[0]?.n ?? 0),
    close: () => handle.close()
  }
}

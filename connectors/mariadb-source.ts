/**
 * MariaDB / MySQL source: keyset plans through Kysely, rows streamed with mysql2's row stream
 * (dateStrings, big numbers as strings), handed on in small arrays.
 */
import type { Pool, PoolConnection } from "mysql2"
import type { Kysely } from "kysely"
import type { DatabaseHandle } from "./open-database.ts"
import { countQuery, probeQuery, rangeQuery, toRange } from "./keyset-queries.ts"
import { RowQueue } from "./row-batches.ts"
import { type KeyRange, planChunks, type SourceReader, type SourceRow } from "./source-reader.ts"

export const mariadbSourceReader = (handle: DatabaseHandle & { engine: "mariadb" }): SourceReader => {
  const { db, pool } = handle
  const run = async <R>(q: { sql: string; parameters: readonly unknown[] }): Promise<R[]> =>
    new Promise((resolve, reject) =>
      pool.query(q.sql, q.parameters as unknown[], (err, rows) => (err ? reject(err) : resolve(rows as R[])))
    )
  return {
    engine: "mariadb",
    description: handle.description,
    chunkBounds: (table, key, size, after) =>
      planChunks(async (a, s) => toRange((await run<{ lo: unknown; hi: unknown }>(probeQuery(db, table, key, a, s)))[0]), size, after),
    readRange: (table, key, columns, range, fetchSize) => streamRows(pool, db, table, key, columns, range, fetchSize),
    countRange: async (table, key, range) => Number((await run<{ n: unknown }>(countQuery(db, table, key, range)))[0]?.n ?? 0),
    close: () => handle.close()
  }
}

async function* streamRows(
  pool: Pool,
  db: Kysely<any>,
  table: string,
  key: string,
  columns: readonly string[],
  range: KeyRange,
  fetchSize: number
): AsyncIterable<SourceRow[]> {
  const q = rangeQuery(db, table, key, columns, range)
  const connection = await new Promise<PoolConnection>((resolve, reject) =>
    pool.getConnection((err, c) => (err ? reject(err) : resolve(c)))
  )
  let finished = false
  try {
    // Row events straight from the protocol parser into arrays; the socket is paused while the
    // loader is two arrays behind (no per-row promise, no Readable in between).
    const queue = new RowQueue<SourceRow>(fetchSize, { pause: () => connection.pause(), resume: () => connection.resume() })
    // mysql2 tells a lost connection (reset, server gone) to the commands that have a callback
    // and otherwise only to the connection: a streamed query without one would wait forever.
    const onConnectionError = (error: unknown) => queue.fail(error)
    connection.on("error", onConnectionError)
    try {
      const query = connection.query(q.sql, q.parameters as unknown[])
      query.on("result", (row) => queue.push(row as SourceRow))
      query.on("error", (error) => queue.fail(error))
      query.on("end", () => queue.end())
      yield* queue.arrays()
    } finally {
      connection.off("error", onConnectionError)
    }
    finished = true
  } finally {
    // A connection whose result was abandoned or broke may still be mid-result: never reuse it.
    if (finished) connection.release()
    else connection.destroy()
  }
}

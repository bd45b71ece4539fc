/**
 * A PostgreSQL source whose connection is terminated while a range is being read with a cursor
 * (a restarted server, pg_terminate_backend): the read fails with a connection error the loader
 * retries, instead of waiting forever. pg-query-stream reports the error only by destroying the
 * stream, and its destroy waits for the dead connection to say ReadyForQuery: the 'error' event
 * never comes, so the read must also listen to the client itself.
 */
import pg from "pg"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { openSourceReader } from "../../connectors/open-source-reader.ts"
import { isTransientError } from "../../pipelines/errors.ts"
import { POSTGRES_SERVER, scratchDatabase, type ScratchDatabase } from "../support/databases.ts"

const withClient = async <T>(dsn: string, work: (c: pg.Client) => Promise<T>): Promise<T> => {
  const client = new pg.Client({ connectionString: dsn })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

describe("PostgreSQL source, connection terminated mid-read", () => {
  let source: ScratchDatabase

  beforeAll(async () => {
    source = await scratchDatabase("postgres", "pm_pg_conn_lost")
    await withClient(source.dsn, async (c) => {
      await c.query("create table t (id bigint primary key, v text)")
      await c.query("insert into t select g, repeat('x', 150) from generate_series(1, 200000) g")
    })
  })

  afterAll(async () => {
    await source?.drop()
  })

  it("fails the read with a transient error, whether the cursor was idle or fetching", async () => {
    const database = new URL(source.dsn).pathname.slice(1)
    const reader = await openSourceReader(parseDatabaseLocation(source.dsn))
    try {
      for (const idleFirst of [true, false]) {
        let arrays = 0
        const read = (async () => {
          for await (const rows of reader.readRange("t", "id", ["id", "v"], { lo: "1", hi: "200000" }, 500)) {
            arrays++
            expect(rows.length).toBeGreaterThan(0)
            if (arrays === 2) {
              const terminated = withClient(`${POSTGRES_SERVER}/postgres`, (c) =>
                c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()", [database])
              )
              // The cursor idle between two fetches when its connection dies, or the next fetch racing it.
              if (idleFirst) {
                await terminated
                await new Promise((r) => setTimeout(r, 300))
              }
            }
          }
        })()
        const outcome = await Promise.race([
          read.then(() => "completed", (error: unknown) => error),
          new Promise((r) => setTimeout(() => r("hung"), 15_000))
        ])
        expect(outcome).not.toBe("hung")
        expect(outcome).not.toBe("completed")
        expect(isTransientError(outcome), String(outcome)).toBe(true)
      }
    } finally {
      await reader.close()
    }
  }, 60_000)
})

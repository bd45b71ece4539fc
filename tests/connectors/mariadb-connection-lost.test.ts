/**
 * A MariaDB source whose connection is cut while a range is being streamed (a reset by a
 * firewall, a restarted server): the read fails with a connection error the loader retries,
 * instead of waiting forever. mysql2 tells a lost connection only to commands with a callback
 * and to the connection, never to a streamed query.
 */
import mysql from "mysql2/promise"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { openSourceReader } from "../../connectors/open-source-reader.ts"
import { isTransientError } from "../../pipelines/errors.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"
import { startProxy, type CuttableProxy } from "../engine/engine-support.ts"

describe("MariaDB source, connection lost mid-read", () => {
  let source: ScratchDatabase
  let proxy: CuttableProxy

  beforeAll(async () => {
    source = await scratchDatabase("mariadb", "pm_conn_lost")
    const conn = await mysql.createConnection({ uri: source.dsn })
    try {
      await conn.query("create table t (id bigint primary key, v varchar(200))")
      await conn.query("insert into t select seq, repeat('x', 150) from seq_1_to_200000")
    } finally {
      await conn.end()
    }
    proxy = await startProxy(Number(new URL(source.dsn).port || 3306))
  })

  afterAll(async () => {
    await proxy?.close()
    await source?.drop()
  })

  it("fails the read with a transient error, whether the socket was flowing or paused", async () => {
    const reader = await openSourceReader(parseDatabaseLocation(source.dsn.replace(/@[^/]+\//, `@127.0.0.1:${proxy.port}/`)))
    try {
      for (const pauseFirst of [false, true]) {
        let arrays = 0
        const read = (async () => {
          for await (const rows of reader.readRange("t", "id", ["id", "v"], { lo: "1", hi: "200000" }, 500)) {
            arrays++
            expect(rows.length).toBeGreaterThan(0)
            if (arrays === 2) {
              // Let the queue fill so the socket is paused, or cut while rows still flow.
              if (pauseFirst) await new Promise((r) => setTimeout(r, 300))
              proxy.cut()
            }
          }
        })()
        const outcome = await Promise.race([
          read.then(() => "completed", (error: unknown) => error),
          new Promise((r) => setTimeout(() => r("hung"), 15_000))
        ])
        proxy.restore()
        expect(outcome).not.toBe("hung")
        expect(outcome).not.toBe("completed")
        expect(isTransientError(outcome)).toBe(true)
      }
    } finally {
      await reader.close()
    }
  }, 60_000)
})

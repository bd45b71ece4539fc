/**
 * The rows of one query on the target in the query's order, page by page, sorted once: a cursor
 * in its own read-only transaction on PostgreSQL (one snapshot, one sort, `pageSize` rows in
 * memory at a time). Keyset pages need an index on the order key, or every page sorts the whole
 * set again; this is for orders no index serves. PGlite (an embedded target for small jobs and
 * tests, in-process anyway) answers the query at once and the rows are handed out in pages.
 */
import type { Compiled } from "./target-session.ts"
import type { DatabaseHandle } from "./open-database.ts"

export async function* cursorPages<R>(target: DatabaseHandle, query: Compiled, pageSize = 2000): AsyncGenerator<R[]> {
  switch (target.engine) {
    case "postgres": {
      const client = await target.pool.connect()
      let open = false
      let broken = false
      try {
        await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        open = true
        await client.query(`DECLARE pm_pages NO SCROLL CURSOR FOR ${query.sql}`, query.parameters as unknown[])
        for (;;) {
          const page = (await client.query(`FETCH ${pageSize} FROM pm_pages`)).rows as R[]
          if (page.length > 0) yield page
          if (page.length < pageSize) break
        }
        await client.query("COMMIT")
        open = false
      } catch (error) {
        broken = true
        throw error
      } finally {
        // Also when the reader stops early: the transaction (and its cursor) must not outlive it.
        if (open && !broken) await client.query("ROLLBACK").catch(() => { broken = true })
        client.release(broken)
      }
      return
    }
    case "pglite": {
      const rows = (await target.pglite.query<R>(query.sql, query.parameters as unknown[])).rows
      for (let i = 0; i < rows.length; i += pageSize) yield rows.slice(i, i + pageSize)
      return
    }
    case "mariadb":
      throw new Error("The target of a migration is PostgreSQL (or PGlite); MariaDB is a source only.")
  }
}

/**
 * A transaction on the target with the two things a batch needs: parameterised queries (compiled
 * by Kysely) and COPY FROM STDIN for bulk rows. PostgreSQL streams COPY with pg-copy-streams;
 * PGlite takes the same text as a blob. Either the whole callback commits or nothing does.
 */
import { Writable } from "node:stream"
import { pipeline } from "node:stream/promises"
import { Readable } from "node:stream"
import { from as copyFrom } from "pg-copy-streams"
import type { DatabaseHandle } from "./open-database.ts"

export interface Compiled {
  readonly sql: string
  readonly parameters: readonly unknown[]
}

export interface TargetSession {
  query<R = Record<string, unknown>>(query: Compiled): Promise<R[]>
  /** Runs `COPY <table> (<cols>) FROM STDIN` with text-format lines (each ending in \n), as text or UTF-8 bytes. */
  copyIn(copySql: string, lines: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>): Promise<void>
}

export const withTargetTransaction = async <T>(
  handle: DatabaseHandle,
  work: (session: TargetSession) => Promise<T>
): Promise<T> => {
  switch (handle.engine) {
    case "postgres": {
      const client = await handle.pool.connect()
      let broken = false
      // A checked-out client whose connection dies (server restart, pg_terminate_backend) emits
      // 'error'; unheard, that would crash the process. The failing query reports it instead.
      const onError = () => {
        broken = true
      }
      client.on("error", onError)
      try {
        await client.query("BEGIN")
        const session: TargetSession = {
          query: async <R>(q: Compiled) => (await client.query(q.sql, q.parameters as unknown[])).rows as R[],
          copyIn: async (copySql, lines) => {
            const stream = client.query(copyFrom(copySql))
            await pipeline(Readable.from(lines, { objectMode: false }), stream as unknown as Writable)
          }
        }
        const result = await work(session)
        await client.query("COMMIT")
        return result
      } catch (error) {
        try {
          await client.query("ROLLBACK")
        } catch {
          broken = true
        }
        throw error
      } finally {
        client.off("error", onError)
        client.release(broken)
      }
    }
    case "pglite": {
      const pglite = handle.pglite
      return pglite.transaction(async (tx) => {
        const session: TargetSession = {
          query: async <R>(q: Compiled) => (await tx.query<R>(q.sql, q.parameters as unknown[])).rows,
          copyIn: async (copySql, lines) => {
            const parts: Array<string | Uint8Array<ArrayBuffer>> = []
            for await (const line of lines as AsyncIterable<string | Uint8Array<ArrayBuffer>>) parts.push(line)
            const blob = new Blob(parts)
            await tx.query(copySql.replace(/FROM STDIN/i, "FROM '/dev/blob'"), [], { blob })
          }
        }
        return work(session)
      })
    }
    case "mariadb":
      throw new Error("The target of a migration is PostgreSQL (or PGlite); MariaDB is a source only.")
  }
}

/** Escapes one value for COPY text format. */
export const copyText = (value: string | null): string => {
  if (value === null) return "\\N"
  let needs = false
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i)
    if (c === 92 || c === 9 || c === 10 || c === 13) {
      needs = true
      break
    }
  }
  if (!needs) return value
  return value.replace(/[\\\t\n\r]/g, (ch) => (ch === "\\" ? "\\\\" : ch === "\t" ? "\\t" : ch === "\n" ? "\\n" : "\\r"))
}

/** One COPY text line for a row of values. */
export const copyLine = (values: ReadonlyArray<string | null>): string => {
  let line = ""
  for (let i = 0; i < values.length; i++) {
    if (i > 0) line += "\t"
    line += copyText(values[i] ?? null)
  }
  return line + "\n"
}

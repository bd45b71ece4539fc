/**
 * Opens a database by location and gives back a Kysely instance plus the engine's own client,
 * which the bulk paths (streaming extraction, COPY) use directly.
 */
import { Kysely, MysqlDialect, PGliteDialect, PostgresDialect } from "kysely"
import type { PGlite } from "@electric-sql/pglite"
import type { Pool as MysqlPool } from "mysql2"
import type pg from "pg"
import {
  type DatabaseLocation,
  databaseName,
  describeLocation,
  isSafeIdentifier
} from "./database-location.ts"
import { prepareNewPgliteDir } from "./pglite-template.ts"

export type DatabaseHandle =
  | { readonly engine: "mariadb"; readonly db: Kysely<any>; readonly pool: MysqlPool; readonly description: string; close(): Promise<void> }
  | { readonly engine: "postgres"; readonly db: Kysely<any>; readonly pool: pg.Pool; readonly description: string; close(): Promise<void> }
  | { readonly engine: "pglite"; readonly db: Kysely<any>; readonly pglite: PGlite; readonly description: string; close(): Promise<void> }

export interface OpenOptions {
  /** Pool size for server engines (PGlite is always a single connection). */
  readonly poolSize?: number
}

export const openDatabase = async (location: DatabaseLocation, options: OpenOptions = {}): Promise<DatabaseHandle> => {
  const description = describeLocation(location)
  switch (location.engine) {
    case "mariadb": {
      const mysql = await import("mysql2")
      const pool = mysql.createPool({
        uri: location.url.toString(),
        connectionLimit: options.poolSize ?? 4,
        dateStrings: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        charset: "utf8mb4",
        timezone: "+07:00",
        multipleStatements: false
      })
      const db = new Kysely<any>({ dialect: new MysqlDialect({ pool: async () => pool }) })
      const close = async () => {
        await db.destroy()
        // Kysely ends the pool only if it ran a query itself; the bulk paths use the pool directly.
        if (!(pool as unknown as { _closed?: boolean })._closed) await new Promise<void>((resolve) => pool.end(() => resolve()))
      }
      return { engine: "mariadb", db, pool, description, close }
    }
    case "postgres": {
      const { default: pgModule } = await import("pg")
      // TCP keepalive (mysql2 has it on by default, pg does not): a connection that sits idle
      // through a long stage, or whose peer vanished without a reset, is found out by the kernel
      // instead of being waited on forever.
      const pool = new pgModule.Pool({
        connectionString: location.url.toString(),
        max: options.poolSize ?? 4,
        keepAlive: true,
        keepAliveInitialDelayMillis: 30_000
      })
      pool.on("error", () => {
        // An idle client lost its connection (server restart). The pool drops it; the next query
        // reconnects, and a failing query surfaces through the caller's retry policy.
      })
      pool.on("connect", (client) => {
        // A checked-out client (a Kysely transaction between two statements) whose connection is
        // terminated emits 'error' with nobody listening, which would end the process. The next
        // statement on it fails instead, and that failure is what the caller sees and retries.
        client.on("error", () => {})
      })
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) })
      const close = async () => {
        await db.destroy()
        // Kysely ends the pool only if it ran a query itself; the bulk paths use the pool directly.
        if (!pool.ending && !pool.ended) await pool.end()
      }
      return { engine: "postgres", db, pool, description, close }
    }
    case "pglite": {
      const { PGlite } = await import("@electric-sql/pglite")
      if (location.dataDir !== undefined) await prepareNewPgliteDir(location.dataDir)
      const pglite = location.dataDir === undefined ? new PGlite() : new PGlite(location.dataDir)
      await pglite.waitReady
      const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) })
      return {
        engine: "pglite",
        db,
        pglite,
        description,
        close: async () => {
          await db.destroy()
          if (!pglite.closed) await pglite.close()
        }
      }
    }
  }
}

/**
 * Runs server-level statements (CREATE / DROP DATABASE) over a connection to the server's
 * maintenance database. The database name is checked as a safe identifier before it is quoted.
 */
const onServer = async (
  location: DatabaseLocation & { engine: "mariadb" | "postgres" },
  statements: (name: string) => { readonly mariadb: string; readonly postgres: (exists: boolean) => string | null }
): Promise<void> => {
  const name = databaseName(location)
  if (!isSafeIdentifier(name)) throw new Error(`unsafe database name '${name}'`)
  const sqlFor = statements(name)
  const url = new URL(location.url.toString())
  if (location.engine === "mariadb") {
    const mysql = await import("mysql2/promise")
    url.pathname = "/"
    const conn = await mysql.createConnection({ uri: url.toString() })
    try {
      await conn.query(sqlFor.mariadb)
    } finally {
      await conn.end()
    }
    return
  }
  const { default: pgModule } = await import("pg")
  url.pathname = "/postgres"
  const client = new pgModule.Client({ connectionString: url.toString() })
  client.on("error", () => {})
  await client.connect()
  try {
    const exists = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
    const statement = sqlFor.postgres((exists.rowCount ?? 0) > 0)
    if (statement !== null) await client.query(statement)
  } finally {
    await client.end()
  }
}

/**
 * Creates the database of a server location if it does not exist yet. PGlite directories are
 * created on open.
 */
export const createDatabaseIfMissing = async (location: DatabaseLocation): Promise<void> => {
  if (location.engine === "pglite") return
  await onServer(location, (name) => ({
    mariadb: `CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    postgres: (exists) => (exists ? null : `CREATE DATABASE "${name}"`)
  }))
}

/** Drops the database of a server location (tests clean up with it). */
export const dropDatabaseIfExists = async (location: DatabaseLocation): Promise<void> => {
  if (location.engine === "pglite") return
  await onServer(location, (name) => ({
    mariadb: `DROP DATABASE IF EXISTS \`${name}\``,
    postgres: (exists) => (exists ? `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)` : null)
  }))
}

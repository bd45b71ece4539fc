/**
 * Where a database lives, parsed from the DSN a user writes in a job file or on the command line.
 *
 *   mysql://root@127.0.0.1:3306/tthc_a      MariaDB / MySQL (mariadb:// is accepted too)
 *   postgres://postgres@127.0.0.1:5432/pm   PostgreSQL (postgresql:// is accepted too)
 *   pglite:./out/target                      embedded PGlite in a directory (pglite:memory for in-memory)
 */
import * as Data from "effect/Data"

export type Engine = "mariadb" | "postgres" | "pglite"

export type DatabaseLocation =
  | { readonly engine: "mariadb" | "postgres"; readonly url: URL }
  | { readonly engine: "pglite"; readonly dataDir: string | undefined }

export class InvalidDatabaseLocation extends Data.TaggedError("InvalidDatabaseLocation")<{
  readonly input: string
  readonly reason: string
}> {
  override get message() {
    return `Invalid database location ${JSON.stringify(redactDsn(this.input))}: ${this.reason}. ` +
      `Use mysql://user@host:3306/db, postgres://user@host:5432/db or pglite:<directory>.`
  }
}

export const parseDatabaseLocation = (input: string): DatabaseLocation => {
  const trimmed = input.trim()
  if (trimmed.startsWith("pglite:")) {
    const rest = trimmed.slice("pglite:".length).replace(/^\/\//, "")
    if (rest === "" ) throw new InvalidDatabaseLocation({ input, reason: "pglite: needs a directory (or 'memory')" })
    return { engine: "pglite", dataDir: rest === "memory" ? undefined : rest }
  }
  let url: URL
  try {
    url = new URL(trimmed)
  } catch {
    throw new InvalidDatabaseLocation({ input, reason: "not a URL" })
  }
  const scheme = url.protocol.replace(/:$/, "")
  const engine = scheme === "mysql" || scheme === "mariadb"
    ? "mariadb"
    : scheme === "postgres" || scheme === "postgresql"
    ? "postgres"
    : undefined
  if (engine === undefined) throw new InvalidDatabaseLocation({ input, reason: `unknown scheme '${scheme}'` })
  const database = decodeURIComponent(url.pathname.replace(/^\//, ""))
  if (database === "") throw new InvalidDatabaseLocation({ input, reason: "the database name is missing" })
  if (!isSafeIdentifier(database)) {
    throw new InvalidDatabaseLocation({ input, reason: `database name '${database}' must match [A-Za-z_][A-Za-z0-9_]*` })
  }
  return { engine, url }
}

/** The database name of a server location. */
export const databaseName = (location: DatabaseLocation & { engine: "mariadb" | "postgres" }): string =>
  decodeURIComponent(location.url.pathname.replace(/^\//, ""))

/** Identifiers that come from configuration are checked against this before they reach SQL. */
export const isSafeIdentifier = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(name)

/** A DSN with its password removed, for logs, errors and reports. */
export const redactDsn = (dsn: string): string => dsn.replace(/(\/\/[^:/@]+):[^@/]*@/, "$1:***@")

export const describeLocation = (location: DatabaseLocation): string =>
  location.engine === "pglite"
    ? `pglite:${location.dataDir ?? "memory"}`
    : redactDsn(location.url.toString())

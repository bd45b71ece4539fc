/**
 * Real databases for tests: each test file gets its own uniquely named PostgreSQL / MariaDB
 * database (tests of several files and several developers run at once) and drops it afterwards.
 */
import { randomBytes } from "node:crypto"
import { type DatabaseLocation, parseDatabaseLocation } from "../../connectors/database-location.ts"
import { createDatabaseIfMissing, dropDatabaseIfExists } from "../../connectors/open-database.ts"

export const POSTGRES_SERVER = process.env.PROVMERGE_TEST_POSTGRES ?? "postgres://postgres@127.0.0.1:5432"
export const MARIADB_SERVER = process.env.PROVMERGE_TEST_MARIADB ?? "mysql://root@127.0.0.1:3306"

export const uniqueName = (prefix: string): string => `${prefix}_${randomBytes(4).toString("hex")}`

export interface ScratchDatabase {
  readonly dsn: string
  readonly location: DatabaseLocation
  drop(): Promise<void>
}

export const scratchDatabase = async (engine: "postgres" | "mariadb", prefix: string): Promise<ScratchDatabase> => {
  const dsn = `${engine === "postgres" ? POSTGRES_SERVER : MARIADB_SERVER}/${uniqueName(prefix)}`
  const location = parseDatabaseLocation(dsn)
  await createDatabaseIfMissing(location)
  return { dsn, location, drop: () => dropDatabaseIfExists(location) }
}

/** Opens the source reader that fits a database location. */
import type { DatabaseLocation } from "./database-location.ts"
import { openDatabase } from "./open-database.ts"
import { mariadbSourceReader } from "./mariadb-source.ts"
import { pgliteSourceReader } from "./pglite-source.ts"
import { postgresSourceReader } from "./postgres-source.ts"
import type { SourceReader } from "./source-reader.ts"

export const openSourceReader = async (location: DatabaseLocation, poolSize = 2): Promise<SourceReader> => {
  const handle = await openDatabase(location, { poolSize })
  switch (handle.engine) {
    case "mariadb":
      return mariadbSourceReader(handle)
    case "postgres":
      return postgresSourceReader(handle)
    case "pglite":
      return pgliteSourceReader(handle)
  }
}

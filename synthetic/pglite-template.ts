/**
 * Fresh PGlite source databases without paying for initdb each time: an empty cluster is
 * initialised once per process and dumped, and every new source directory starts from that dump
 * (initdb takes seconds; a world has up to six source databases).
 */
import { mkdir, rm } from "node:fs/promises"
import { dirname } from "node:path"
import { Kysely, PGliteDialect } from "kysely"
import type { PGlite } from "@electric-sql/pglite"
import type { DatabaseHandle } from "../connectors/open-database.ts"

let template: Promise<Blob> | undefined

const emptyClusterDump = (): Promise<Blob> => {
  template ??= (async () => {
    const { PGlite: PGliteClass } = await import("@electric-sql/pglite")
    const pglite = new PGliteClass()
    await pglite.waitReady
    try {
      return await pglite.dumpDataDir("none")
    } finally {
      await pglite.close()
    }
  })()
  return template
}

/** Creates (replacing any old one) and opens a PGlite database in `dataDir`. */
export const createPgliteDatabase = async (dataDir: string): Promise<DatabaseHandle & { engine: "pglite" }> => {
  const dump = await emptyClusterDump()
  await rm(dataDir, { recursive: true, force: true })
  await mkdir(dirname(dataDir), { recursive: true })
  const { PGlite: PGliteClass } = await import("@electric-sql/pglite")
  const pglite: PGlite = new PGliteClass(dataDir, { loadDataDir: dump })
  await pglite.waitReady
  const db = new Kysely<any>({ dialect: new PGliteDialect({ pglite }) })
  return {
    engine: "pglite",
    db,
    pglite,
    description: `pglite:${dataDir}`,
    close: async () => {
      await db.destroy()
      if (!pglite.closed) await pglite.close()
    }
  }
}

/**
 * Fresh PGlite source databases without paying for initdb each time. An empty cluster is
 * initialised once per machine and PGlite version (in the OS temp directory), and every new
 * source directory starts as a copy of it: copying is a fraction of a second where initdb
 * takes seconds, and a world has up to six source databases.
 */
import { access, cp, mkdir, rename, rm, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { Kysely, PGliteDialect } from "kysely"
import type { PGlite } from "@electric-sql/pglite"
import type { DatabaseHandle } from "../connectors/open-database.ts"

const pgliteVersion = (): string => {
  try {
    return String(createRequire(import.meta.url)("@electric-sql/pglite/package.json").version)
  } catch {
    return "unknown"
  }
}

const exists = async (path: string): Promise<boolean> => {
  try {
    await access(path)
    return true
  } catch {
    return false
  }
}

let templateDir: Promise<string> | undefined

/** The directory of an empty, cleanly shut down PGlite cluster (created on first use). */
const emptyClusterDir = (): Promise<string> => {
  templateDir ??= (async () => {
    const dir = join(tmpdir(), `provmerge-pglite-template-${pgliteVersion()}`)
    if (await exists(join(dir, "READY"))) return dir
    const building = `${dir}.building-${process.pid}-${Date.now()}`
    const { PGlite: PGliteClass } = await import("@electric-sql/pglite")
    const pglite = new PGliteClass(building)
    await pglite.waitReady
    await pglite.close()
    await writeFile(join(building, "READY"), "")
    try {
      await rename(building, dir)
    } catch {
      // another process finished first: use its template
      await rm(building, { recursive: true, force: true })
    }
    return dir
  })()
  return templateDir
}

/** Creates (replacing any old one) and opens a PGlite database in `dataDir`. */
export const createPgliteDatabase = async (dataDir: string): Promise<DatabaseHandle & { engine: "pglite" }> => {
  const template = await emptyClusterDir()
  await rm(dataDir, { recursive: true, force: true })
  await mkdir(dirname(dataDir), { recursive: true })
  await cp(template, dataDir, { recursive: true, filter: (src) => !src.endsWith("READY") })
  const { PGlite: PGliteClass } = await import("@electric-sql/pglite")
  const pglite: PGlite = new PGliteClass(dataDir)
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

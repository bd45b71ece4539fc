/**
 * A fresh PGlite data directory costs an initdb inside WebAssembly (5–15 s on a busy 2-core
 * machine); copying an empty, already initialised one costs well under a second. The first
 * new database of a machine makes the template (under the OS temp dir, per PGlite version,
 * published by an atomic rename so concurrent processes never see half of it); later ones copy it.
 */
import { randomBytes } from "node:crypto"
import { cp, mkdir, readdir, rename, rm, stat } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { existsSync, readFileSync } from "node:fs"
import { dirname, join } from "node:path"

const pgliteVersion = (): string => {
  try {
    // The package's exports hide package.json: find it next to the resolved entry point.
    let dir = dirname(createRequire(import.meta.url).resolve("@electric-sql/pglite"))
    while (!existsSync(join(dir, "package.json"))) dir = dirname(dir)
    return (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { version: string }).version
  } catch {
    return "unknown"
  }
}

const exists = async (path: string): Promise<boolean> => stat(path).then(() => true, () => false)

const isEmptyOrMissing = async (dir: string): Promise<boolean> => {
  try {
    return (await readdir(dir)).length === 0
  } catch {
    return true
  }
}

/** Ensures `dataDir` holds an initialised PGlite cluster, copying the machine's template if it is new. */
export const prepareNewPgliteDir = async (dataDir: string): Promise<void> => {
  if (!(await isEmptyOrMissing(dataDir))) return
  const template = join(tmpdir(), `provmerge-pglite-template-${pgliteVersion()}`)
  if (!(await exists(join(template, "PG_VERSION")))) {
    const building = `${template}.${randomBytes(4).toString("hex")}`
    const { PGlite } = await import("@electric-sql/pglite")
    await mkdir(building, { recursive: true })
    const db = new PGlite(building)
    await db.waitReady
    await db.close()
    try {
      await rename(building, template)
    } catch {
      await rm(building, { recursive: true, force: true }) // another process published it first
    }
  }
  await mkdir(dataDir, { recursive: true })
  await cp(template, dataDir, { recursive: true })
}

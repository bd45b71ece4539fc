/**
 * A generated world's job file as the engine benches use it: its sources whose TTHC and hộ tịch
 * databases are both on MariaDB (what pgloader and the pipe can move too), and a copy of the job
 * for `provmerge run` with the bench's concurrency and batch size, writing its workbook into a
 * temporary directory.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, resolve } from "node:path"

export interface MariadbWorld {
  readonly job: { readonly sources: readonly WorldSource[] } & Record<string, unknown>
  /** The sources read from MariaDB only. */
  readonly sources: readonly WorldSource[]
  /** Their databases' names. */
  readonly databases: readonly string[]
}

interface WorldSource {
  readonly name: string
  readonly vendor: string
  readonly tthc: string
  readonly civilStatus: string
  readonly oldProvinceCode: string
}

export const readMariadbWorld = (jobFile: string): MariadbWorld => {
  const job = JSON.parse(readFileSync(jobFile, "utf8")) as MariadbWorld["job"]
  const sources = job.sources.filter((s) => s.tthc.startsWith("mysql://") && s.civilStatus.startsWith("mysql://"))
  return { job, sources, databases: sources.flatMap((s) => [s.tthc, s.civilStatus]).map((dsn) => new URL(dsn).pathname.slice(1)) }
}

/** Writes the job for `provmerge run` over the MariaDB sources into a new temporary directory; gives its path. */
export const writeBenchJob = (
  world: MariadbWorld,
  jobFile: string,
  settings: { readonly concurrency: number; readonly batchSize: number; readonly tmpPrefix: string }
): string => {
  const dir = mkdtempSync(join(tmpdir(), settings.tmpPrefix))
  const path = join(dir, "job.json")
  writeFileSync(path, JSON.stringify({
    ...world.job,
    catalog: world.job["catalog"] === "builtin" ? "builtin" : resolve(jobFile, "..", String(world.job["catalog"])),
    sources: world.sources.map((s) => ({ ...s, concurrency: settings.concurrency })),
    batchSize: settings.batchSize,
    output: join(dir, "reports")
  }, null, 2))
  return path
}

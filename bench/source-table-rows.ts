/**
 * The per-row benches' input (engine-transform.ts, engine-copy-text.ts): the first `rows` rows of
 * one vendor table of a job's source, read into memory once, with what a batch needs to
 * transform them, so the timed passes touch no database.
 */
import * as Effect from "effect/Effect"
import { openSourceReader } from "../connectors/open-source-reader.ts"
import type { SourceRow } from "../connectors/source-reader.ts"
import { loadJob } from "../pipelines/job-config.ts"
import { loadJobUnits } from "../pipelines/unit-remapper.ts"
import { findVendorMapping } from "../mappings/vendors/index.ts"
import { targetTables } from "../target/tables/index.ts"

export const readSourceTableRows = async (options: {
  readonly job: string
  /** The job's first source when not given. */
  readonly source: string | undefined
  readonly table: string
  readonly rows: number
}) => {
  const job = await Effect.runPromise(loadJob(options.job))
  const source = job.sources.find((s) => s.name === options.source) ?? job.sources[0]!
  const mapping = findVendorMapping(source.vendor)!.tables.find((t) => t.table === options.table)!
  const reader = await openSourceReader(mapping.system === "tthc" ? source.tthc : source.civilStatus, 1)
  const units = await loadJobUnits(job.catalog, job.unitHints)
  const readStart = performance.now()
  const readCpu = process.cpuUsage()
  const rows: SourceRow[] = []
  try {
    for await (const chunk of reader.readRange(mapping.table, mapping.key, mapping.columns, { lo: "0", hi: "999999999999" }, 2000)) {
      for (const r of chunk) if (rows.length < options.rows) rows.push(r)
      if (rows.length >= options.rows) break
    }
  } finally {
    await reader.close()
  }
  return {
    mapping,
    units,
    table: targetTables[mapping.entity],
    context: { source: source.name, oldProvinceCode: source.oldProvinceCode },
    rows,
    /** Wall ms and CPU µs of reading them (driver decoding included). */
    readMs: performance.now() - readStart,
    readCpuUs: process.cpuUsage(readCpu)
  }
}

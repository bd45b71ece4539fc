/**
 * How far V8 lets the old generation grow past the live heap before its next full collection,
 * for the long commands (`run`, `rerun`). By default V8 lets it reach up to about four times
 * the live heap: a loading phase with ≈ 100 MB live then sits at 500 MB of mostly garbage (COPY
 * text, fetched rows, workbook XML). Capped at 50 % more than the live heap, the old generation
 * is collected sooner: in the measurements of BENCHMARKS.md (engine, "Memory of `provmerge run`")
 * the second loading phase of a 130k-citizen province peaks at ≈ 340 MB instead of ≈ 525, for a
 * few percent more CPU in the load. `PROVMERGE_HEAP_GROWING_PERCENT` sets another cap; 0 leaves
 * V8's own sizing.
 *
 * V8 reads this flag at every full collection, so setting it once the process runs takes effect.
 */
import { setFlagsFromString } from "node:v8"

export const DEFAULT_HEAP_GROWING_PERCENT = 50

/**
 * The cap as a `--heap-growing-percent` flag, `undefined` for V8's own sizing (0), or a message
 * for a setting that is not a whole number of percent.
 */
export const heapGrowthFlag = (setting: string | undefined): { readonly flag: string | undefined } | { readonly invalid: string } => {
  const text = setting?.trim() ?? ""
  if (text === "") return { flag: `--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}` }
  const percent = Number(text)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(percent)) {
    return { invalid: `PROVMERGE_HEAP_GROWING_PERCENT=${JSON.stringify(setting)} is not a whole number of percent (0 = V8's own sizing); using ${DEFAULT_HEAP_GROWING_PERCENT}` }
  }
  return { flag: percent === 0 ? undefined : `--heap-growing-percent=${percent}` }
}

export const limitHeapGrowth = (setting: string | undefined = process.env["PROVMERGE_HEAP_GROWING_PERCENT"]): void => {
  const chosen = heapGrowthFlag(setting)
  if ("invalid" in chosen) {
    process.stderr.write(`warning: ${chosen.invalid}\n`)
    setFlagsFromString(`--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}`)
  } else if (chosen.flag !== undefined) setFlagsFromString(chosen.flag)
}

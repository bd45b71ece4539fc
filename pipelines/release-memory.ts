/**
 * Gives the memory of a finished stage back to the operating system before the next one starts
 * (after the dedupe stage, after each loading phase, before the workbook).
 *
 * After the dedupe stage V8 keeps the pages its garbage occupied (committed old space and a pool
 * of freed pages, several hundred MB at 1× scale), and the loading phase that follows reuses and
 * grows them instead of starting small: its RSS stays at the dedupe stage's peak. One full,
 * memory-reducing collection between the two ("last-resort": every round of garbage and the page
 * pool released) costs well under a second and lets the next phase start from its own working
 * set. The `gc` function is not exposed to programs by default; the V8 flag that exposes it is
 * set for this one call's context.
 */
import { setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async"; flavor?: "regular" | "last-resort" }) => void

let gc: GcFunction | undefined

export const releaseMemory = (): void => {
  if (gc === undefined) {
    setFlagsFromString("--expose-gc")
    gc = runInNewContext("gc") as GcFunction
  }
  gc({ type: "major", execution: "sync", flavor: "last-resort" })
}

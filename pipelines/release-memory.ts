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
import { getHeapStatistics, setFlagsFromString } from "node:v8"
import { runInNewContext } from "node:vm"

type GcFunction = (options?: { type?: "major" | "minor"; execution?: "sync" | "async"; flavor?: "regular" | "last-resort" }) => void

let gc: GcFunction | undefined

export const releaseMemory = (): void => {
  gcFunction()({ type: "major", execution: "sync", flavor: "last-resort" })
}

/**
 * One full collection (not memory-reducing): for a long synchronous computation whose phases
 * leave large typed arrays behind (the dedupe stage's linkage), so they are freed before the
 * next phase allocates its own. Tens of milliseconds on the stage's heap.
 */
export const collectGarbage = (): void => {
  gcFunction()({ type: "major", execution: "sync" })
}

/** V8's default `--semi-space-growth-factor` (node --v8-options), restored after `withYoungGenerationKept`. */
const SEMI_SPACE_GROWTH_FACTOR = 2

/** Calls of `withYoungGenerationKept(Async)` under way: the factor is restored when the outermost ends. */
let keeping = 0

const keepYoungGeneration = (): void => {
  if (keeping++ === 0) setFlagsFromString("--semi-space-growth-factor=1")
}
const letYoungGenerationGrow = (): void => {
  if (--keeping === 0) setFlagsFromString(`--semi-space-growth-factor=${SEMI_SPACE_GROWTH_FACTOR}`)
}

/**
 * Runs a long synchronous computation that allocates mostly short-lived values (the dedupe
 * stage's matching: a boxed number per record and blocking key, millions of them) with V8's
 * young generation kept at the size it has, instead of letting it grow to its 32 MB. Right after
 * `releaseMemory` that size is the minimum; scavenging garbage that all dies young costs about
 * the same in small spaces as in large ones, and the 30 MB stay out of the stage's peak. The
 * growth factor is read at every scavenge, so setting it takes effect at once. Calls nest.
 */
export const withYoungGenerationKept = <A>(work: () => A): A => {
  keepYoungGeneration()
  try {
    return work()
  } finally {
    letYoungGenerationGrow()
  }
}

/**
 * `withYoungGenerationKept` for work that awaits (a stage reading database pages, the workbook).
 * Whatever else the process runs meanwhile runs with the young generation kept too.
 */
export const withYoungGenerationKeptAsync = async <A>(work: () => Promise<A>): Promise<A> => {
  keepYoungGeneration()
  try {
    return await work()
  } finally {
    letYoungGenerationGrow()
  }
}

const gcFunction = (): GcFunction => {
  if (gc === undefined) {
    setFlagsFromString("--expose-gc")
    gc = runInNewContext("gc") as GcFunction
  }
  return gc
}

/**
 * Bounds the garbage a long loop over database pages leaves in the old generation: each page of
 * rows is alive while the next query or COPY is awaited, so the scavenges that run meanwhile
 * promote it, and V8 lets the old space grow to two or three times the live heap before a
 * major collection (the dedupe stage at 1×: 44 MB live, 134 MB before it). Call the returned
 * function once per page: when the heap has grown by `slackBytes` since the last collection, one
 * major GC runs (tens of milliseconds). Growth that stays alive raises the base.
 */
export const boundedGarbage = (slackBytes = 32 * 1024 * 1024): (() => void) => {
  let base = getHeapStatistics().used_heap_size
  return () => {
    if (getHeapStatistics().used_heap_size - base < slackBytes) return
    gcFunction()({ type: "major", execution: "sync" })
    base = getHeapStatistics().used_heap_size
  }
}

/**
 * The C allocator's setting for the long commands (`run`, `rerun`), which glibc reads only when
 * the process starts: the command executes itself again in place with it set (execve: the same
 * process id, so `kill -9 <pid>` still stops the run, and a supervisor still waits on it).
 *
 * Why: the typed arrays of the dedupe stage (a column per field, 2–4 MB each at 500,000 citizen
 * records, and the blocking index, pairs and clusters) live outside V8's heap, in malloc'd
 * memory. glibc serves a first block of that size with mmap and gives it back on free, but then
 * raises its threshold to the size freed (up to 32 MB), so every later one comes from the heap
 * it only trims from the top: after the stage the freed columns stayed in the process, ≈ 100 MB
 * at 4× scale, through the loading phase, the link and the workbook after it. With the threshold
 * fixed at 1 MB, a block of 1 MB or more is always mapped and unmapped on its own and leaves with
 * its array; smaller ones (row buffers, COPY chunks) stay in the heap as before, so the loading
 * phases do not pay a mapping per chunk (a 128 KB threshold did: +25 % CPU). Measured in
 * BENCHMARKS.md (engine, "Memory of `provmerge run`").
 *
 * `MALLOC_MMAP_THRESHOLD_` set by the caller (any value) is left alone; `PROVMERGE_MALLOC_MMAP_THRESHOLD=0`
 * leaves glibc's own sizing (another number of bytes sets that threshold instead).
 */

/** Bytes from which glibc maps a block on its own instead of taking it from its heap. */
export const DEFAULT_MMAP_THRESHOLD = 1024 * 1024

const LONG_COMMANDS: ReadonlySet<string> = new Set(["run", "rerun"])

/**
 * The environment to execute the command again with, or undefined when the process should go on
 * as it is: not a long command, the setting already there (this is the second start, or the
 * caller chose), switched off, or not a whole number of bytes (`invalid` says so).
 * `args`: the command line after the script (process.argv.slice(2)).
 */
export const allocatorRestart = (
  args: readonly string[],
  env: Readonly<Record<string, string | undefined>>
): { readonly env: Record<string, string> } | { readonly invalid: string } | undefined => {
  const command = args.find((a) => !a.startsWith("-"))
  if (command === undefined || !LONG_COMMANDS.has(command)) return undefined
  if (env["MALLOC_MMAP_THRESHOLD_"] !== undefined) return undefined
  const setting = env["PROVMERGE_MALLOC_MMAP_THRESHOLD"]?.trim() ?? ""
  let bytes = DEFAULT_MMAP_THRESHOLD
  if (setting !== "") {
    if (!/^\d+$/.test(setting) || !Number.isSafeInteger(Number(setting))) {
      return { invalid: `PROVMERGE_MALLOC_MMAP_THRESHOLD=${JSON.stringify(setting)} is not a whole number of bytes (0 = glibc's own sizing); left unset` }
    }
    bytes = Number(setting)
    if (bytes === 0) return undefined
  }
  const next: Record<string, string> = {}
  for (const [k, v] of Object.entries(env)) if (v !== undefined) next[k] = v
  next["MALLOC_MMAP_THRESHOLD_"] = String(bytes)
  return { env: next }
}

/**
 * Executes this command again in place with the allocator setting, when `allocatorRestart` says
 * so (Linux only: glibc's variable, and execve). Returns only when it does not restart.
 */
export const restartWithAllocatorSettings = (): void => {
  if (process.platform !== "linux" || typeof process.execve !== "function") return
  const restart = allocatorRestart(process.argv.slice(2), process.env)
  if (restart === undefined) return
  if ("invalid" in restart) {
    process.stderr.write(`warning: ${restart.invalid}\n`)
    return
  }
  process.execve(process.execPath, [process.execPath, ...process.execArgv, ...process.argv.slice(1)], restart.env)
}

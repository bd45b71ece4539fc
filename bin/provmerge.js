#!/usr/bin/env node
// Entry point of the provmerge CLI. The sources are TypeScript run by Node's built-in type
// stripping (Node >= 22.18), so there is no build step between a checkout and a run.
const [major, minor] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(
    `provmerge needs Node.js 22.18 or newer (this is ${process.versions.node}).\n` +
      "Install it (for example `npm install -g node@22`) and run the command again.\n"
  )
  process.exit(2)
}
// Cache compiled code between runs (Node stores it under the OS temp dir); a cold start strips
// and compiles every module, a warm one reuses them.
const { enableCompileCache } = await import("node:module")
enableCompileCache?.()
// `run` and `rerun` start again in place (same process id) with the C allocator's setting that
// lets the dedupe stage's freed arrays leave the process (cli/allocator-settings.ts).
const { restartWithAllocatorSettings } = await import("../cli/allocator-settings.ts")
restartWithAllocatorSettings()
await import("../cli/main.ts")

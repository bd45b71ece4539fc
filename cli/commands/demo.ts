/**
 * `provmerge demo`: the whole job on one machine with no server — generate a small synthetic
 * province (two old provinces, two vendors, realistic dirt) into embedded PGlite, migrate it
 * into a PGlite target, and print where the reconciliation workbook is.
 */
import { existsSync } from "node:fs"
import { rm } from "node:fs/promises"
import { join, resolve } from "node:path"
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { pipelines } from "../lazy-pipelines.ts"
import { makeProgressSink } from "../progress-display.ts"
import { failWhen, usageError } from "../exit-status.ts"
import { logFormatFlag } from "../shared-flags.ts"

export const demoCommand = Command.make(
  "demo",
  {
    out: Flag.String("out").pipe(Flag.withDescription("Directory for the demo world, target and workbook (replaced if it holds an earlier demo)"), Flag.withDefault("demo-out")),
    scale: Flag.Finite("scale").pipe(Flag.withDescription("World size; 1 ≈ 10,000 citizens and 50,000 dossiers"), Flag.withDefault(0.1)),
    seed: Flag.Int("seed").pipe(Flag.withDescription("Same seed, same world"), Flag.withDefault(1)),
    logFormat: logFormatFlag
  },
  (flags) =>
    Effect.gen(function*() {
      const { loadJob } = yield* pipelines.jobConfig
      const { runJob } = yield* pipelines.runJob
      const { generateWorld } = yield* Effect.promise(() => import("../../synthetic/world.ts"))
      const out = resolve(flags.out)
      if (existsSync(out)) {
        if (!existsSync(join(out, ".provmerge-demo"))) {
          return yield* usageError(`${out} exists and is not a provmerge demo directory; choose another --out`)
        }
        yield* Effect.promise(() => rm(out, { recursive: true, force: true }))
      }
      const progress = makeProgressSink(flags.logFormat)
      progress.emit({ type: "stage", stage: "generate", message: `generating a synthetic province (scale ${flags.scale}, seed ${flags.seed}) into PGlite under ${out}` })
      const world = yield* Effect.promise(() => generateWorld({ out, scale: flags.scale, seed: flags.seed }))
      yield* Effect.promise(() => import("node:fs/promises").then((fs) => fs.writeFile(join(out, ".provmerge-demo"), "made by provmerge demo\n")))
      progress.emit({
        type: "stage",
        stage: "generate",
        message: `${world.totals.rows} source rows in ${world.sources.length} old provinces (${world.sources.map((s) => `${s.name}: ${s.vendor}`).join(", ")})`
      })
      const job = yield* loadJob(world.jobFile)
      const result = yield* runJob(job, { progress, command: "demo" }).pipe(Effect.ensuring(Effect.sync(() => progress.close())))
      yield* Effect.sync(() =>
        process.stdout.write(
          `\nDemo finished (${result.status}). Reconciliation workbook:\n  ${result.workbook}\n` +
            `Ledger: node bin/provmerge.js status ${job.file}\n`
        )
      )
      yield* failWhen(result.status === "failed", "the demo run had failed batches")
    })
).pipe(Command.withDescription(
  "Generate a small synthetic province and migrate it entirely on embedded PGlite (no server needed), then print where the workbook is"
))

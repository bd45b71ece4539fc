/**
 * `provmerge generate`: a synthetic province to rehearse a migration on — two or more old
 * provinces' TTHC and civil-status databases from two different vendors, with realistic
 * Vietnamese people and known defects — plus job.json and the ground truth to check a run against.
 */
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { redactDsn } from "../../connectors/database-location.ts"
import { CommandFailed, usageError } from "../exit-status.ts"
import { optionValue } from "../shared-flags.ts"

export const generateCommand = Command.make(
  "generate",
  {
    out: Flag.String("out").pipe(
      Flag.withDescription("Directory for job.json, the ground truth (truth/) and, without servers, the PGlite source databases (sources/)")
    ),
    scale: Flag.Finite("scale").pipe(
      Flag.withDescription("Volume: 1 ≈ 10,000 citizen records, 50,000 dossiers and 5,000 civil-status registrations; 0.1 for a quick try, 40 ≈ 2 million dossiers"),
      Flag.withDefault(1)
    ),
    seed: Flag.Int("seed").pipe(Flag.withDescription("The same seed always gives the same world"), Flag.withDefault(1)),
    mysql: Flag.String("mysql").pipe(
      Flag.withDescription("MariaDB/MySQL server for the vendor A systems, e.g. mysql://root@127.0.0.1:3306 (databases <prefix>_a_tthc, <prefix>_a_hotich … are created). Default: PGlite under --out"),
      Flag.optional
    ),
    postgres: Flag.String("postgres").pipe(
      Flag.withDescription("PostgreSQL server for the vendor B systems, e.g. postgres://postgres@127.0.0.1:5432. Default: PGlite under --out"),
      Flag.optional
    ),
    catalog: Flag.String("catalog").pipe(
      Flag.withDescription("Unit catalog to draw the provinces and communes from (cleaned directory, official workbook or its CSV). Default: a small built-in invented catalog with the real traps"),
      Flag.optional
    ),
    province: Flag.String("province").pipe(
      Flag.withDescription("Code of the NEW province to build (e.g. 91 = An Giang with the official catalog). Default: the one whose old communes were split most"),
      Flag.optional
    ),
    dbPrefix: Flag.String("db-prefix").pipe(
      Flag.withDescription("Prefix of the server database names. Default: derived from the --out directory name"),
      Flag.optional
    )
  },
  (flags) =>
    Effect.gen(function*() {
      if (!(flags.scale > 0)) return yield* usageError(`--scale must be greater than 0, got ${flags.scale}`)
      const world = yield* Effect.tryPromise({
        try: () =>
          import("../../synthetic/world.ts").then(({ generateWorld }) => generateWorld({
            out: flags.out,
            scale: flags.scale,
            seed: flags.seed,
            mysql: optionValue(flags.mysql),
            postgres: optionValue(flags.postgres),
            catalog: optionValue(flags.catalog),
            province: optionValue(flags.province),
            dbPrefix: optionValue(flags.dbPrefix),
            onProgress: (message) => process.stderr.write(`${message}\n`)
          })),
        catch: (e) => new CommandFailed({ reason: `generate failed: ${redactDsn(e instanceof Error ? e.message : String(e))}`, exitCode: 1 })
      })
      const lines = [
        `World ${world.job.name}: new province ${world.job.province.code} ${world.job.province.name}`,
        ...world.sources.map((s) =>
          `  ${s.name} (${s.vendor}, old province ${s.oldProvinceCode}): ${Object.entries(s.rows).map(([t, n]) => `${t} ${n}`).join(", ")}\n` +
          `    tthc: ${redactDsn(s.tthc)}\n    civil status: ${redactDsn(s.civilStatus)}`
        ),
        `${world.totals.rows} rows (${world.totals.rejects} must be rejected) in ${(world.elapsedMs / 1000).toFixed(1)} s (${Math.round(world.rowsPerSecond)} rows/s)`,
        `Job file: ${world.jobFile}`,
        `Ground truth: ${world.truthDir} (see README.md there)`
      ]
      yield* Effect.sync(() => process.stdout.write(lines.join("\n") + "\n"))
    })
).pipe(
  Command.withDescription(
    "Generate a synthetic province to rehearse a migration: the old provinces' TTHC and civil-status (hộ tịch) databases " +
      "from two vendors with realistic Vietnamese data and known defects, a job.json to migrate them, and the ground truth " +
      "(truth/: expected rejects, duplicates, unit remapping and counts) to check the result"
  ),
  Command.withExamples([
    { command: "provmerge generate --out world --scale 0.1", description: "A small world in PGlite files under ./world" },
    {
      command: "provmerge generate --out world --mysql mysql://root@127.0.0.1:3306 --postgres postgres://postgres@127.0.0.1:5432",
      description: "Vendor A into MariaDB, vendor B into PostgreSQL"
    },
    { command: "provmerge generate --out ag --catalog ../shared/data/admin-units --province 91", description: "An Giang from the official catalog" }
  ])
)

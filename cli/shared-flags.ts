/** Flags that several commands share, so they read and behave the same everywhere. */
import { Argument, Flag } from "effect/cli"

export const jobFileArgument = Argument.String("job-file").pipe(
  Argument.withDescription("The job file of the new province (job.json, as written by 'provmerge generate' or by hand)"),
  Argument.withDefault("job.json")
)

export const targetFlag = Flag.String("target").pipe(
  Flag.withDescription("Target database: postgres://user@host:5432/db or pglite:<directory>. Default: the job file's 'target'"),
  Flag.optional
)

export const logFormatFlag = Flag.Literals("log-format", ["auto", "plain", "json"]).pipe(
  Flag.withDescription("auto: a live table on a terminal, plain lines otherwise; plain; json: one JSON object per event"),
  Flag.withDefault("auto" as const)
)

export const maskFlag = Flag.Boolean("mask-identifiers").pipe(
  Flag.withDescription("Mask CCCD/CMND and phone numbers in the workbook (for reviewers who must not see them)"),
  Flag.withDefault(false)
)

export const optionValue = <A>(o: { readonly _tag: "Some"; readonly value: A } | { readonly _tag: "None" }): A | undefined =>
  o._tag === "Some" ? o.value : undefined

/**
 * How the CLI ends: a failed run exits 1 with one clear line, a usage mistake exits 2, and
 * nothing prints a stack trace unless PROVMERGE_DEBUG=1 asks for it.
 */
import * as Cause from "effect/Cause"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"

export class CommandFailed extends Data.TaggedError("CommandFailed")<{ readonly reason: string; readonly exitCode: number }> {
  override get message() {
    return this.reason
  }
}

export const failWhen = (condition: boolean, reason: string) =>
  condition ? Effect.fail(new CommandFailed({ reason, exitCode: 1 })) : Effect.void

export const usageError = (reason: string) => Effect.fail(new CommandFailed({ reason, exitCode: 2 }))

const CLI_PARSE_ERRORS = new Set([
  "MissingArgument", "MissingOption", "UnrecognizedOption", "InvalidValue", "UnknownSubcommand", "DuplicateOption", "ShowHelp", "UserError"
])

/** Prints the failure of a command for the person at the terminal and sets the exit code. */
export const reportFailure = (cause: Cause.Cause<unknown>): Effect.Effect<void> =>
  Effect.sync(() => {
    const debug = process.env.PROVMERGE_DEBUG === "1"
    const errors = cause.reasons.flatMap((r) => (Cause.isFailReason(r) ? [r.error] : Cause.isDieReason(r) ? [r.defect] : []))
    if (errors.length === 0) {
      process.exitCode = 130
      return
    }
    let code = 1
    for (const error of errors) {
      const tag = (error as { _tag?: unknown })._tag
      if (typeof tag === "string" && CLI_PARSE_ERRORS.has(tag)) {
        code = 2 // already shown by the CLI parser, with the usage
        continue
      }
      if (error instanceof CommandFailed) code = error.exitCode
      const message = error instanceof Error ? error.message : String(error)
      process.stderr.write(`provmerge: ${message}\n`)
      if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`)
    }
    if (!debug && errors.some((e) => !(typeof (e as { _tag?: unknown })._tag === "string"))) {
      process.stderr.write("(an unexpected error: run again with PROVMERGE_DEBUG=1 for the details to report)\n")
    }
    process.exitCode = code
  })

/** `provmerge diff` alone, run the way cli/main.ts runs every command (until main.ts wires it in). */
import { Effect } from "effect"
import { Command } from "effect/cli"
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { diffCommand } from "../../cli/commands/diff.ts"
import { reportFailure } from "../../cli/exit-status.ts"

Command.run(Command.make("provmerge").pipe(Command.withSubcommands([diffCommand])), { version: "test" }).pipe(
  Effect.catchCause(reportFailure),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({ disableErrorReporting: true })
)

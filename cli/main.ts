/**
 * The provmerge command line. Each command lives in cli/commands/<name>.ts; this file only puts
 * them together and decides how the process ends.
 */
import * as Effect from "effect/Effect"
import { Command } from "effect/cli"
// Subpath imports: the package's index loads every platform module (HTTP, sockets, workers …),
// ~35 MB of RSS the CLI never uses.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { TOOL_VERSION } from "../pipelines/tool-version.ts"
import { reportFailure } from "./exit-status.ts"
import { rerunCommand } from "./commands/rerun.ts"
import { runCommand } from "./commands/run.ts"
import { statusCommand } from "./commands/status.ts"
import { reviewCommand } from "./commands/review.ts"
import { demoCommand } from "./commands/demo.ts"
import { generateCommand } from "./commands/generate.ts"
import { unitsCommand } from "./commands/units.ts"
import { diffCommand } from "./commands/diff.ts"
import { dedupeCommand } from "./commands/dedupe.ts"
import { ocrCommand } from "./commands/ocr.ts"

const provmerge = Command.make("provmerge").pipe(
  Command.withDescription(
    "Moves a pre-merger province's data (TTHC dossiers, civil status, citizens, officials' accounts, scanned results) " +
      "into the unified provincial system, and writes the reconciliation workbook reviewers sign off."
  ),
  Command.withSubcommands([demoCommand, generateCommand, runCommand, statusCommand, rerunCommand, reviewCommand, diffCommand, unitsCommand, dedupeCommand, ocrCommand])
)

Command.run(provmerge, { version: TOOL_VERSION }).pipe(
  Effect.catchCause(reportFailure),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({ disableErrorReporting: true })
)

/** The errors a migration run can end with, in words an operator can act on. */
import * as Data from "effect/Data"

export class SourceUnavailable extends Data.TaggedError("SourceUnavailable")<{
  readonly source: string
  readonly database: string
  readonly cause: string
}> {
  override get message() {
    return `Cannot read source '${this.source}' (${this.database}): ${this.cause}. ` +
      `Check that the server is up and the DSN in the job file is right, then run again; verified batches are not re-read.`
  }
}

export class TargetUnavailable extends Data.TaggedError("TargetUnavailable")<{
  readonly target: string
  readonly cause: string
}> {
  override get message() {
    return `Cannot use the target ${this.target}: ${this.cause}. Check that it is reachable, then run again.`
  }
}

export class UnknownVendor extends Data.TaggedError("UnknownVendor")<{
  readonly source: string
  readonly vendor: string
  readonly known: readonly string[]
}> {
  override get message() {
    return `Source '${this.source}' names vendor '${this.vendor}', which has no mapping. Known vendors: ${this.known.join(", ")}.`
  }
}

export class CatalogUnavailable extends Data.TaggedError("CatalogUnavailable")<{
  readonly path: string
  readonly cause: string
}> {
  override get message() {
    return `Cannot load the unit catalog from ${this.path}: ${this.cause}. ` +
      `Give the statistics office's crosswalk (xlsx or CSV) or the cleaned admin-units directory, or "builtin".`
  }
}

export class BatchFailed extends Data.TaggedError("BatchFailed")<{
  readonly batchId: string
  readonly attempt: number
  readonly cause: string
  readonly transient: boolean
}> {
  override get message() {
    return `Batch ${this.batchId} failed (attempt ${this.attempt}): ${this.cause}`
  }
}

export class BatchNotFound extends Data.TaggedError("BatchNotFound")<{ readonly batchId: string }> {
  override get message() {
    return `No batch ${this.batchId} in the ledger. 'provmerge status' lists the batches and their ids.`
  }
}

export class StageFailed extends Data.TaggedError("StageFailed")<{ readonly stage: string; readonly cause: string }> {
  override get message() {
    return `The ${this.stage} stage failed: ${this.cause}`
  }
}

/**
 * Errors worth retrying with backoff: lost or refused connections, server restarts, deadlocks,
 * serialization failures, too many connections. Anything else fails the batch at once.
 */
export const isTransientError = (error: unknown): boolean => {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown; fatal?: unknown }
  const code = typeof e.code === "string" ? e.code : ""
  if (["40001", "40P01", "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006", "08001", "08004"].includes(code)) return true
  if ([
    "ECONNRESET", "ECONNREFUSED", "ECONNABORTED", "EPIPE", "ETIMEDOUT", "EHOSTUNREACH", "PROTOCOL_CONNECTION_LOST", "ER_LOCK_DEADLOCK",
    "ER_LOCK_WAIT_TIMEOUT", "ER_CON_COUNT_ERROR", "ER_SERVER_SHUTDOWN", "ER_CONNECTION_KILLED", "ER_QUERY_INTERRUPTED",
    "SOURCE_COUNT_MISMATCH"
  ].includes(code)) return true
  const message = typeof e.message === "string" ? e.message : ""
  return /Connection terminated|connection (was )?closed|server closed the connection|Client has encountered a connection error|terminating connection|closed state|Connection lost/i
    .test(message)
}

export const describeError = (error: unknown): string => {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code
    return typeof code === "string" && code !== "" ? `${error.message} [${code}]` : error.message
  }
  return String(error)
}

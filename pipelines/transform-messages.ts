/** Messages between the batch loader and its transform workers (see transform-workers.ts). */
import type { AccumulatorTransfer } from "./row-transformer.ts"
import type { LineMode } from "./transformed-chunks.ts"

export interface TransformRequest {
  readonly type: "transform"
  readonly id: number
  /** The source database's DSN (a server engine: the worker opens its own connections). */
  readonly source: string
  readonly poolSize: number
  readonly vendor: string
  readonly table: string
  readonly range: { readonly lo: string; readonly hi: string }
  readonly fetchSize: number
  readonly context: { readonly source: string; readonly oldProvinceCode: string }
  readonly decidedUnits: ReadonlyArray<readonly [string, string]>
  readonly mode: LineMode
}

export type ToWorker =
  | TransformRequest
  | { readonly type: "ack" | "cancel"; readonly id: number }
  | { readonly type: "close" }

export interface WorkerError {
  readonly message: string
  readonly name: string
  readonly code: string | undefined
  readonly errno: number | undefined
  readonly fatal: true | undefined
}

export type ToLoader =
  /** COPY text as UTF-8 (a transferred buffer of its own). */
  | { readonly type: "chunk"; readonly id: number; readonly bytes: Uint8Array }
  | { readonly type: "done"; readonly id: number; readonly acc: AccumulatorTransfer }
  | { readonly type: "error"; readonly id: number; readonly error: WorkerError }
  | { readonly type: "closed" }

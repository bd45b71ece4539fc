/**
 * Worker threads that do a batch's per-row work (source read with mysql2 or pg, mapping, unit
 * remap, ids, checksum, COPY text) off the loader's thread, so that on a multi-core machine the
 * Node side of a load is no longer one core's worth. The loader keeps the target transaction and
 * writes the text the worker sends into its COPY; the worker's accumulator (counts, per-unit
 * tallies, checksum, rejects, review items) comes back at the end of the range and is added to
 * the batch's own, so verification, rejects and bookkeeping are exactly those of an in-thread load.
 *
 * Requests go to the worker with the fewest batches in flight. A worker that dies fails its
 * batches (they are retried like any failed read) and is replaced for the next ones.
 */
import { Worker } from "node:worker_threads"
import type { BatchAccumulator } from "./row-transformer.ts"
import type { ToLoader, ToWorker, TransformRequest, WorkerError } from "./transform-messages.ts"

/**
 * How many transform workers a run starts: PROVMERGE_TRANSFORM_WORKERS (a whole number; unset or
 * 0: none, every row on the loader's thread). Off by default: on the shared 2-core machine the
 * benchmarks ran on, PostgreSQL and MariaDB already use the second core, and a worker added CPU
 * per row (its own isolate, decoding and GC) and ≈ 70–130 MB of memory without making the load
 * faster (BENCHMARKS.md, engine). It pays where cores are idle while the loader's thread is busy.
 */
export const transformWorkerCount = (): number => {
  const set = process.env.PROVMERGE_TRANSFORM_WORKERS
  if (set === undefined || set === "") return 0
  const n = Number(set)
  if (!Number.isInteger(n) || n < 0) throw new Error(`PROVMERGE_TRANSFORM_WORKERS must be a whole number ≥ 0, not '${set}'`)
  return n
}

export type TransformSpec = Omit<TransformRequest, "type" | "id">

export interface TransformWorkers {
  readonly size: number
  /** The COPY text of the range, chunk by chunk; at its end `acc` holds the range's accumulator. */
  chunks(spec: TransformSpec, acc: BatchAccumulator): AsyncGenerator<Uint8Array, void, undefined>
  close(): Promise<void>
}

interface Pending {
  readonly queue: Uint8Array[]
  done: boolean
  failure: Error | undefined
  wake: (() => void) | undefined
  acc: BatchAccumulator
}

interface Slot {
  worker: Worker
  readonly pending: Map<number, Pending>
}

const rebuildError = (e: WorkerError): Error => {
  const error = new Error(e.message) as Error & { code?: string; errno?: number; fatal?: boolean }
  error.name = e.name
  if (e.code !== undefined) error.code = e.code
  if (e.errno !== undefined) error.errno = e.errno
  if (e.fatal !== undefined) error.fatal = e.fatal
  return error
}

export const startTransformWorkers = (options: { readonly count: number; readonly catalog: string; readonly unitHints: string | undefined }): TransformWorkers => {
  let nextId = 1
  let closing = false
  const wakeUp = (p: Pending) => {
    const w = p.wake
    p.wake = undefined
    w?.()
  }
  const spawn = (): Slot => {
    const slot: Slot = {
      worker: new Worker(new URL("./transform-worker.ts", import.meta.url), { workerData: { catalog: options.catalog, unitHints: options.unitHints } }),
      pending: new Map()
    }
    const failAll = (error: Error) => {
      for (const p of slot.pending.values()) {
        p.failure ??= error
        wakeUp(p)
      }
      slot.pending.clear()
    }
    slot.worker.on("message", (m: ToLoader) => {
      if (m.type === "closed") return
      const p = slot.pending.get(m.id)
      if (p === undefined) return
      if (m.type === "chunk") p.queue.push(m.bytes)
      else if (m.type === "done") {
        p.acc.addTransfer(m.acc)
        p.done = true
        slot.pending.delete(m.id)
      } else {
        p.failure = rebuildError(m.error)
        slot.pending.delete(m.id)
      }
      wakeUp(p)
    })
    slot.worker.on("error", (error) => failAll(new Error(`a transform worker failed: ${error.message}`)))
    slot.worker.on("exit", (code) => {
      failAll(new Error(`a transform worker stopped (exit code ${code})`))
      const i = slots.indexOf(slot)
      if (i >= 0 && !closing) slots[i] = spawn()
    })
    return slot
  }
  const slots: Slot[] = Array.from({ length: options.count }, spawn)
  const post = (slot: Slot, m: ToWorker) => slot.worker.postMessage(m)

  async function* chunks(spec: TransformSpec, acc: BatchAccumulator): AsyncGenerator<Uint8Array, void, undefined> {
    if (closing) throw new Error("the transform workers are closed")
    const slot = slots.reduce((a, b) => (b.pending.size < a.pending.size ? b : a))
    const id = nextId++
    const p: Pending = { queue: [], done: false, failure: undefined, wake: undefined, acc }
    slot.pending.set(id, p)
    post(slot, { type: "transform", id, ...spec })
    let finished = false
    try {
      for (;;) {
        const bytes = p.queue.shift()
        if (bytes !== undefined) {
          post(slot, { type: "ack", id })
          yield bytes
          continue
        }
        if (p.failure !== undefined) throw p.failure
        if (p.done) {
          finished = true
          return
        }
        await new Promise<void>((resolve) => (p.wake = resolve))
      }
    } finally {
      if (!finished && slot.pending.delete(id)) post(slot, { type: "cancel", id })
    }
  }

  return {
    size: options.count,
    chunks,
    close: async () => {
      closing = true
      await Promise.all(slots.map(async (slot) => {
        // Let the worker close its source pools, but never wait on it for long.
        await Promise.race([
          new Promise<void>((resolve) => {
            slot.worker.on("message", (m: ToLoader) => m.type === "closed" && resolve())
            slot.worker.postMessage({ type: "close" } satisfies ToWorker)
          }),
          new Promise<void>((resolve) => setTimeout(resolve, 3000).unref())
        ])
        await slot.worker.terminate()
      }))
    }
  }
}

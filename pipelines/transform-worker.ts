/**
 * A transform worker thread (see transform-workers.ts): reads a batch's source range with its own
 * source connections, maps, remaps, checksums and builds the COPY text, and sends the text back
 * chunk by chunk, then the batch's accumulator. The loader's thread keeps the target transaction
 * (COPY, verification, bookkeeping), so the per-row work runs on another core.
 *
 * Flow control: at most MAX_UNACKED chunks of a batch are in flight; the worker waits for the
 * loader to take one before reading on (the socket to the source is not read meanwhile).
 */
import { parentPort, workerData } from "node:worker_threads"
import { parseDatabaseLocation } from "../connectors/database-location.ts"
import { openSourceReader } from "../connectors/open-source-reader.ts"
import type { SourceReader } from "../connectors/source-reader.ts"
import { findVendorMapping } from "../mappings/vendors/index.ts"
import { targetTables } from "../target/tables/index.ts"
import { BatchAccumulator } from "./row-transformer.ts"
import { rangeCopyChunks } from "./transformed-chunks.ts"
import { loadJobUnits } from "./unit-remapper.ts"
import type { ToLoader, ToWorker, TransformRequest } from "./transform-messages.ts"

const MAX_UNACKED = 4
const port = parentPort!
const { catalog, unitHints } = workerData as { catalog: string; unitHints: string | undefined }
const units = loadJobUnits(catalog, unitHints)
const readers = new Map<string, Promise<SourceReader>>()
const flows = new Map<number, { unacked: number; wake: (() => void) | undefined; cancelled: boolean }>()

const send = (m: ToLoader) => port.postMessage(m)

const readerFor = (dsn: string, poolSize: number): Promise<SourceReader> => {
  let r = readers.get(dsn)
  if (r === undefined) {
    r = openSourceReader(parseDatabaseLocation(dsn), poolSize)
    r.catch(() => readers.delete(dsn))
    readers.set(dsn, r)
  }
  return r
}

const run = async (req: TransformRequest): Promise<void> => {
  const flow = { unacked: 0, wake: undefined as (() => void) | undefined, cancelled: false }
  flows.set(req.id, flow)
  try {
    const mapping = findVendorMapping(req.vendor)?.tables.find((t) => t.table === req.table)
    if (mapping === undefined) throw new Error(`vendor '${req.vendor}' has no table '${req.table}'`)
    const table = targetTables[mapping.entity]
    const [reader, remapper] = await Promise.all([readerFor(req.source, req.poolSize), units])
    const transformer = { mapping, context: req.context, remapper, target: table, decidedUnits: new Map(req.decidedUnits) }
    const acc = new BatchAccumulator()
    for await (const bytes of rangeCopyChunks(reader, req.range, req.fetchSize, transformer, acc, req.mode)) {
      if (flow.cancelled) return
      // The UTF-8 bytes are handed over (transferred, not copied; each chunk has a buffer of its
      // own): the loader's thread writes them into its COPY as they are.
      port.postMessage({ type: "chunk", id: req.id, bytes } satisfies ToLoader, [bytes.buffer as ArrayBuffer])
      flow.unacked++
      while (flow.unacked >= MAX_UNACKED && !flow.cancelled) await new Promise<void>((resolve) => (flow.wake = resolve))
      if (flow.cancelled) return
    }
    send({ type: "done", id: req.id, acc: acc.toTransfer() })
  } catch (error) {
    const e = error as { message?: unknown; name?: unknown; code?: unknown; errno?: unknown; sqlState?: unknown; fatal?: unknown }
    send({
      type: "error",
      id: req.id,
      error: {
        message: typeof e.message === "string" ? e.message : String(error),
        name: typeof e.name === "string" ? e.name : "Error",
        code: e.code === undefined ? undefined : String(e.code),
        errno: typeof e.errno === "number" ? e.errno : undefined,
        fatal: e.fatal === true ? true : undefined
      }
    })
  } finally {
    flows.delete(req.id)
  }
}

port.on("message", (m: ToWorker) => {
  switch (m.type) {
    case "transform":
      void run(m)
      return
    case "ack":
    case "cancel": {
      const flow = flows.get(m.id)
      if (flow === undefined) return
      if (m.type === "ack") flow.unacked--
      else flow.cancelled = true
      const w = flow.wake
      flow.wake = undefined
      w?.()
      return
    }
    case "close":
      void Promise.all([...readers.values()].map((r) => r.then((x) => x.close()).catch(() => undefined)))
        .then(() => send({ type: "closed" }))
      return
  }
})

/**
 * Rows from a driver's callbacks handed to the loader in arrays, without a promise per row: the
 * driver pushes rows synchronously, the consumer awaits only when no full array is waiting. When
 * `maxWaiting` arrays are queued the producer is paused (mysql2: the socket stops being read;
 * pg cursor: the next page is not fetched), so memory stays bounded by a few arrays whatever the
 * table size.
 *
 * A stream that closes without a proper end is an error, never a silent short read: a batch must
 * not be verified on half its rows.
 */
import type { Readable } from "node:stream"

export class RowQueue<R> {
  private current: R[] = []
  private readonly ready: R[][] = []
  private done = false
  private failure: { error: unknown } | undefined
  private wake: (() => void) | undefined
  private paused = false

  private readonly size: number
  private readonly control: { pause(): void; resume(): void }
  private readonly maxWaiting: number

  constructor(size: number, control: { pause(): void; resume(): void }, maxWaiting = 2) {
    this.size = size
    this.control = control
    this.maxWaiting = maxWaiting
  }

  /** Producer: one row. */
  push(row: R): void {
    const c = this.current
    c.push(row)
    if (c.length >= this.size) {
      this.ready.push(c)
      this.current = []
      if (this.ready.length >= this.maxWaiting && !this.paused) {
        this.paused = true
        this.control.pause()
      }
      this.signal()
    }
  }

  /** Producer: the result set ended normally. */
  end(): void {
    if (this.done) return
    if (this.current.length > 0) {
      this.ready.push(this.current)
      this.current = []
    }
    this.done = true
    this.signal()
  }

  /** Producer: the read failed. */
  fail(error: unknown): void {
    if (this.done && this.failure === undefined) return // ended normally: a later connection error is not this read's
    if (this.failure === undefined) this.failure = { error }
    this.done = true
    this.signal()
  }

  private signal(): void {
    const w = this.wake
    this.wake = undefined
    w?.()
  }

  async *arrays(): AsyncGenerator<R[], void, undefined> {
    for (;;) {
      if (this.failure !== undefined) throw this.failure.error
      const next = this.ready.shift()
      if (next !== undefined) {
        if (this.paused && this.ready.length < this.maxWaiting) {
          this.paused = false
          this.control.resume()
        }
        yield next
        continue
      }
      if (this.done) return
      await new Promise<void>((resolve) => {
        this.wake = resolve
      })
    }
  }
}

/** The events of a driver's connection a read listens to ('error', 'end'). */
interface ConnectionEvents {
  on(event: "error" | "end", listener: (...args: any[]) => void): unknown
  off(event: "error" | "end", listener: (...args: any[]) => void): unknown
}

/**
 * Arrays of rows from an object-mode Readable (pg-query-stream): buffered rows are taken with
 * synchronous read() calls; the stream fetches the next page only when its buffer drains.
 *
 * `connection`, the client the stream reads from, is listened to as well: pg-query-stream reports
 * a lost connection only by destroying itself, and its destroy first waits for the dead
 * connection's ReadyForQuery, so neither 'error' nor 'close' would ever come.
 */
export async function* readableBatches<R>(
  stream: Readable,
  size: number,
  connection?: ConnectionEvents
): AsyncGenerator<R[], void, undefined> {
  const state: { ended: boolean; failure: { error: unknown } | undefined } = { ended: false, failure: undefined }
  let wake: (() => void) | undefined
  const signal = () => {
    const w = wake
    wake = undefined
    w?.()
  }
  const onReadable = () => signal()
  const onEnd = () => {
    state.ended = true
    signal()
  }
  const onError = (error: unknown) => {
    state.failure ??= { error }
    signal()
  }
  const onClose = () => {
    if (!state.ended) state.failure ??= { error: new Error("the source closed the result stream before its end") }
    signal()
  }
  const throwIfFailed = () => {
    if (state.failure !== undefined) throw state.failure.error
  }
  const onConnectionEnd = () => {
    if (!state.ended) state.failure ??= { error: new Error("Connection terminated unexpectedly") }
    signal()
  }
  stream.on("readable", onReadable)
  stream.on("end", onEnd)
  stream.on("error", onError)
  stream.on("close", onClose)
  connection?.on("error", onError)
  connection?.on("end", onConnectionEnd)
  try {
    let batch: R[] = []
    for (;;) {
      let row: R | null
      while (batch.length < size && (row = stream.read() as R | null) !== null) batch.push(row)
      throwIfFailed()
      if (batch.length >= size) {
        const full = batch
        batch = []
        yield full
        continue
      }
      if (state.ended) {
        if (batch.length > 0) yield batch
        return
      }
      await new Promise<void>((resolve) => {
        wake = resolve
      })
    }
  } finally {
    stream.off("readable", onReadable)
    stream.off("end", onEnd)
    stream.off("error", onError)
    stream.off("close", onClose)
    connection?.off("error", onError)
    connection?.off("end", onConnectionEnd)
    if (!stream.destroyed && !stream.readableEnded) stream.destroy()
  }
}

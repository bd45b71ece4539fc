/**
 * The JSON progress events of a `provmerge run --log-format json` child, read line by line from
 * its stderr. Lines that are not JSON (a warning, an error message) are kept as the tail of the
 * output, for the message a bench throws when the run fails.
 */
import type { Readable } from "node:stream"

export interface JsonEventLines {
  /** The last 4,000 characters of the lines that were not JSON events. */
  tail(): string
}

export const readJsonEventLines = <E = Record<string, unknown>>(stream: Readable, onEvent: (event: E, line: string) => void): JsonEventLines => {
  let pending = ""
  let tail = ""
  stream.setEncoding("utf8")
  stream.on("data", (chunk: string) => {
    pending += chunk
    let i
    while ((i = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, i)
      pending = pending.slice(i + 1)
      let event: E
      try {
        if (!line.startsWith("{")) throw new Error("not an event")
        event = JSON.parse(line) as E
      } catch {
        tail = (tail + line + "\n").slice(-4000)
        continue
      }
      onEvent(event, line)
    }
  })
  return { tail: () => tail }
}

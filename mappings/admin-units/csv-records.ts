/**
 * Reading CSV fast: the remap CLI streams millions of rows and the catalog tables are read on
 * every start.
 */
import * as Data from "effect/Data"

/** A CSV that is not well-formed (an unterminated quoted field). */
export class CsvSyntaxError extends Data.TaggedError("CsvSyntaxError")<{ readonly message: string }> {}

/**
 * A minimal RFC 4180 reader over text chunks (quoted fields, "" escapes, LF or CRLF line ends,
 * line breaks inside quotes). Written for this hot path: csv-parse spent most of the remap
 * time on 1M rows; this reader slices runs of plain characters instead of building fields
 * character by character.
 */
export class CsvRecordReader {
  #field = ""
  #record: string[] = []
  #inQuotes = false
  #quoteAtChunkEnd = false
  #started = false

  /** Feeds a chunk; complete records are appended to `out`. */
  push(chunk: string, out: string[][]): void {
    let i = 0
    const n = chunk.length
    if (!this.#started) {
      this.#started = true
      if (chunk.charCodeAt(0) === 0xfeff) i = 1
    }
    if (this.#quoteAtChunkEnd) {
      this.#quoteAtChunkEnd = false
      if (n > 0 && chunk.charCodeAt(0) === 0x22) {
        this.#field += '"'
        i = 1
      } else this.#inQuotes = false
    }
    while (i < n) {
      if (this.#inQuotes) {
        const q = chunk.indexOf('"', i)
        if (q === -1) {
          this.#field += chunk.slice(i)
          return
        }
        this.#field += chunk.slice(i, q)
        if (q + 1 === n) {
          this.#quoteAtChunkEnd = true
          return
        }
        if (chunk.charCodeAt(q + 1) === 0x22) {
          this.#field += '"'
          i = q + 2
        } else {
          this.#inQuotes = false
          i = q + 1
        }
        continue
      }
      let j = i
      while (j < n) {
        const c = chunk.charCodeAt(j)
        if (c === 0x2c || c === 0x0a || c === 0x0d || c === 0x22) break
        j++
      }
      if (j > i) this.#field = this.#field.length === 0 ? chunk.slice(i, j) : this.#field + chunk.slice(i, j)
      if (j === n) return
      const c = chunk.charCodeAt(j)
      if (c === 0x2c) {
        this.#record.push(this.#field)
        this.#field = ""
      } else if (c === 0x0a) {
        this.#endRecord(out)
      } else if (c === 0x22) {
        this.#inQuotes = true
      }
      // CR is dropped: the LF that follows ends the record
      i = j + 1
    }
  }

  /** Flushes the last record (a file without a final line break). */
  end(out: string[][]): void {
    if (this.#inQuotes && !this.#quoteAtChunkEnd) {
      throw new CsvSyntaxError({ message: "the CSV ends inside a quoted field" })
    }
    this.#inQuotes = false
    this.#quoteAtChunkEnd = false
    if (this.#field.length > 0 || this.#record.length > 0) this.#endRecord(out)
  }

  #endRecord(out: string[][]): void {
    this.#record.push(this.#field)
    this.#field = ""
    const r = this.#record
    this.#record = []
    if (r.length === 1 && r[0] === "") return // blank line
    out.push(r)
  }
}


/** Parses a whole CSV text into records (header included). */
export function parseCsvText(text: string): string[][] {
  const out: string[][] = []
  const reader = new CsvRecordReader()
  reader.push(text, out)
  reader.end(out)
  return out
}

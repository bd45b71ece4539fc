/**
 * A batch's source range read, transformed and turned into COPY text, one chunk per fetched array
 * of rows (rejected rows are accounted in the accumulator and produce no line). Synchronous inside
 * a chunk. The same code runs on the loader's thread or in a transform worker
 * (see transform-workers.ts).
 */
import type { SourceReader } from "../connectors/source-reader.ts"
import type { TableMapping } from "../mappings/vendor-mapping.ts"
import type { TargetTable } from "../target/tables/target-table.ts"
import { hash } from "node:crypto"
import { copyLineBuilder, CopyRowWriter } from "./copy-lines.ts"
import { addStagedRow, type BatchAccumulator, createRowTransformer, digestWord, rowDigest, type StagedRow } from "./row-transformer.ts"

/** "target": lines for the target table itself; "staging": seq, row hash and failed flag first, every column as text. */
export type LineMode = "target" | "staging"

export const lineFor = (table: TargetTable, mode: LineMode): ((row: StagedRow, seq: number) => string) => {
  if (mode === "target") {
    const targetCopyLine = copyLineBuilder(table.columns, "target")
    return (row) => targetCopyLine(row.values) // the row hash is only the staging table's
  }
  const stageLine = copyLineBuilder(table.columns, "staging")
  return (row, seq) => `${seq}\t${row.hash}\tf\t${stageLine(row.values)}`
}

/**
 * The COPY text of one chunk, written as UTF-8 straight into a buffer of the chunk's own (never
 * a pooled slice, so a worker can transfer it): no chunk string is built by concatenation,
 * flattened and encoded again on its way to the socket. Each chunk starts with room for one
 * like the chunk before it.
 */
class ChunkBuffer {
  private capacity = 1 << 16
  buf = Buffer.allocUnsafeSlow(this.capacity)
  /** `buf` as a plain byte array (what CopyRowWriter writes into). */
  bytes = new Uint8Array(this.buf.buffer, 0, this.buf.length)
  used = 0

  /** Makes room for `n` more bytes. */
  reserve(n: number): void {
    const need = this.used + n
    if (need <= this.buf.length) return
    const bigger = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, need))
    this.buf.copy(bigger, 0, 0, this.used)
    this.buf = bigger
    this.bytes = new Uint8Array(bigger.buffer, 0, bigger.length)
  }

  /** The chunk written so far, or undefined when nothing was; the next one starts empty. */
  take(): Uint8Array | undefined {
    if (this.used === 0) return undefined
    const chunk = this.buf.subarray(0, this.used)
    this.capacity = Math.max(this.capacity, Math.ceil(this.used * 1.1))
    this.buf = Buffer.allocUnsafeSlow(this.capacity)
    this.bytes = new Uint8Array(this.buf.buffer, 0, this.buf.length)
    this.used = 0
    return chunk
  }
}

/** A batch's COPY text, one chunk per fetched array of source rows, each line made by `line`. */
export async function* transformedChunks(
  reader: SourceReader,
  mapping: TableMapping,
  range: { readonly lo: string; readonly hi: string },
  fetchSize: number,
  transform: ReturnType<typeof createRowTransformer>,
  acc: BatchAccumulator,
  line: (row: StagedRow, seq: number) => string
): AsyncGenerator<Uint8Array, void, undefined> {
  const chunk = new ChunkBuffer()
  for await (const rows of reader.readRange(mapping.table, mapping.key, mapping.columns, range, fetchSize)) {
    for (let i = 0; i < rows.length; i++) {
      const out = transform(rows[i]!, acc)
      if (out === undefined) continue
      const text = line(out, acc.staged)
      // A UTF-16 code unit is at most 3 bytes of UTF-8.
      chunk.reserve(text.length * 3)
      chunk.used += chunk.buf.write(text, chunk.used, "utf8")
    }
    const bytes = chunk.take()
    if (bytes !== undefined) yield bytes
  }
}

/** Whether `hashedLineChunks` can write this table's lines (no `text[]` column). */
export const writesHashedLines = (table: TargetTable): boolean => table.columns.every((c) => c.kind !== "text[]")

/**
 * `transformedChunks` for target lines, with each row's hash taken from its line's bytes (see
 * CopyRowWriter): `transform` must be made with `hashRows: false`; each staged row is added to
 * the accumulator here, with the hash the row-text path would give.
 */
export async function* hashedLineChunks(
  reader: SourceReader,
  mapping: TableMapping,
  range: { readonly lo: string; readonly hi: string },
  fetchSize: number,
  transform: ReturnType<typeof createRowTransformer>,
  acc: BatchAccumulator,
  table: TargetTable
): AsyncGenerator<Uint8Array, void, undefined> {
  const writer = new CopyRowWriter(table.columns)
  const chunk = new ChunkBuffer()
  for await (const rows of reader.readRange(mapping.table, mapping.key, mapping.columns, range, fetchSize)) {
    for (let i = 0; i < rows.length; i++) {
      const out = transform(rows[i]!, acc)
      if (out === undefined) continue
      const values = out.values
      chunk.reserve(CopyRowWriter.bound(values))
      const start = chunk.used
      const bytes = chunk.bytes
      chunk.used = writer.write(values, bytes, start)
      const digest = writer.escaped ? rowDigest(values) : hash("md5", bytes.subarray(start, writer.lineEnd), "binary")
      writer.tabs(bytes)
      addStagedRow(acc, out.tally!, digestWord(digest, 0), digestWord(digest, 4))
    }
    const bytes = chunk.take()
    if (bytes !== undefined) yield bytes
  }
}

/**
 * A batch's COPY text in `mode`: target lines of a table without arrays through
 * `hashedLineChunks`, anything else through `transformedChunks`.
 */
export const rangeCopyChunks = (
  reader: SourceReader,
  range: { readonly lo: string; readonly hi: string },
  fetchSize: number,
  transformer: Omit<Parameters<typeof createRowTransformer>[0], "hashRows">,
  acc: BatchAccumulator,
  mode: LineMode
): AsyncGenerator<Uint8Array, void, undefined> => {
  const { mapping, target } = transformer
  return mode === "target" && writesHashedLines(target)
    ? hashedLineChunks(reader, mapping, range, fetchSize, createRowTransformer({ ...transformer, hashRows: false }), acc, target)
    : transformedChunks(reader, mapping, range, fetchSize, createRowTransformer(transformer), acc, lineFor(target, mode))
}

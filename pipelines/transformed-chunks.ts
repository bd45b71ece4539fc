/**
 * A batch's source range read, transformed and turned into COPY text, one chunk per fetched array
 * of rows (rejected rows are accounted in the accumulator and produce no line). Synchronous inside
 * a chunk. The same code runs on the loader's thread or in a transform worker
 * (see transform-workers.ts).
 */
import type { SourceReader } from "../connectors/source-reader.ts"
import type { TableMapping } from "../mappings/vendor-mapping.ts"
import type { TargetTable } from "../target/tables/target-table.ts"
import { copyLineBuilder } from "./copy-lines.ts"
import type { BatchAccumulator, createRowTransformer, StagedRow } from "./row-transformer.ts"

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

export async function* transformedChunks(
  reader: SourceReader,
  mapping: TableMapping,
  range: { readonly lo: string; readonly hi: string },
  fetchSize: number,
  transform: ReturnType<typeof createRowTransformer>,
  acc: BatchAccumulator,
  line: (row: StagedRow, seq: number) => string
): AsyncGenerator<string, void, undefined> {
  for await (const rows of reader.readRange(mapping.table, mapping.key, mapping.columns, range, fetchSize)) {
    let chunk = ""
    for (let i = 0; i < rows.length; i++) {
      const out = transform(rows[i]!, acc)
      if (out !== undefined) chunk += line(out, acc.staged)
    }
    if (chunk !== "") yield chunk
  }
}

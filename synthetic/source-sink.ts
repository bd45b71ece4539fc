/**
 * Where generated rows go: one sink per source database, buffering rows per table and writing
 * them in batches (bulk INSERT / COPY), while the truth writer records what each row must become.
 */
import { createHash, type Hash } from "node:crypto"
import type { CanonicalRecord, OldUnitRef } from "../mappings/canonical-records.ts"
import type { RejectCode } from "../mappings/reject-codes.ts"
import { type BulkWriter, type SourceTableDef, type SourceValue, ZERO_DATE } from "./vendor-schemas/source-tables.ts"
import type { TruthWriter } from "./truth-writer.ts"
import { expectedUnit, type WorldUnits } from "./world-units.ts"

/** One generated source row and what a correct pipeline makes of it. */
export interface EmittedRow {
  readonly table: SourceTableDef
  readonly row: readonly SourceValue[]
  readonly sourceKey: string
  /** accountingUnit(row) of the mapping: commune, else district, else province code as stored. */
  readonly accountingUnit: string
  /** The one rejecting defect of the row, if any. */
  readonly reject?: RejectCode | undefined
  /** The expected record (absent when rejected). */
  readonly record?: CanonicalRecord | undefined
  /** Unit reference for units.csv (old codes as stored). */
  readonly unit?: OldUnitRef | undefined
  /** For citizen rows: the generated person this record belongs to. */
  readonly personId?: string | undefined
}

export class SourceSink {
  readonly #buffers = new Map<SourceTableDef, SourceValue[][]>()
  readonly #rowCounts = new Map<string, number>()
  readonly #hashes = new Map<string, Hash>()

  readonly source: string
  readonly writer: BulkWriter
  readonly truth: TruthWriter
  readonly world: WorldUnits
  readonly batchSize: number

  constructor(source: string, writer: BulkWriter, truth: TruthWriter, world: WorldUnits, batchSize: number) {
    this.source = source
    this.writer = writer
    this.truth = truth
    this.world = world
    this.batchSize = batchSize
  }

  async emit(e: EmittedRow): Promise<void> {
    const table = e.table.name
    let buffer = this.#buffers.get(e.table)
    if (buffer === undefined) this.#buffers.set(e.table, (buffer = []))
    buffer.push(e.row as SourceValue[])
    this.#rowCounts.set(table, (this.#rowCounts.get(table) ?? 0) + 1)
    let hash = this.#hashes.get(table)
    if (hash === undefined) this.#hashes.set(table, (hash = createHash("sha256")))
    hash.update(rowText(e.row))
    this.truth.count(this.source, table, e.accountingUnit, e.reject !== undefined)
    if (e.reject !== undefined) this.truth.reject(this.source, table, e.sourceKey, e.reject)
    if (e.reject === undefined || e.reject === "UNIT_UNKNOWN") {
      if (e.unit !== undefined) this.truth.unit(this.source, table, e.sourceKey, expectedUnit(this.world, e.unit))
    }
    if (e.reject === undefined) {
      if (e.record !== undefined) this.truth.record(e.record)
      if (e.personId !== undefined) this.truth.person(this.source, table, e.sourceKey, e.personId)
    }
    if (buffer.length >= this.batchSize) await this.#flushTable(e.table, buffer)
  }

  async #flushTable(table: SourceTableDef, buffer: SourceValue[][]): Promise<void> {
    this.#buffers.set(table, [])
    await this.writer.write(table, buffer)
    await this.truth.flush()
  }

  /** Writes every buffered row. */
  async flush(): Promise<void> {
    for (const [table, buffer] of this.#buffers) if (buffer.length > 0) await this.#flushTable(table, buffer)
    await this.truth.flush()
  }

  /** SHA-256 over every row written per table, in order (engine-independent). */
  checksums(): Record<string, string> {
    return Object.fromEntries([...this.#hashes].map(([t, h]) => [t, h.copy().digest("hex")]))
  }

  /** Rows written per table so far. */
  get rowCounts(): ReadonlyMap<string, number> {
    return this.#rowCounts
  }
}

const rowText = (row: readonly SourceValue[]): string =>
  JSON.stringify(row.map((v) => (v === ZERO_DATE ? "0000-00-00 00:00:00" : v instanceof Uint8Array ? Buffer.from(v).toString("hex") : v))) + "\n"

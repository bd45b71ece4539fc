/**
 * The one small interface a vendor system implements: which tables it has, their integer keys,
 * which columns to read, and how a row becomes a canonical record (or a reject with a stable code).
 * A vendor is one file in `mappings/vendors/`; nothing else changes when one is added.
 */
import type { CanonicalOf, EntityKind, SourceSystem } from "./canonical-records.ts"
import type { RejectCode } from "./reject-codes.ts"

/** A source row as the driver returns it: column name → value (strings, numbers, null). */
export type SourceRow = Readonly<Record<string, unknown>>

export type MappingResult<R> =
  | { readonly ok: true; readonly record: R }
  | {
    readonly ok: false
    readonly code: RejectCode
    /** The source column at fault. */
    readonly column: string
    /** What is wrong, in words an operator understands. */
    readonly message: string
    /** The raw value that was refused. */
    readonly value: unknown
  }

export interface TableMapping<E extends EntityKind = EntityKind> {
  /** Which system of the old province holds the table. */
  readonly system: SourceSystem
  /** Source table name (checked as a safe identifier before it reaches SQL). */
  readonly table: string
  /** Integer primary key used for keyset chunking. */
  readonly key: string
  readonly entity: E
  /** The columns to select (safe identifiers). */
  readonly columns: readonly string[]
  /** Columns holding legacy-encoded text, for the connector (e.g. read as latin1 bytes). */
  readonly legacyTextColumns?: readonly string[]
  /**
   * The old unit a row is counted under in the reconciliation, read from the raw row so that a
   * rejected row is counted too: the commune code, else the district code, else the province code,
   * trimmed, exactly as stored ("" when the row has none).
   */
  readonly accountingUnit: (row: SourceRow) => string
  /**
   * Turns one row into a canonical record. Pure and synchronous: it runs on the hot path.
   * `sourceKey`, when the caller has it already, is `sourceKeyOf(context.source, table, String(key))`.
   */
  readonly toRecord: (row: SourceRow, context: MappingContext, sourceKey?: string) => MappingResult<CanonicalOf<E>>
}

export interface MappingContext {
  /** The job's name for this source (e.g. "ha-giang"), used to build source keys. */
  readonly source: string
  /** Old province code the source belongs to (units missing a province code default to it). */
  readonly oldProvinceCode: string
}

export interface VendorMapping {
  /** Vendor id used in job files ("vendor-a"). */
  readonly vendor: string
  readonly description: string
  /** Tables in load order: agencies, accounts, citizens, then dossiers and civil-status events. */
  readonly tables: readonly TableMapping[]
}

/** The source key of a row: stable, unique across sources and tables. */
export const sourceKeyOf = (source: string, table: string, key: string | number | bigint): string =>
  `${source}/${table}/${String(key)}`

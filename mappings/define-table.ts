/**
 * One vendor table, declared in three parts: where the table is (`TableSource`), how its fields
 * decode (`rowDecoder`), and what record the decoded values make. `defineTable` adds what every
 * table shares: the decode and its reject, the source key from the primary key, the old unit from
 * the row's unit columns, the accounting unit from the same columns, and the widening to the
 * `TableMapping` a `VendorMapping` lists.
 */
import type { CanonicalOf, EntityKind, OldUnitRef } from "./canonical-records.ts"
import { accountingUnitOf, keyText, oldUnitRef, type RowDecoding } from "./field-decoders.ts"
import { sourceKeyOf, type MappingContext, type MappingResult, type SourceRow, type TableMapping } from "./vendor-mapping.ts"

/** The columns naming a row's old unit; the most precise one present is its accounting unit. */
export interface UnitColumns {
  readonly commune: string
  readonly district?: string
  readonly province?: string
}

/** Where a table is and what it reads (as in `TableMapping`), and its unit columns. */
export type TableSource<E extends EntityKind> =
  & Pick<TableMapping<E>, "system" | "table" | "key" | "entity" | "columns" | "legacyTextColumns">
  & { readonly units: UnitColumns }

/** What a table's record builder gets besides the decoded values and the raw row. */
export interface RowPlace extends MappingContext {
  /** `source/table/key` of this row. */
  readonly sourceKey: string
  /** The row's old unit from its unit columns (no address or hamlet: add them where the table has them). */
  readonly unit: OldUnitRef
}

export type MappingReject = Extract<MappingResult<never>, { ok: false }>

/** The record of a row whose fields decoded, or a reject for a rule that spans columns. */
export type RecordBuilder<E extends EntityKind, V> = (values: V, row: SourceRow, place: RowPlace) => CanonicalOf<E> | MappingReject

const isReject = (r: object): r is MappingReject => "ok" in r

// Three arguments rather than one object: TypeScript infers the decoded values' type from the
// decoder argument before it types the builder; inside one object literal it does not.
export const defineTable = <E extends EntityKind, V>(
  source: TableSource<E>,
  decode: (row: SourceRow) => RowDecoding<V>,
  record: RecordBuilder<E, V>
): TableMapping => {
  const { table, key, units } = source
  const mapping: TableMapping<E> = {
    system: source.system,
    table,
    key,
    entity: source.entity,
    columns: source.columns,
    ...(source.legacyTextColumns === undefined ? {} : { legacyTextColumns: source.legacyTextColumns }),
    accountingUnit: accountingUnitOf(units.commune, units.district, units.province),
    toRecord: (row, context, knownSourceKey) => {
      const decoded = decode(row)
      if (!decoded.ok) return decoded
      const raw = row[key]
      const place: RowPlace = {
        source: context.source,
        oldProvinceCode: context.oldProvinceCode,
        // The caller's key is String(raw); keyText trims a string key, so only a non-string is reused.
        sourceKey: knownSourceKey !== undefined && typeof raw !== "string" ? knownSourceKey : sourceKeyOf(context.source, table, keyText(raw)),
        unit: oldUnitRef(context, {
          commune: row[units.commune],
          district: units.district === undefined ? undefined : row[units.district],
          province: units.province === undefined ? undefined : row[units.province]
        })
      }
      const built = record(decoded.values, row, place)
      return isReject(built) ? built : { ok: true, record: built }
    }
  }
  // TypeScript holds TableMapping<E> invariant in E (E reaches toRecord through the conditional
  // CanonicalOf<E>), so widening to the list's TableMapping needs this one cast.
  return mapping as unknown as TableMapping
}

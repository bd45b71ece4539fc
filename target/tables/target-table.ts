/**
 * How one canonical entity lands in one target table: its columns (in staging/COPY order, with the
 * kind that drives both the SQL cast and the checksum) and the function that turns a canonical
 * record plus its resolved unit into the column texts.
 *
 * Column texts are already in normalised form (see row-checksum.ts), so the same array feeds the
 * COPY line and the checksum.
 */
import type { CanonicalRecord, EntityKind, OldUnitRef } from "../../mappings/canonical-records.ts"
import type { ColumnKind } from "../row-checksum.ts"
import { deterministicId } from "../deterministic-id.ts"
import { joinLatin1 } from "../../text/flat-latin1.ts"

export interface TargetColumn {
  readonly name: string
  readonly kind: ColumnKind
}

/** The answer of the unit remapper for one reference (see mappings/admin-units). */
export interface ResolvedUnit {
  readonly status: string
  readonly newProvinceCode?: string | undefined
  readonly newCommuneCode?: string | undefined
}

export interface RowContext {
  readonly source: string
  readonly sourceTable: string
  readonly sourcePk: string
  readonly sourceKey: string
  readonly accountingUnit: string
  readonly unit: ResolvedUnit
}

export interface TargetTable<R extends CanonicalRecord = CanonicalRecord> {
  readonly name: string
  readonly entity: EntityKind
  readonly columns: readonly TargetColumn[]
  readonly toValues: (record: R, context: RowContext) => Array<string | null>
}

/** id, source, source_table, source_pk, source_key, accounting_unit. */
export const provenanceColumns: readonly TargetColumn[] = [
  { name: "id", kind: "uuid" },
  { name: "source", kind: "text" },
  { name: "source_table", kind: "text" },
  { name: "source_pk", kind: "bigint" },
  { name: "source_key", kind: "text" },
  { name: "accounting_unit", kind: "text" }
]

/** old_province_code, old_district_code, old_commune_code, new_province_code, new_commune_code, unit_status. */
export const unitColumns: readonly TargetColumn[] = [
  { name: "old_province_code", kind: "text" },
  { name: "old_district_code", kind: "text" },
  { name: "old_commune_code", kind: "text" },
  { name: "new_province_code", kind: "text" },
  { name: "new_commune_code", kind: "text" },
  { name: "unit_status", kind: "text" }
]

export const provenanceValues = (entity: EntityKind, context: RowContext): Array<string | null> => [
  recordId(entity, context.sourceKey),
  context.source,
  context.sourceTable,
  context.sourcePk,
  context.sourceKey,
  context.accountingUnit
]

export const unitValues = (unit: OldUnitRef, context: RowContext): Array<string | null> => [
  orNull(unit.provinceCode),
  orNull(unit.districtCode),
  orNull(unit.communeCode),
  orNull(context.unit.newProvinceCode),
  orNull(context.unit.newCommuneCode),
  context.unit.status
]

/** The target id of the row a source key becomes. */
export const recordId = (entity: EntityKind, sourceKey: string): string => deterministicId(entity, sourceKey)

/**
 * Ids of referenced rows, remembered per entity: a dossier names its agency (a few dozen per
 * source) and its applicant (a few dossiers each), so most references were derived before.
 * Bounded: a full memo starts over, so memory stays flat whatever the table size.
 */
const REFERENCE_MEMO_SIZE = 1 << 16
const referenceMemos = new Map<EntityKind, Map<string, string>>()

/** The target id a reference to another source row points at (null when there is no reference). */
export const referenceId = (entity: EntityKind, sourceKey: string | undefined): string | null => {
  if (sourceKey === undefined || sourceKey === "") return null
  let memo = referenceMemos.get(entity)
  if (memo === undefined) referenceMemos.set(entity, memo = new Map())
  let id = memo.get(sourceKey)
  if (id === undefined) {
    if (memo.size >= REFERENCE_MEMO_SIZE) memo.clear()
    id = recordId(entity, sourceKey)
    memo.set(sourceKey, id)
  }
  return id
}

export const orNull = (value: string | undefined | null): string | null =>
  value === undefined || value === null || value === "" ? null : value

/** A timestamp in normalised form: ISO dates become midnight in Asia/Ho_Chi_Minh. */
export const timestampText = (iso: string | undefined): string | null => {
  if (iso === undefined || iso === "") return null
  if (iso.length === 10) return joinLatin1(iso, "T00:00:00", "+07:00") // flat: see text/flat-latin1.ts
  return iso
}

import type { EntityKind } from "../canonical-records.ts"
import type { TableMapping } from "../vendor-mapping.ts"

/**
 * Widens a table mapping of one entity to the `TableMapping` a `VendorMapping` lists. TypeScript
 * measures `TableMapping<E>` as invariant in E (E reaches `toRecord` through the conditional
 * `CanonicalOf<E>`), so the safe widening needs this one cast.
 */
export const anyEntity = <E extends EntityKind>(mapping: TableMapping<E>): TableMapping =>
  mapping as unknown as TableMapping

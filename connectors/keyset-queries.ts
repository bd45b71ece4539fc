/**
 * The keyset queries every engine runs, built with Kysely so identifiers are quoted for the
 * engine and values are parameters. Table, key and column names come from vendor mappings and are
 * checked as safe identifiers first.
 */
import { type CompiledQuery, type Kysely, sql } from "kysely"
import { isSafeIdentifier } from "./database-location.ts"
import type { KeyRange } from "./source-reader.ts"

export const assertIdentifiers = (...names: string[]): void => {
  for (const name of names) {
    if (!isSafeIdentifier(name)) throw new Error(`Refusing unsafe SQL identifier ${JSON.stringify(name)} from configuration`)
  }
}

export const probeQuery = (db: Kysely<any>, table: string, key: string, after: string | null, size: number): CompiledQuery => {
  assertIdentifiers(table, key)
  let inner = db.selectFrom(table).select(sql.ref(key).as("k")).orderBy(sql.ref(key)).limit(size)
  if (after !== null) inner = inner.where(sql.ref(key), ">", after)
  return db.selectFrom(inner.as("chunk"))
    .select([sql<string>`min(k)`.as("lo"), sql<string>`max(k)`.as("hi")])
    .compile()
}

export const rangeQuery = (
  db: Kysely<any>,
  table: string,
  key: string,
  columns: readonly string[],
  range: KeyRange,
  page?: { readonly limit: number; readonly after: string | null }
): CompiledQuery => {
  assertIdentifiers(table, key, ...columns)
  const selected = columns.includes(key) ? columns : [key, ...columns]
  let q = db.selectFrom(table)
    .select(selected.map((c) => sql.ref(c).as(c)))
    .where(sql.ref(key), ">=", range.lo)
    .where(sql.ref(key), "<=", range.hi)
    .orderBy(sql.ref(key))
  if (page !== undefined) {
    if (page.after !== null) q = q.where(sql.ref(key), ">", page.after)
    q = q.limit(page.limit)
  }
  return q.compile()
}

export const countQuery = (db: Kysely<any>, table: string, key: string, range: KeyRange): CompiledQuery => {
  assertIdentifiers(table, key)
  return db.selectFrom(table)
    .select(sql<string>`count(*)`.as("n"))
    .where(sql.ref(key), ">=", range.lo)
    .where(sql.ref(key), "<=", range.hi)
    .compile()
}

export const toRange = (row: { lo: unknown; hi: unknown } | undefined): KeyRange | null =>
  row === undefined || row.lo === null || row.lo === undefined ? null : { lo: String(row.lo), hi: String(row.hi) }

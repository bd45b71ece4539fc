/**
 * Secondary indexes deferred while a table is first loaded, as pgloader does: maintaining the
 * primary key, the unique source key and the lookup indexes row by row costs PostgreSQL more than
 * the COPY itself, while building them once over the loaded table is a sort.
 *
 * Only a table that holds no row at all is deferred (checked under an ACCESS EXCLUSIVE lock, so no
 * other loader has a batch in flight), and the range index every batch step needs
 * (`<table>_batch_range`) always stays. Each index or constraint is recorded in
 * `provmerge.deferred_indexes` (with the exact statement PostgreSQL gives to recreate it) in the
 * same transaction that drops it, and recreated and unrecorded in one transaction per index. So a
 * kill -9 at any moment leaves either the index or its record, and `restoreDeferredIndexes`
 * (called when a target is opened, and at the end of each load phase) puts back whatever a
 * killed run left out: the target ends with the same indexes and constraints as if none had been
 * deferred.
 */
import { type Kysely, sql } from "kysely"

export interface DeferredIndex {
  readonly table: string
  readonly name: string
}

/** Indexes a batch needs while it loads: never deferred. */
const isKept = (table: string, index: string): boolean => index === `${table}_batch_range`

/**
 * Drops the secondary indexes and unique/primary-key constraints of `table` if it is empty,
 * recording how to recreate them. Constraints other tables' foreign keys depend on are kept.
 * Returns what was deferred (nothing when the table holds rows).
 */
export const deferIndexesIfEmpty = async (db: Kysely<any>, table: string): Promise<DeferredIndex[]> =>
  db.transaction().execute(async (tx) => {
    await sql`lock table ${sql.table(table)} in access exclusive mode`.execute(tx)
    const empty = (await sql<{ e: boolean }>`select not exists (select 1 from ${sql.table(table)}) as e`.execute(tx)).rows[0]!.e
    if (!empty) return []
    const indexes = (await sql<{ name: string; constraint_name: string | null; index_def: string; constraint_def: string | null; referenced: boolean }>`
      select i.relname as name, c.conname as constraint_name, pg_get_indexdef(i.oid) as index_def,
        case when c.oid is null then null else pg_get_constraintdef(c.oid) end as constraint_def,
        exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = i.oid) as referenced
      from pg_index x
      join pg_class i on i.oid = x.indexrelid
      left join pg_constraint c on c.conindid = i.oid and c.conrelid = x.indrelid and c.contype in ('p', 'u')
      where x.indrelid = ${table}::regclass
      order by i.relname`.execute(tx)).rows
    const deferred: DeferredIndex[] = []
    for (const ix of indexes) {
      if (isKept(table, ix.name) || ix.referenced) continue
      const restore = ix.constraint_name !== null && ix.constraint_def !== null
        ? `alter table ${quoteIdent(table)} add constraint ${quoteIdent(ix.constraint_name)} ${ix.constraint_def}`
        : ix.index_def
      await tx.withSchema("provmerge").insertInto("deferred_indexes")
        .values({ table_name: table, index_name: ix.name, restore_sql: restore })
        .onConflict((oc) => oc.columns(["table_name", "index_name"]).doNothing())
        .execute()
      if (ix.constraint_name !== null) await sql`alter table ${sql.table(table)} drop constraint ${sql.id(ix.constraint_name)}`.execute(tx)
      else await sql`drop index ${sql.id(ix.name)}`.execute(tx)
      deferred.push({ table, name: ix.name })
    }
    return deferred
  })

/**
 * Recreates every recorded index (of `table`, or of all tables), one transaction each: the index
 * and the removal of its record commit together. Returns what was rebuilt.
 */
export const restoreDeferredIndexes = async (db: Kysely<any>, table?: string): Promise<DeferredIndex[]> => {
  const exists = (await sql<{ t: string | null }>`select to_regclass('provmerge.deferred_indexes')::text as t`.execute(db)).rows[0]?.t
  if (exists === null || exists === undefined) return []
  let q = db.withSchema("provmerge").selectFrom("deferred_indexes").select(["table_name", "index_name"]).orderBy("table_name").orderBy("index_name")
  if (table !== undefined) q = q.where("table_name", "=", table)
  const pending = (await q.execute()) as Array<{ table_name: string; index_name: string }>
  const restored: DeferredIndex[] = []
  for (const p of pending) {
    await db.transaction().execute(async (tx) => {
      // Taken again under the row lock: a concurrent restorer may have rebuilt it meanwhile.
      const row = (await tx.withSchema("provmerge").selectFrom("deferred_indexes").select("restore_sql")
        .where("table_name", "=", p.table_name).where("index_name", "=", p.index_name).forUpdate().executeTakeFirst()) as
        | { restore_sql: string }
        | undefined
      if (row === undefined) return
      await sql`set local maintenance_work_mem = '128MB'`.execute(tx)
      // The statement is PostgreSQL's own pg_get_indexdef / pg_get_constraintdef text, recorded at deferral.
      try {
        await sql.raw(row.restore_sql).execute(tx)
      } catch (error) {
        throw new Error(
          `the index ${p.index_name} of ${p.table_name}, left out while the table was first loaded, cannot be rebuilt ` +
            `(${(error as Error).message}); it stays recorded in provmerge.deferred_indexes and is tried again when the target is next opened`,
          { cause: error }
        )
      }
      await tx.withSchema("provmerge").deleteFrom("deferred_indexes")
        .where("table_name", "=", p.table_name).where("index_name", "=", p.index_name).execute()
      restored.push({ table: p.table_name, name: p.index_name })
    })
  }
  return restored
}

const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`

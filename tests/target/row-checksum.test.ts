import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { sql } from "kysely"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { type DatabaseHandle, openDatabase } from "../../connectors/open-database.ts"
import { ChecksumAccumulator, checksumSql, type ColumnKind, EMPTY_CHECKSUM } from "../../target/row-checksum.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"

const columns: ReadonlyArray<{ name: string; kind: ColumnKind }> = [
  { name: "id", kind: "uuid" },
  { name: "name", kind: "text" },
  { name: "born", kind: "date" },
  { name: "at", kind: "timestamptz" },
  { name: "fee", kind: "numeric" },
  { name: "active", kind: "boolean" },
  { name: "roles", kind: "text[]" }
]

// Normalised texts as Node hashes them, and the literal SQL values that must hash the same.
const rows: Array<Array<string | null>> = [
  ["7d444840-9dc0-11d1-b245-5ffdce74fad2", "Nguyễn Thị Hoà", "1990-02-03", "2024-03-15T08:30:00+07:00", "150000", "t", "chuyen_vien,lanh_dao"],
  ["6ba7b810-9dad-11d1-80b4-00c04fd430c8", "=HYPERLINK(\"x\")", null, "2024-12-31T23:59:59+07:00", null, "f", ""],
  ["6ba7b811-9dad-11d1-80b4-00c04fd430c8", "tab\there", "2000-01-01", "2025-07-01T00:00:00+07:00", "0", "t", "a"],
  // Before 1975 Asia/Ho_Chi_Minh was not at +07:00: the wall clock Node wrote must still come back.
  ["6ba7b812-9dad-11d1-80b4-00c04fd430c8", "Trần Văn Cũ", "1960-06-01", "1960-06-01T08:15:00+07:00", "1", "f", "a"]
]

const check = async (handle: DatabaseHandle) => {
  await sql`create table t (id uuid, name text, born date, at timestamptz, fee numeric(18,0), active boolean, roles text[])`.execute(handle.db)
  for (const r of rows) {
    await sql`insert into t values (${r[0]}::uuid, ${r[1]}, ${r[2]}::date, ${r[3]}::timestamptz, ${r[4]}::numeric, ${r[5]}::boolean, string_to_array(${r[6]}, ','))`.execute(handle.db)
  }
  const acc = new ChecksumAccumulator()
  for (const r of rows) acc.addRow(r)
  const db = await sql<{ c: string }>`select ${checksumSql(columns)} as c from t`.execute(handle.db)
  expect(db.rows[0]!.c).toBe(acc.value)
  expect(acc.value).not.toBe(EMPTY_CHECKSUM)

  // One changed field changes the checksum.
  await sql`update t set name = 'Nguyễn Thị Hòa' where name = 'Nguyễn Thị Hoà'`.execute(handle.db)
  const changed = await sql<{ c: string }>`select ${checksumSql(columns)} as c from t`.execute(handle.db)
  expect(changed.rows[0]!.c).not.toBe(acc.value)

  // The empty set has the empty checksum on both sides.
  const empty = await sql<{ c: string }>`select ${checksumSql(columns)} as c from t where false`.execute(handle.db)
  expect(empty.rows[0]!.c).toBe(new ChecksumAccumulator().value)
}

describe("row checksums agree between Node and the database", () => {
  let scratch: ScratchDatabase
  beforeAll(async () => {
    scratch = await scratchDatabase("postgres", "pm_checksum")
  })
  afterAll(async () => scratch?.drop())

  it("on PostgreSQL", async () => {
    const handle = await openDatabase(scratch.location)
    try {
      await check(handle)
    } finally {
      await handle.close()
    }
  })

  it("on embedded PGlite", async () => {
    const handle = await openDatabase(parseDatabaseLocation("pglite:memory"))
    try {
      await check(handle)
    } finally {
      await handle.close()
    }
  })

  it("is independent of row order and removable by XOR", () => {
    const a = new ChecksumAccumulator()
    const b = new ChecksumAccumulator()
    for (const r of rows) a.addRow(r)
    for (const r of [...rows].reverse()) b.addRow(r)
    expect(a.value).toBe(b.value)
    const hash = b.addRow(["x", null])
    b.xorHex(hash)
    expect(b.value).toBe(a.value)
  })
})

/**
 * mariadbChecksumSql gives the value Node and PostgreSQL give for the same normalised rows
 * (all 64 bits: a COALESCE around BIT_XOR once lost the low ones through DECIMAL).
 */
import { sql } from "kysely"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { type DatabaseHandle, openDatabase } from "../../connectors/open-database.ts"
import { ChecksumAccumulator, type ColumnKind, EMPTY_CHECKSUM, mariadbChecksumSql } from "../../target/row-checksum.ts"
import { scratchDatabase, type ScratchDatabase } from "../support/databases.ts"

const columns: ReadonlyArray<{ name: string; kind: ColumnKind }> = [
  { name: "id", kind: "bigint" },
  { name: "name", kind: "text" },
  { name: "born", kind: "date" },
  { name: "at", kind: "timestamptz" },
  { name: "fee", kind: "numeric" },
  { name: "active", kind: "boolean" },
  { name: "ref", kind: "uuid" }
]

const rows: Array<Array<string | null>> = Array.from({ length: 200 }, (_, i) => [
  String(i + 1),
  i % 5 === 0 ? null : `Nguyễn Thị Hoà ${i} =HYPERLINK("x")`,
  i % 4 === 0 ? null : `19${String(50 + (i % 50))}-0${1 + (i % 9)}-1${i % 10}`,
  `2025-07-01T0${i % 10}:3${i % 6}:00+07:00`,
  i % 3 === 0 ? null : `${i * 1000}.50`,
  i % 2 === 0 ? "t" : "f",
  `6ba7b810-9dad-11d1-80b4-${String(i).padStart(12, "0")}`
])

describe("the MariaDB checksum expression", () => {
  let scratch: ScratchDatabase
  let h: DatabaseHandle
  beforeAll(async () => {
    scratch = await scratchDatabase("mariadb", "pm_diff_checksum")
    h = await openDatabase(scratch.location, { poolSize: 1 })
    await sql`create table t (id bigint primary key, name varchar(200), born date, at datetime, fee decimal(18,2), active boolean, ref char(36))
      character set utf8mb4`.execute(h.db)
    for (const r of rows) {
      await sql`insert into t values (${r[0]}, ${r[1]}, ${r[2]}, ${r[3] == null ? null : r[3].slice(0, 19).replace("T", " ")}, ${r[4]},
        ${r[5] === "t"}, ${r[6]})`.execute(h.db)
    }
  })
  afterAll(async () => {
    await h?.close()
    await scratch?.drop()
  })

  it("equals Node's checksum over the same rows, and the empty checksum over none", async () => {
    const acc = new ChecksumAccumulator()
    for (const r of rows) acc.addRow(r)
    const all = await sql<{ c: string }>`select ${mariadbChecksumSql(columns)} as c from t`.execute(h.db)
    expect(all.rows[0]!.c).toBe(acc.value)
    const none = await sql<{ c: string }>`select ${mariadbChecksumSql(columns)} as c from t where id < 0`.execute(h.db)
    expect(none.rows[0]!.c).toBe(EMPTY_CHECKSUM)
    await sql`update t set name = 'Nguyễn Thị Hòa 1' where id = 2`.execute(h.db)
    const changed = await sql<{ c: string }>`select ${mariadbChecksumSql(columns)} as c from t`.execute(h.db)
    expect(changed.rows[0]!.c).not.toBe(acc.value)
  })
})

/**
 * Vendor B: a PostgreSQL system with English names, real DATE/TIMESTAMP columns, BIGINT keys,
 * integer status and level codes, real booleans, unsalted MD5 password hashes, and one
 * civil-status table for all registrations (`reg_type` 1 birth, 2 death, 3 marriage). Addresses
 * migrated from an older VNI-era system sit in `person.address_vni` as VNI bytes (one character
 * U+00XX per byte).
 *
 * Two databases per province: TTHC (`org_unit`, `sys_user`, `person`, `dossier`) and civil status
 * (`civil_registration`).
 */
import type { DatabaseHandle } from "../../connectors/open-database.ts"
import type { SourceSystem } from "../../mappings/canonical-records.ts"
import { type ColumnDef, createSourceTables, type SourceTableDef } from "./source-tables.ts"

const key = (name: string): ColumnDef => ({ name, kind: "bigint", primaryKey: true, notNull: true })
const v = (name: string, length: number): ColumnDef => ({ name, kind: "varchar", length })
const big = (name: string): ColumnDef => ({ name, kind: "bigint" })
const small = (name: string): ColumnDef => ({ name, kind: "smallint" })
const unitColumns: ColumnDef[] = [v("province_code", 5), v("district_code", 5), v("ward_code", 10)]

/** Agencies. org_level: 1 province, 2 district, 3 commune. */
export const orgUnit: SourceTableDef = {
  name: "org_unit",
  system: "tthc",
  columns: [key("org_id"), v("identifier", 40), v("org_name", 255), small("org_level"), ...unitColumns, v("sector", 100)]
}

/** Accounts. role_codes: ';'-separated short codes (CVX, LDX, CVH, LDH, VT, QTHT); password_md5: unsalted hex. */
export const sysUser: SourceTableDef = {
  name: "sys_user",
  system: "tthc",
  columns: [
    key("user_id"), v("login", 60), v("display_name", 150), v("citizen_id", 20), v("mail", 150), v("mobile", 20),
    big("org_id"), { name: "role_codes", kind: "text" }, v("password_md5", 32), { name: "is_active", kind: "bool" }, ...unitColumns
  ],
  indexes: ["org_id"]
}

/** Citizens. dob: DATE, or null with birth_year when only the year is known; sex 1 M, 2 F; id_type 1 CMND, 2 CCCD. */
export const person: SourceTableDef = {
  name: "person",
  system: "tthc",
  columns: [
    key("person_id"), v("full_name", 150), { name: "dob", kind: "date" }, small("birth_year"), small("sex"), small("id_type"),
    v("id_number", 20), v("mobile", 20), v("hometown_province", 5), v("father_name", 150), v("mother_name", 150),
    ...unitColumns, v("hamlet", 150), { name: "address_vni", kind: "legacy_bytes", length: 255 }
  ]
}

/** Dossiers. status: 1 received, 2 processing, 3 completed, 4 rejected, 5 withdrawn; fee_amount numeric(14,2). */
export const dossier: SourceTableDef = {
  name: "dossier",
  system: "tthc",
  columns: [
    key("dossier_id"), v("dossier_no", 40), v("procedure_code", 20), big("applicant_id"), v("applicant_name", 150), big("org_id"),
    ...unitColumns, { name: "received_at", kind: "timestamp" }, { name: "due_at", kind: "timestamp" },
    { name: "finished_at", kind: "timestamp" }, small("status"), v("result_no", 60), { name: "result_summary", kind: "text" },
    { name: "fee_amount", kind: "decimal", precision: 14, scale: 2 }
  ],
  indexes: ["applicant_id"]
}

/** All civil-status registrations. reg_type: 1 birth, 2 death, 3 marriage. */
export const civilRegistration: SourceTableDef = {
  name: "civil_registration",
  system: "civil_status",
  columns: [
    key("reg_id"), small("reg_type"), v("reg_no", 30), v("book_no", 30), { name: "reg_date", kind: "date" },
    { name: "event_date", kind: "date" }, v("ward_code", 10), big("person_id"), v("person_name", 150), big("partner_id"),
    v("partner_name", 150)
  ]
}

export const vendorBTables = {
  tthc: [orgUnit, sysUser, person, dossier],
  civil_status: [civilRegistration]
} as const satisfies Record<SourceSystem, readonly SourceTableDef[]>

/** Creates vendor B's tables of one system in the handle's database. */
export const createVendorBTables = (handle: DatabaseHandle, system: SourceSystem): Promise<void> =>
  createSourceTables(handle, vendorBTables[system])

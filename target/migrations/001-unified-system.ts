/**
 * The unified provincial system: the new unit catalog, agencies, officials' accounts, citizens
 * (master records) with the crosswalk from every source record, the procedure catalog, dossiers
 * (hồ sơ), civil-status events (hộ tịch) and digitized results.
 *
 * Every row that comes from a source carries (source, source_table, source_pk): the ledger's batch
 * ranges select on them, and ids are derived from them, so a rerun rewrites the same rows.
 * No column records load time: reruns must leave the target byte-for-byte the same.
 */
import { type Kysely, sql } from "kysely"

const provenance = (t: any) =>
  t.addColumn("source", "text", (c: any) => c.notNull())
    .addColumn("source_table", "text", (c: any) => c.notNull())
    .addColumn("source_pk", "bigint", (c: any) => c.notNull())
    .addColumn("source_key", "text", (c: any) => c.notNull().unique())
    .addColumn("accounting_unit", "text", (c: any) => c.notNull())

const unitColumns = (t: any) =>
  t.addColumn("old_province_code", "text")
    .addColumn("old_district_code", "text")
    .addColumn("old_commune_code", "text")
    .addColumn("new_province_code", "text")
    .addColumn("new_commune_code", "text")
    .addColumn("unit_status", "text", (c: any) => c.notNull())

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createTable("admin_units")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("level", "text", (c) => c.notNull().check(sql`level in ('province', 'commune')`))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("province_code", "text")
    .execute()

  await db.schema.createTable("procedures")
    .addColumn("code", "text", (c) => c.primaryKey())
    .addColumn("name", "text")
    .execute()

  await unitColumns(provenance(db.schema.createTable("agencies")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("code", "text", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("level", "text", (c) => c.notNull())
    .addColumn("field", "text")))
    .execute()

  await unitColumns(provenance(db.schema.createTable("account_records")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull())
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("cccd", "text")
    .addColumn("email", "text")
    .addColumn("phone", "text")
    .addColumn("agency_id", "uuid")
    .addColumn("roles", sql`text[]`, (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("hash_algorithm", "text")
    .addColumn("active", "boolean", (c) => c.notNull())))
    .execute()

  await db.schema.createTable("official_accounts")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("username", "text", (c) => c.notNull().unique())
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("cccd", "text")
    .addColumn("email", "text")
    .addColumn("phone", "text")
    .addColumn("roles", sql`text[]`, (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("disabled_reason", "text")
    .addColumn("must_reset_password", "boolean", (c) => c.notNull())
    .addColumn("password_hash", "text")
    .addColumn("hash_algorithm", "text")
    .addColumn("new_province_code", "text")
    .addColumn("new_commune_code", "text")
    .execute()
  await db.schema.alterTable("account_records")
    .addColumn("account_id", "uuid", (c) => c.references("official_accounts.id").onDelete("set null"))
    .execute()

  await db.schema.createTable("citizens")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("birth_date", "text")
    .addColumn("gender", "text")
    .addColumn("cccd", "text")
    .addColumn("cmnd", "text")
    .addColumn("phone", "text")
    .addColumn("new_province_code", "text")
    .addColumn("new_commune_code", "text")
    .addColumn("record_count", "integer", (c) => c.notNull())
    .execute()

  await unitColumns(provenance(db.schema.createTable("citizen_records")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("full_name", "text", (c) => c.notNull())
    .addColumn("birth_date", "text")
    .addColumn("gender", "text")
    .addColumn("cccd", "text")
    .addColumn("cmnd", "text")
    .addColumn("phone", "text")
    .addColumn("hometown_code", "text")
    .addColumn("father_name", "text")
    .addColumn("mother_name", "text")
    .addColumn("address", "text")))
    .addColumn("master_id", "uuid", (c: any) => c.references("citizens.id").onDelete("set null"))
    .addColumn("match_status", "text")
    .addColumn("match_score", "double precision")
    .execute()
  await db.schema.createIndex("citizen_records_master").on("citizen_records").column("master_id").execute()

  await unitColumns(provenance(db.schema.createTable("dossiers")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("dossier_code", "text", (c) => c.notNull())
    .addColumn("procedure_code", "text", (c) => c.notNull())
    .addColumn("applicant_record_id", "uuid")
    .addColumn("applicant_citizen_id", "uuid")
    .addColumn("applicant_name", "text", (c) => c.notNull())
    .addColumn("agency_id", "uuid")
    .addColumn("received_at", "timestamptz", (c) => c.notNull())
    .addColumn("due_at", "timestamptz")
    .addColumn("completed_at", "timestamptz")
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("result_number", "text")
    .addColumn("result_summary", "text")
    .addColumn("fee", sql`numeric(18, 0)`)))
    .execute()
  await db.schema.createIndex("dossiers_applicant_record").on("dossiers").column("applicant_record_id").execute()
  await db.schema.createIndex("dossiers_result_number").on("dossiers").column("result_number").execute()

  await unitColumns(provenance(db.schema.createTable("civil_status_events")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("event_kind", "text", (c) => c.notNull())
    .addColumn("registration_number", "text", (c) => c.notNull())
    .addColumn("book", "text", (c) => c.notNull())
    .addColumn("registered_on", "date", (c) => c.notNull())
    .addColumn("event_date", "text")
    .addColumn("subject_record_id", "uuid")
    .addColumn("subject_citizen_id", "uuid")
    .addColumn("subject_name", "text", (c) => c.notNull())
    .addColumn("spouse_record_id", "uuid")
    .addColumn("spouse_citizen_id", "uuid")
    .addColumn("spouse_name", "text")))
    .execute()

  await db.schema.createTable("digitized_results")
    .addColumn("id", "uuid", (c) => c.primaryKey())
    .addColumn("file_path", "text", (c) => c.notNull())
    .addColumn("file_hash", "text", (c) => c.notNull().unique())
    .addColumn("pages", "integer", (c) => c.notNull())
    .addColumn("full_text", "text", (c) => c.notNull())
    .addColumn("document_type", "text")
    .addColumn("fields", "jsonb", (c) => c.notNull())
    .addColumn("confidences", "jsonb", (c) => c.notNull())
    .addColumn("dossier_id", "uuid")
    .addColumn("citizen_id", "uuid")
    .addColumn("link_confidence", "double precision")
    .execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    "digitized_results", "civil_status_events", "dossiers", "citizen_records", "citizens",
    "account_records", "official_accounts", "agencies", "procedures", "admin_units"
  ]) {
    await db.schema.dropTable(table).ifExists().cascade().execute()
  }
}

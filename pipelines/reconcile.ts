/**
 * Gathers a run's reconciliation from the target (ledger, rejects, review items, loaded rows) and
 * hands it to the workbook writer. Source-side numbers come from the ledger (what each batch read,
 * rejected and sent, with its checksum per unit); target-side numbers are computed now, by SQL
 * over the loaded rows, with the same checksum definition.
 */
import { mkdir } from "node:fs/promises"
import { join } from "node:path"
import { type Kysely, sql } from "kysely"
import { cursorPages } from "../connectors/cursor-pages.ts"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import type { EntityKind } from "../mappings/canonical-records.ts"
import { describeRejectCode } from "../mappings/reject-codes.ts"
import type {
  AccountRow,
  DuplicatePairRow,
  OcrReviewRow,
  RejectRow,
  SummaryRow,
  UnitReviewRow
} from "../reports/report-rows.ts"
import { writeReconciliationWorkbook } from "../reports/reconciliation-workbook.ts"
import { ChecksumAccumulator, checksumSql, EMPTY_CHECKSUM } from "../target/row-checksum.ts"
import { targetTables } from "../target/tables/index.ts"
import type { Job } from "./job-config.ts"
import { withYoungGenerationKeptAsync } from "./release-memory.ts"

export interface UnitNames {
  oldUnitName(code: string): string
  newCommuneName(code: string): string
}

export interface WorkbookRequest {
  readonly job: Job
  readonly target: DatabaseHandle
  readonly runId: string
  readonly toolVersion: string
  readonly maskIdentifiers: boolean
  readonly unitNames?: UnitNames | undefined
}

/** Writes `<output>/reconciliation-<runId>.xlsx` and returns its path. */
export const writeRunWorkbook = async (request: WorkbookRequest): Promise<string> => {
  const { job, target, runId } = request
  const db = target.db
  await mkdir(job.outputDir, { recursive: true })
  const path = join(job.outputDir, `reconciliation-${runId.slice(0, 8)}.xlsx`)
  const run = await db.withSchema("provmerge").selectFrom("runs").selectAll().where("run_id", "=", runId).executeTakeFirst()
  const names = request.unitNames
  // The rows, cells and XML of every sheet die young: V8's young generation stays at the size the
  // release before this stage left (run-job.ts), instead of growing to 32 MB of RSS for the stage.
  await withYoungGenerationKeptAsync(async () => writeReconciliationWorkbook(path, {
    header: {
      runId,
      province: `${job.province.name} (${job.province.code})`,
      sources: job.sources.map((s) => `${s.name} (${s.vendor})`),
      startedAt: new Date(run?.started_at ?? Date.now()),
      finishedAt: new Date(),
      toolVersion: request.toolVersion,
      configHash: job.configHash
    },
    summary: await summaryRows(db, names),
    rejects: rejectRows(db, job.lang),
    units: unitReviewRows(target, names),
    duplicates: duplicateRows(db),
    accounts: accountRows(db),
    ocr: ocrRows(db)
  }, { lang: job.lang, maskIdentifiers: request.maskIdentifiers, signingKey: run?.signing_key ?? runId }))
  return path
}

interface Tally {
  source: string
  table: string
  unit: string
  read: number
  rejected: number
  loaded: number
  merged: number
  review: number
  sourceChecksum: ChecksumAccumulator
  targetChecksum: string
}

/** Per source table and old unit: read, loaded, merged, rejected, pending review and both checksums. */
export const summaryRows = async (db: Kysely<any>, names?: UnitNames): Promise<SummaryRow[]> => {
  const tallies = new Map<string, Tally>()
  const tally = (source: string, table: string, unit: string): Tally => {
    const key = `${source}\u0000${table}\u0000${unit}`
    let t = tallies.get(key)
    if (t === undefined) {
      t = { source, table, unit, read: 0, rejected: 0, loaded: 0, merged: 0, review: 0, sourceChecksum: new ChecksumAccumulator(), targetChecksum: EMPTY_CHECKSUM }
      tallies.set(key, t)
    }
    return t
  }
  const sourceSide = await db.withSchema("provmerge").selectFrom("batch_units as u")
    .innerJoin("batches as b", "b.batch_id", "u.batch_id")
    .select(["b.source", "b.source_table", "u.unit", "u.rows_read", "u.rows_rejected", "u.source_checksum"])
    .execute()
  for (const r of sourceSide as any[]) {
    const t = tally(r.source, r.source_table, r.unit)
    t.read += Number(r.rows_read)
    t.rejected += Number(r.rows_rejected)
    t.sourceChecksum.xorHex(r.source_checksum)
  }
  for (const entity of Object.keys(targetTables) as EntityKind[]) {
    const table = targetTables[entity]
    const merged = entity === "citizen"
      ? sql<number>`count(*) filter (where t.match_status = 'merged')`
      : entity === "account"
      ? sql<number>`count(*) filter (where t.merge_status = 'merged')`
      : sql<number>`0`
    const review = entity === "citizen"
      ? sql<number>`count(*) filter (where t.match_status = 'review') + count(r.review_key)`
      : sql<number>`count(r.review_key)`
    const rows = await sql<any>`select t.source, t.source_table, t.accounting_unit as unit, count(*)::int as n, (${merged})::int as merged,
        (${review})::int as review, ${checksumSql(table.columns.map((c) => ({ ...c, name: `t.${c.name}` })))} as checksum
      from ${sql.id(table.name)} t
      left join provmerge.review_items r on r.source_key = t.source_key and r.kind = 'unit' and r.decision is null
      group by t.source, t.source_table, t.accounting_unit`.execute(db)
    for (const r of rows.rows) {
      const t = tally(r.source, r.source_table, r.unit)
      t.merged += Number(r.merged)
      t.loaded += Number(r.n) - Number(r.merged)
      t.review += Number(r.review)
      t.targetChecksum = r.checksum
    }
  }
  await addScanTally(db, tally)
  return [...tallies.values()]
    .sort((a, b) => a.source.localeCompare(b.source) || a.table.localeCompare(b.table) || a.unit.localeCompare(b.unit))
    .map((t) => ({
      source: t.source,
      table: t.table,
      oldUnitCode: t.unit,
      oldUnitName: names?.oldUnitName(t.unit) ?? "",
      read: t.read,
      loaded: t.loaded,
      merged: t.merged,
      rejected: t.rejected,
      pendingReview: t.review,
      sourceChecksum: t.sourceChecksum.value,
      targetChecksum: t.targetChecksum
    }))
}

/** Scanned files: read = files seen, loaded = digitized results, rejected = unreadable files (no checksum: files, not rows). */
const addScanTally = async (db: Kysely<any>, tally: (source: string, table: string, unit: string) => Tally): Promise<void> => {
  const r = (await sql<{ files: number; rejected: number; loaded: number; review: number }>`select
      (select count(*)::int from provmerge.scan_files) as files,
      (select count(*)::int from provmerge.scan_files where status <> 'done') as rejected,
      (select count(*)::int from digitized_results) as loaded,
      (select count(*)::int from provmerge.review_items where kind = 'ocr' and decision is null) as review`.execute(db)).rows[0]!
  if (r.files === 0) return
  const t = tally("scans", "files", "")
  t.read = r.files
  t.rejected = r.rejected
  t.loaded = r.loaded
  t.review = r.review
}

/** Keyset pages over a table, so a million rows never sit in memory at once. */
async function* pages<R>(fetch: (after: string | null) => Promise<R[]>, keyOf: (r: R) => string): AsyncIterable<R> {
  let after: string | null = null
  for (;;) {
    const rows = await fetch(after)
    for (const r of rows) yield r
    if (rows.length < 2000) return
    after = keyOf(rows[rows.length - 1]!)
  }
}

/** Rejects with the code's meaning in the reviewer's language before the technical detail. */
async function* rejectRows(db: Kysely<any>, lang: "vi" | "en"): AsyncIterable<RejectRow> {
  const rows = pages<any>((after) => {
    let q = db.withSchema("provmerge").selectFrom("rejects")
      .select(["source", "source_table", "source_key", "stage", "error_code", "message", "raw_value", sql<string>`source_key || '|' || stage`.as("k")])
      .orderBy(sql`source_key || '|' || stage`).limit(2000)
    if (after !== null) q = q.where(sql`source_key || '|' || stage`, ">", after)
    return q.execute()
  }, (r) => r.k)
  for await (const r of rows) {
    yield {
      source: r.source,
      table: r.source_table,
      sourceKey: r.source_key,
      stage: r.stage,
      errorCode: r.error_code,
      message: `${describeRejectCode(r.error_code, lang)} — ${r.message}`,
      rawValue: r.raw_value
    }
  }
}

const parse = (payload: unknown): any => (typeof payload === "string" ? JSON.parse(payload) : payload)

/**
 * Unit review items grouped by old unit (province, district, commune; then key): a reviewer
 * decides commune by commune, and rows of one old commune share their candidates, so the
 * workbook's drop-downs come in long runs that share one validation each (in key order the
 * candidate count changes every few rows: 93,000 validations for 468,000 rows at 4× scale,
 * rendered at once when the sheet is committed). No index serves that order: read through a
 * cursor, sorted once.
 */
async function* unitReviewRows(target: DatabaseHandle, names?: UnitNames): AsyncIterable<UnitReviewRow> {
  const db = target.db
  const query = db.withSchema("provmerge").selectFrom("review_items").selectAll().where("kind", "=", "unit")
    .orderBy(sql`payload->'unit'->>'provinceCode'`).orderBy(sql`payload->'unit'->>'districtCode'`)
    .orderBy(sql`payload->'unit'->>'communeCode'`).orderBy("review_key")
    .compile()
  for await (const page of cursorPages<any>(target, query)) for (const r of page) {
    const p = parse(r.payload)
    // Items made from an UNIT_UNKNOWN reject (a reviewer answered it) keep the raw codes as "province/district/commune".
    const raw = typeof p.raw === "string" ? parseRawUnit(p.raw) : undefined
    yield {
      reviewKey: r.review_key,
      source: r.source,
      table: r.source_table,
      sourceKey: r.source_key,
      oldProvinceCode: p.unit?.provinceCode ?? raw?.province ?? null,
      oldDistrictCode: p.unit?.districtCode ?? raw?.district ?? null,
      oldCommuneCode: p.unit?.communeCode ?? raw?.commune ?? null,
      address: p.unit?.address ?? raw?.address ?? null,
      status: p.status === "unknown" ? "unknown" : "ambiguous",
      candidates: (p.candidates as string[]).map((code) => ({ code, name: names?.newCommuneName(code) ?? "" })),
      decision: r.decision
    }
  }
  // Unknown codes are rejects (UNIT_UNKNOWN); they are listed here too so a reviewer can give the
  // right code, unless answered already (then listed above with the answer). The database says
  // which, so no set of every unit review key is held here.
  const unknown = pages<any>((after) => {
    let q = db.withSchema("provmerge").selectFrom("rejects as j").select(["j.source", "j.source_table", "j.source_key", "j.raw_value"])
      .where("j.error_code", "=", "UNIT_UNKNOWN")
      .where(sql<boolean>`not exists (select 1 from provmerge.review_items i where i.review_key = 'unit:' || j.source_key)`)
      .orderBy("j.source_key").limit(2000)
    if (after !== null) q = q.where("j.source_key", ">", after)
    return q.execute()
  }, (r) => r.source_key)
  for await (const r of unknown) {
    const raw = parseRawUnit(String(r.raw_value ?? ""))
    yield {
      reviewKey: `unit:${r.source_key}`,
      source: r.source,
      table: r.source_table,
      sourceKey: r.source_key,
      oldProvinceCode: raw.province,
      oldDistrictCode: raw.district,
      oldCommuneCode: raw.commune,
      address: raw.address,
      status: "unknown",
      candidates: []
    }
  }
}

/** The raw unit of a UNIT_UNKNOWN reject, as the row transformer writes it: "province/district/commune address". */
const parseRawUnit = (raw: string) => {
  const space = raw.indexOf(" ")
  const [province, district, commune] = (space < 0 ? raw : raw.slice(0, space)).split("/")
  return {
    province: province || null,
    district: district || null,
    commune: commune || null,
    address: space < 0 ? null : raw.slice(space + 1) || null
  }
}

async function* duplicateRows(db: Kysely<any>): AsyncIterable<DuplicatePairRow> {
  const items = pages<any>((after) => {
    let q = db.withSchema("provmerge").selectFrom("review_items").selectAll().where("kind", "=", "duplicate").orderBy("review_key").limit(2000)
    if (after !== null) q = q.where("review_key", ">", after)
    return q.execute()
  }, (r) => r.review_key)
  for await (const r of items) {
    const p = parse(r.payload)
    const side = (rec: any) => ({
      source: rec?.source ?? "",
      sourceKey: rec?.sourceKey ?? "",
      fields: {
        fullName: rec?.fullName ?? null,
        birthDate: rec?.birthDate ?? null,
        gender: rec?.gender ?? null,
        cccd: rec?.cccd ?? null,
        cmnd: rec?.cmnd ?? null,
        fatherName: rec?.fatherName ?? null,
        motherName: rec?.motherName ?? null,
        address: rec?.address ?? null
      }
    })
    yield {
      reviewKey: r.review_key,
      clusterId: p.clusterId ?? r.review_key,
      recordType: "citizen",
      recordA: side(p.a),
      recordB: side(p.b),
      score: Number(p.score),
      breakdown: p.breakdown ?? [],
      decision: r.decision === "merge" ? "merge" : r.decision === "keep_apart" ? "keepApart" : null
    }
  }
}

/** Accounts that need someone's attention: merged, renamed, disabled, or must reset the password. */
async function* accountRows(db: Kysely<any>): AsyncIterable<AccountRow> {
  const rows = await db.selectFrom("account_records as r")
    .innerJoin("official_accounts as a", "a.id", "r.account_id")
    .select([
      "r.source", "r.username as old_username", "a.username as new_username", "r.full_name", "r.old_commune_code", "r.old_district_code",
      "a.new_commune_code", "a.status", "a.disabled_reason", "a.must_reset_password", "a.password_reset_reason", "a.collision_rule",
      "a.dropped_roles", "r.merge_status", "r.source_key"
    ])
    .orderBy("r.source_key")
    .execute()
  for (const r of rows as any[]) {
    const renamed = r.new_username !== r.old_username
    const action: AccountRow["action"] | null = r.status === "disabled"
      ? "disabled"
      : r.merge_status === "merged"
      ? "merged"
      : renamed
      ? "renamed"
      : r.must_reset_password
      ? "mustReset"
      : null
    if (action === null) continue
    const notes = [
      r.disabled_reason,
      renamed && r.collision_rule !== "none" ? `username taken: rule ${r.collision_rule}` : null,
      r.must_reset_password ? r.password_reset_reason ?? "must reset the password" : null,
      r.dropped_roles?.length ? `roles dropped: ${r.dropped_roles.join(", ")}` : null
    ].filter((n) => n !== null && n !== "")
    yield {
      source: r.source,
      oldUsername: r.old_username,
      newUsername: r.status === "disabled" ? null : r.new_username,
      fullName: r.full_name,
      oldUnitCode: r.old_commune_code ?? r.old_district_code,
      newUnitCode: r.new_commune_code,
      action,
      mergedInto: r.merge_status === "merged" ? r.new_username : null,
      note: notes.join("; ") || null
    }
  }
}

async function* ocrRows(db: Kysely<any>): AsyncIterable<OcrReviewRow> {
  const items = await db.withSchema("provmerge").selectFrom("review_items").selectAll().where("kind", "=", "ocr").orderBy("review_key").execute()
  for (const r of items as any[]) {
    const p = parse(r.payload)
    yield {
      reviewKey: r.review_key,
      file: p.file,
      page: p.page ?? 1,
      pageImagePath: p.pageImagePath ?? null,
      field: p.field ?? null,
      value: p.value ?? null,
      confidence: p.confidence ?? null,
      linkStatus: p.linkStatus ?? "unlinked"
    }
  }
}

/**
 * The OCR stage: the scanned results of procedures the abolished district authorities settled
 * become digitized results in the target — full text, fields with confidences, the source file's
 * hash — linked to their dossier and citizen. Every file is tracked in provmerge.scan_files: a
 * rerun skips files already done (by path and hash) and retries those that failed. An unreadable
 * file is a reject (stage 'ocr'), low-confidence fields and unlinked documents go to the OCR review
 * sheet, and reviewers' corrections replace the machine's values.
 */
import { join } from "node:path"
import { sql } from "kysely"
import type { DatabaseHandle } from "../connectors/open-database.ts"
import { withTargetTransaction } from "../connectors/target-session.ts"
import { digitizeFolder } from "../ocr/digitize-folder.ts"
import { FIELD_NAMES, type DigitizedDocument, type DocumentReject, type FieldName } from "../ocr/digitized-document.ts"
import { documentNumberKey, linkDocument, type LinkCandidates } from "../ocr/link-document.ts"
import { deterministicId } from "../target/deterministic-id.ts"

export const SCAN_SOURCE = "scans"
export const SCAN_TABLE = "files"
export const SCAN_BATCH = "scans:files"
/** Fields under this confidence go to the review sheet. */
export const FIELD_REVIEW_BELOW = 0.8

export interface DigitizeStageSummary {
  readonly files: number
  readonly digitized: number
  readonly skipped: number
  readonly rejected: number
  readonly linked: number
  readonly toReview: number
}

export interface DigitizeStageOptions {
  readonly scansDir: string
  /** Where cleaned page images are written for reviewers (next to the workbook). */
  readonly pageImageDir: string
  readonly concurrency?: number | undefined
  readonly onProgress?: ((message: string) => void) | undefined
}

const scanKey = (file: string) => `${SCAN_SOURCE}/${SCAN_TABLE}/${file}`

export const runDigitizeStage = async (target: DatabaseHandle, options: DigitizeStageOptions): Promise<DigitizeStageSummary> => {
  const db = target.db
  const done = new Map((await db.withSchema("provmerge").selectFrom("scan_files").select(["file_path", "file_hash", "status"]).execute() as any[])
    .filter((r) => r.status === "done" || r.status === "rejected")
    .map((r) => [r.file_path as string, r.file_hash as string | null]))
  let files = 0
  let digitized = 0
  let skipped = 0
  let rejected = 0
  let linked = 0
  let toReview = 0
  for await (const result of digitizeFolder(options.scansDir, {
    concurrency: options.concurrency,
    pageImageDir: options.pageImageDir,
    skip: (hash, file) => {
      const skip = done.has(file) && done.get(file) === hash
      if (skip) skipped++
      return skip
    }
  })) {
    files++
    if (result._tag === "DocumentReject") {
      rejected++
      await recordReject(target, result)
    } else {
      const stored = await storeDocument(target, result)
      digitized++
      if (stored.linked) linked++
      toReview += stored.reviewItems
    }
    if (files % 10 === 0) options.onProgress?.(`${files} files digitized (${rejected} rejected)`)
  }
  await applyOcrDecisions(target)
  return { files: files + skipped, digitized, skipped, rejected, linked, toReview }
}

/**
 * Reviewers' OCR answers on documents already digitized: a corrected value replaces the field
 * (confidence 1), a confirmation raises its confidence to 1. Idempotent: unchanged rows are not
 * rewritten.
 */
export const applyOcrDecisions = async (target: DatabaseHandle): Promise<number> => {
  const db = target.db
  const decided = await sql<{ review_key: string; decision: string; payload: any }>`select review_key, decision, payload
    from provmerge.review_items where kind = 'ocr' and decision is not null and review_key not like '%:link'`.execute(db)
  let changed = 0
  for (const d of decided.rows) {
    const payload = typeof d.payload === "string" ? JSON.parse(d.payload) : d.payload
    const field = String(payload.field ?? "")
    if (!(FIELD_NAMES as readonly string[]).includes(field)) continue
    const hashKey = d.review_key.split(":")[1] ?? ""
    const value = d.decision.startsWith("correct:") ? d.decision.slice("correct:".length) : null
    const result = await sql`update digitized_results set
        fields = case when ${value}::text is null then fields else jsonb_set(fields, array[${field}]::text[], to_jsonb(${value}::text)) end,
        confidences = jsonb_set(confidences, array[${field}]::text[], '1'::jsonb)
      where left(file_hash, 16) = ${hashKey}
        and (confidences -> ${field} is distinct from '1'::jsonb or (${value}::text is not null and fields ->> ${field} is distinct from ${value}))`.execute(db)
    changed += Number(result.numAffectedRows ?? 0)
  }
  return changed
}

const recordReject = (target: DatabaseHandle, reject: DocumentReject) =>
  withTargetTransaction(target, async (session) => {
    const db = target.db
    await session.query(sql`insert into provmerge.scan_files (file_path, file_hash, status, error_code, error, attempts, finished_at)
      values (${reject.file}, ${reject.fileHash}, ${reject.code === "OCR_FAILED" ? "failed" : "rejected"}, ${reject.code}, ${reject.reason}, 1, now())
      on conflict (file_path) do update set file_hash = excluded.file_hash, status = excluded.status, error_code = excluded.error_code,
        error = excluded.error, attempts = provmerge.scan_files.attempts + 1, finished_at = excluded.finished_at`.compile(db))
    await session.query(sql`insert into provmerge.rejects (batch_id, source, source_table, source_key, unit, stage, error_code, message, raw_value)
      values (${SCAN_BATCH}, ${SCAN_SOURCE}, ${SCAN_TABLE}, ${scanKey(reject.file)}, '', 'ocr', ${reject.code}, ${reject.reason}, ${reject.file})
      on conflict (source_key, stage) do update set error_code = excluded.error_code, message = excluded.message`.compile(db))
    await session.query(sql`delete from digitized_results where file_path = ${reject.file}`.compile(db))
  })

/** Candidates for linking: dossiers by result number, citizens (masters) by CCCD or by name. */
const linkCandidates = async (db: DatabaseHandle["db"], doc: DigitizedDocument): Promise<LinkCandidates> => {
  const number = doc.fields.documentNumber
  const cccd = doc.fields.citizenId
  const name = doc.fields.applicantName
  const dossierRows = number === null
    ? []
    : (await sql<any>`select d.id, d.result_number, d.applicant_name, d.completed_at, d.applicant_citizen_id, c.cccd
        from dossiers d left join citizens c on c.id = d.applicant_citizen_id
        where upper(replace(d.result_number, ' ', '')) = upper(replace(${number}, ' ', ''))
           or upper(replace(d.result_number, ' ', '')) = ${documentNumberKey(number)}
        limit 20`.execute(db)).rows
  const citizenRows = (await sql<any>`select id, full_name, cccd from citizens
      where (${cccd}::text is not null and cccd = ${cccd}) or (${name}::text is not null and full_name = ${name}) limit 20`.execute(db)).rows
  return {
    dossiers: dossierRows.map((d) => ({
      key: d.id,
      resultNumber: d.result_number ?? undefined,
      applicantName: d.applicant_name ?? undefined,
      applicantCitizenId: d.cccd ?? undefined,
      completedAt: d.completed_at instanceof Date ? d.completed_at.toISOString() : d.completed_at ?? undefined,
      citizenKey: d.applicant_citizen_id ?? undefined
    })),
    citizens: citizenRows.map((c) => ({ key: c.id, fullName: c.full_name, citizenId: c.cccd ?? undefined }))
  }
}

const storeDocument = async (target: DatabaseHandle, doc: DigitizedDocument): Promise<{ linked: boolean; reviewItems: number }> => {
  const db = target.db
  const hashKey = doc.fileHash.slice(0, 16)
  // Reviewers' answers win over the machine: "correct:<value>" replaces a field, "confirm" keeps it.
  const decisions = new Map((await db.withSchema("provmerge").selectFrom("review_items").select(["review_key", "decision"])
    .where("kind", "=", "ocr").where("review_key", "like", `ocr:${hashKey}:%`).where("decision", "is not", null).execute() as any[])
    .map((r) => [r.review_key as string, r.decision as string]))
  const fields: Record<string, string | null> = { ...doc.fields }
  const confidence: Record<string, number> = { ...doc.confidence }
  for (const f of FIELD_NAMES) {
    const decision = decisions.get(`ocr:${hashKey}:${f}`)
    if (decision?.startsWith("correct:")) {
      fields[f] = decision.slice("correct:".length)
      confidence[f] = 1
    } else if (decision === "confirm") confidence[f] = 1
  }
  const link = linkDocument({ fields: fields as DigitizedDocument["fields"], confidence: confidence as DigitizedDocument["confidence"] }, await linkCandidates(db, doc))
  const page = doc.pageImages?.[0] ?? null
  const reviews: Array<{ key: string; payload: Record<string, unknown> }> = []
  for (const f of FIELD_NAMES as readonly FieldName[]) {
    if (fields[f] !== null && confidence[f]! < FIELD_REVIEW_BELOW) {
      reviews.push({ key: `ocr:${hashKey}:${f}`, payload: { file: doc.file, page: 1, pageImagePath: page, field: f, value: fields[f], confidence: confidence[f], linkStatus: link.dossierKey ? "linked" : "unlinked" } })
    }
  }
  if (link.needsReview) {
    reviews.push({ key: `ocr:${hashKey}:link`, payload: { file: doc.file, page: 1, pageImagePath: page, field: null, value: null, confidence: link.confidence, linkStatus: "unlinked", reasons: link.reasons } })
  }
  await withTargetTransaction(target, async (session) => {
    const id = deterministicId("digitized_result", doc.fileHash)
    await session.query(sql`delete from digitized_results where file_path = ${doc.file} and file_hash <> ${doc.fileHash}`.compile(db))
    await session.query(sql`insert into digitized_results as r (id, file_path, file_hash, pages, full_text, document_type, fields, confidences,
        dossier_id, citizen_id, link_confidence, review_status)
      values (${id}, ${doc.file}, ${doc.fileHash}, ${doc.pages}, ${doc.text}, ${fields.documentType}, ${JSON.stringify(fields)}::jsonb,
        ${JSON.stringify(confidence)}::jsonb, ${link.dossierKey ?? null}::uuid, ${link.citizenKey ?? null}::uuid,
        ${Number(link.confidence.toFixed(4))}, ${reviews.length > 0 ? "pending" : "ok"})
      on conflict (id) do update set file_path = excluded.file_path, pages = excluded.pages, full_text = excluded.full_text,
        document_type = excluded.document_type, fields = excluded.fields, confidences = excluded.confidences, dossier_id = excluded.dossier_id,
        citizen_id = excluded.citizen_id, link_confidence = excluded.link_confidence, review_status = excluded.review_status
      where r is distinct from excluded`.compile(db))
    const keys = reviews.map((r) => r.key)
    await session.query(sql`delete from provmerge.review_items where kind = 'ocr' and review_key like ${`ocr:${hashKey}:%`}
      and decision is null and not (review_key = any(${keys}::text[]))`.compile(db))
    for (const r of reviews) {
      await session.query(sql`insert into provmerge.review_items (review_key, kind, batch_id, source, source_table, source_key, payload)
        values (${r.key}, 'ocr', ${SCAN_BATCH}, ${SCAN_SOURCE}, ${SCAN_TABLE}, ${scanKey(doc.file)}, ${JSON.stringify(r.payload)})
        on conflict (review_key) do update set payload = excluded.payload`.compile(db))
    }
    await session.query(sql`delete from provmerge.rejects where source_key = ${scanKey(doc.file)} and stage = 'ocr'`.compile(db))
    await session.query(sql`insert into provmerge.scan_files (file_path, file_hash, status, attempts, finished_at)
      values (${doc.file}, ${doc.fileHash}, 'done', 1, now())
      on conflict (file_path) do update set file_hash = excluded.file_hash, status = 'done', error_code = null, error = null,
        attempts = provmerge.scan_files.attempts + 1, finished_at = excluded.finished_at`.compile(db))
  })
  return { linked: link.dossierKey !== undefined, reviewItems: reviews.length }
}

/** Default folder for page images next to the job's reports. */
export const pageImageDirFor = (outputDir: string): string => join(outputDir, "pages")

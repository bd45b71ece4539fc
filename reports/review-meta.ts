/**
 * The hidden `_meta` sheet that ties a reconciliation workbook to its run: run id, language,
 * the review items the workbook asked about (with the choices each one allows) and a signature
 * over all of it. `review apply` trusts nothing a reviewer can see or edit; it checks answers
 * against this sheet and refuses a workbook whose signature or run id does not match.
 *
 * The signature is an HMAC-SHA256. With the default key it detects edits and mix-ups (a
 * workbook from another run, a pasted key); with a per-run secret kept in the ledger
 * (`signingKey`) it also resists a deliberate forgery.
 */
import { createHmac, timingSafeEqual } from "node:crypto"
import type { Lang } from "./labels.ts"

export const META_SHEET_NAME = "_meta"
export const META_MARKER = "provmerge-review"
export const META_FORMAT_VERSION = 1
export const DEFAULT_SIGNING_KEY = "provmerge-review/v1"

/** Rows of `_meta` before the entry table; entries start on the row after the entry header. */
export const META_ROW = {
  marker: 1,
  runId: 2,
  lang: 3,
  generatedAt: 4,
  signature: 5,
  unitsSheet: 6,
  duplicatesSheet: 7,
  ocrSheet: 8,
  entryCount: 9,
  entryHeader: 10
} as const
export const META_FIRST_ENTRY_ROW = META_ROW.entryHeader + 1
/** Column of the first choice of an entry (A kind, B key, C status, D.. choices). */
export const META_FIRST_CHOICE_COLUMN = 4

export type ReviewKind = "unit" | "duplicate" | "ocr"

/** One review item the workbook asked about. */
export interface ReviewMetaEntry {
  readonly kind: ReviewKind
  readonly reviewKey: string
  /** unit: ambiguous | unknown; ocr: field | unlinked; duplicate: "". */
  readonly status: string
  /** unit: the candidate labels ("00004 — Phường Ba Đình") the drop-down offers. */
  readonly choices: ReadonlyArray<string>
}

export interface ReviewMeta {
  readonly runId: string
  readonly lang: Lang
  readonly generatedAt: string
  readonly sheetNames: { readonly units: string; readonly duplicates: string; readonly ocr: string }
  /** An array, or the writer's compact collection of them (iterated in order). */
  readonly entries: Iterable<ReviewMetaEntry> & { readonly length: number }
}

/**
 * The signed text: JSON.stringify([marker, version, runId, lang, generatedAt, sheetNames,
 * entries as [kind, reviewKey, status, choices]]), handed over piece by piece (JSON.stringify
 * adds no whitespace, so the pieces join to exactly that text) rather than built as one string:
 * a large world asks about hundreds of thousands of items.
 */
function* canonicalPieces(meta: ReviewMeta): Generator<string> {
  const head = JSON.stringify([
    META_MARKER,
    META_FORMAT_VERSION,
    meta.runId,
    meta.lang,
    meta.generatedAt,
    [meta.sheetNames.units, meta.sheetNames.duplicates, meta.sheetNames.ocr]
  ])
  yield head.slice(0, -1) + ",["
  let first = true
  for (const e of meta.entries) {
    yield (first ? "" : ",") + JSON.stringify([e.kind, e.reviewKey, e.status, e.choices])
    first = false
  }
  yield "]]"
}

/** The hex HMAC-SHA256 of everything `_meta` holds. */
export const signReviewMeta = (meta: ReviewMeta, signingKey: string = DEFAULT_SIGNING_KEY): string => {
  const hmac = createHmac("sha256", signingKey)
  for (const piece of canonicalPieces(meta)) hmac.update(piece, "utf8")
  return hmac.digest("hex")
}

/** Constant-time comparison of a stored signature with the one recomputed from the content. */
export const verifyReviewMeta = (meta: ReviewMeta, signature: string, signingKey: string = DEFAULT_SIGNING_KEY): boolean => {
  const expected = Buffer.from(signReviewMeta(meta, signingKey), "hex")
  const given = /^[0-9a-f]{64}$/.test(signature) ? Buffer.from(signature, "hex") : Buffer.alloc(0)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** Review keys are written by the pipeline, never by users: a conservative alphabet keeps them unambiguous in any spreadsheet. */
export const REVIEW_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/#-]{0,199}$/

/** The drop-down label of a candidate commune: "00004 — Phường Ba Đình". */
export const candidateLabel = (code: string, name: string): string => (name.trim() === "" ? code : `${code} — ${name}`)

/** A new commune (xã/phường) code: five digits. */
export const COMMUNE_CODE_PATTERN = /^\d{5}$/

/** The commune code at the start of a drop-down label or of a bare code typed by a reviewer. */
export const communeCodeOf = (answer: string): string | null => {
  const match = /^\s*(\d{5})(?:\s*[—–-].*)?\s*$/su.exec(answer)
  return match?.[1] ?? null
}

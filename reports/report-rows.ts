/**
 * The rows of the reconciliation workbook (bảng đối soát), one shape per sheet.
 *
 * The pipeline fills these from the ledger; `writeReconciliationWorkbook` turns them into
 * sheets. Every field is plain data: no credentials and no password hashes belong here.
 */

/** Who ran what, when: printed at the top of the Summary sheet and signed into `_meta`. */
export interface RunHeader {
  readonly runId: string
  /** The new province (tỉnh/thành phố) the run migrates into, e.g. "Thành phố Hà Nội (01)". */
  readonly province: string
  /** Source system names, e.g. ["mot-cua-hanoi", "hotich-hatay"]. */
  readonly sources: ReadonlyArray<string>
  readonly startedAt: Date
  /** null while a run is still in progress. */
  readonly finishedAt: Date | null
  readonly toolVersion: string
  readonly configHash: string
}

/** One source table of one old unit (đơn vị hành chính cũ): what was read and where it went. */
export interface SummaryRow {
  readonly source: string
  readonly table: string
  readonly oldUnitCode: string
  readonly oldUnitName: string
  readonly read: number
  readonly loaded: number
  /** Rows folded into a master record by deduplication (gộp vào bản gốc). */
  readonly merged: number
  readonly rejected: number
  /** Rows loaded but waiting for a reviewer's decision (chờ rà soát). */
  readonly pendingReview: number
  /** Order-independent checksum of the normalised source rows; null when not computed. */
  readonly sourceChecksum: string | null
  /** The same checksum computed on the target; null when not computed. */
  readonly targetChecksum: string | null
}

/** A row the pipeline refused (bản ghi bị loại), with the stable error code. */
export interface RejectRow {
  readonly source: string
  readonly table: string
  readonly sourceKey: string
  /** Pipeline stage: extract, normalize, unit-mapping, dedupe, load, ocr (other values are shown as is). */
  readonly stage: string
  readonly errorCode: string
  readonly message: string
  /** The offending raw value as read from the source, if any. */
  readonly rawValue: string | null
}

/** A candidate new commune (xã/phường mới) for an ambiguous old unit reference. */
export interface CommuneCandidate {
  readonly code: string
  readonly name: string
}

/** ambiguous: several new communes are possible; unknown: the old code is not in the catalogue. */
export type UnitReviewStatus = "ambiguous" | "unknown"

/** A record whose old unit reference could not be mapped to exactly one new commune. */
export interface UnitReviewRow {
  /** Stable identifier of the review item; the answer comes back under this key. */
  readonly reviewKey: string
  readonly source: string
  readonly table: string
  readonly sourceKey: string
  readonly oldProvinceCode: string | null
  readonly oldDistrictCode: string | null
  readonly oldCommuneCode: string | null
  readonly address: string | null
  readonly status: UnitReviewStatus
  /** The new communes the reviewer may choose from; empty for an unknown unit (free code entry). */
  readonly candidates: ReadonlyArray<CommuneCandidate>
  /** A decision already recorded (new commune code), shown pre-filled. */
  readonly decision?: string | null
}

/** A field value of one side of a duplicate pair. */
export type FieldValue = string | number | boolean | Date | null

/** One record of a duplicate pair, shown side by side with the other. */
export interface DuplicateRecord {
  readonly source: string
  readonly sourceKey: string
  /** Field name -> value, e.g. { fullName: "Nguyễn Văn An", birthDate: "1990-01-02", citizenId: "001090012345" }. */
  readonly fields: Readonly<Record<string, FieldValue>>
}

/** How one field contributed to a pair's score (Fellegi–Sunter style). */
export interface FieldScore {
  readonly field: string
  /** Agreement level: exact, similar, different, missing (other values are shown as is). */
  readonly level: string
  /** The weight this level added to the score (may be negative). */
  readonly weight: number
}

/** A candidate duplicate pair (cặp nghi trùng) waiting for merge / keep-apart. */
export interface DuplicatePairRow {
  readonly reviewKey: string
  /** The cluster (cụm) the pair belongs to; pairs of one cluster share it. */
  readonly clusterId: string
  /** What kind of record: citizen, dossier, civilStatusEvent, … */
  readonly recordType: string
  readonly recordA: DuplicateRecord
  readonly recordB: DuplicateRecord
  readonly score: number
  readonly breakdown: ReadonlyArray<FieldScore>
  /** A decision already recorded, shown pre-filled. */
  readonly decision?: DuplicateDecisionValue | null
}

export type DuplicateDecisionValue = "merge" | "keepApart"

/** What happened to a user account (tài khoản) of an old system. Never carries a credential. */
export type AccountAction = "merged" | "renamed" | "disabled" | "mustReset"

export interface AccountRow {
  readonly source: string
  readonly oldUsername: string
  /** The username in the new system; null when the account was disabled. */
  readonly newUsername: string | null
  readonly fullName: string | null
  readonly oldUnitCode: string | null
  readonly newUnitCode: string | null
  readonly action: AccountAction
  /** For merged accounts: the account it was merged into. */
  readonly mergedInto: string | null
  readonly note: string | null
}

/** linked: the scan belongs to a dossier; unlinked: no dossier found for the document. */
export type OcrLinkStatus = "linked" | "unlinked"

/** A low-confidence OCR field (số hóa) or an unlinked scanned document. */
export interface OcrReviewRow {
  readonly reviewKey: string
  readonly file: string
  readonly page: number
  /** Path of the rendered page image, shown as a link the reviewer can open. */
  readonly pageImagePath: string | null
  /** The extracted field; null for an unlinked document row (no field to correct). */
  readonly field: string | null
  readonly value: string | null
  /** 0..1; null for an unlinked document row. */
  readonly confidence: number | null
  readonly linkStatus: OcrLinkStatus
}

/** OCR decision: confirm the value as read, or replace it with the corrected value. */
export type OcrDecisionValue = "confirm" | "correct"

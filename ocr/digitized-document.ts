/**
 * What digitizing one scanned district result (kết quả giải quyết TTHC cấp huyện) yields:
 * the recognised text, the structured fields with a confidence each, or a reject with a stable code.
 */

/** The fields read from a district result: Quyết định, giấy phép, giấy chứng nhận, trích lục hộ tịch. */
export const FIELD_NAMES = [
  "documentNumber",
  "issueDate",
  "issuingAuthority",
  "signer",
  "applicantName",
  "citizenId",
  "documentType"
] as const

export type FieldName = (typeof FIELD_NAMES)[number]

/** Field values, normalised (NFC, ISO dates, title-case names); null when not found. */
export type DocumentFields = { [K in FieldName]: string | null }

/** Confidence per field, 0..1 (0 when the field was not found). */
export type FieldConfidence = { [K in FieldName]: number }

/** Why a field value was kept with a lowered confidence, or dropped. */
export type FieldIssue = {
  /** null for document-level issues (e.g. a page the OCR engine failed on). */
  readonly field: FieldName | null
  readonly code: string
  readonly detail: string
}

export type DigitizedPage = {
  /** 1-based page number within the source file. */
  readonly page: number
  readonly text: string
  /** Mean word confidence of the page, 0..1. */
  readonly confidence: number
  /** Skew angle (degrees) that preprocessing removed. */
  readonly skewDegrees: number
  /** Path of the preprocessed page image, when the caller asked to keep page images. */
  readonly imagePath?: string
}

export type DigitizedDocument = {
  readonly _tag: "DigitizedDocument"
  /** Path of the source file, relative to the input folder, with forward slashes. */
  readonly file: string
  /** SHA-256 of the source file's bytes (hex). */
  readonly fileHash: string
  readonly pages: number
  /** Full text (NFC), pages separated by a form feed. */
  readonly text: string
  readonly fields: DocumentFields
  readonly confidence: FieldConfidence
  /** The document heading as printed, e.g. "QUYẾT ĐỊNH" or "TRÍCH LỤC KHAI SINH". */
  readonly title: string | null
  readonly issues: ReadonlyArray<FieldIssue>
  readonly pageDetails: ReadonlyArray<DigitizedPage>
  /** Preprocessed page images written to disk, when `keepPageImages` was given. */
  readonly pageImages?: ReadonlyArray<string>
}

/** Stable reject codes: a reviewer sees the code, an operator the reason. */
export type RejectCode =
  | "UNREADABLE_FILE" // cannot read bytes from disk
  | "UNSUPPORTED_FORMAT" // extension or magic bytes are not PDF/TIFF/PNG/JPEG
  | "CORRUPT_IMAGE" // the image decoder refused it
  | "CORRUPT_PDF" // the PDF parser refused it
  | "ENCRYPTED_PDF" // the PDF needs a password
  | "EMPTY_DOCUMENT" // no pages
  | "TOO_MANY_PAGES" // over the per-file page limit
  | "OCR_FAILED" // the OCR engine failed or timed out on every retry
  | "NO_TEXT" // OCR found no text at all

export type DocumentReject = {
  readonly _tag: "DocumentReject"
  readonly file: string
  /** SHA-256 of the bytes, when they could be read. */
  readonly fileHash: string | null
  readonly code: RejectCode
  readonly reason: string
}

export type DigitizeResult = DigitizedDocument | DocumentReject

export const emptyFields = (): DocumentFields => ({
  documentNumber: null,
  issueDate: null,
  issuingAuthority: null,
  signer: null,
  applicantName: null,
  citizenId: null,
  documentType: null
})

export const zeroConfidence = (): FieldConfidence => ({
  documentNumber: 0,
  issueDate: 0,
  issuingAuthority: 0,
  signer: 0,
  applicantName: 0,
  citizenId: 0,
  documentType: 0
})

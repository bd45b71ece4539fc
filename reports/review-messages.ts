/**
 * What `review apply` says when a reviewed workbook cannot be taken back: what is wrong and what
 * to do, in the reviewer's language. Codes are stable (operators search for them); the wording
 * may improve.
 */
import type { Lang } from "./labels.ts"

export type ReviewErrorCode =
  | "FILE_UNREADABLE"
  | "NOT_A_REVIEW_WORKBOOK"
  | "META_TAMPERED"
  | "FOREIGN_RUN"
  | "MISSING_SHEET"
  | "MISSING_COLUMN"
  | "MISSING_REVIEW_KEY"
  | "UNKNOWN_REVIEW_KEY"
  | "REPEATED_REVIEW_KEY"
  | "INVALID_DECISION"
  | "NOT_A_CANDIDATE"
  | "INVALID_COMMUNE_CODE"
  | "CORRECTED_VALUE_MISSING"
  | "CONFLICTING_ANSWER"
  | "CONFLICTING_DECISIONS"
  | "DECISION_NOT_EXPECTED"
  | "FORMULA_NOT_ALLOWED"

/** Values a message may quote. */
export interface MessageParams {
  readonly value?: string
  readonly expected?: string
  readonly found?: string
  readonly allowed?: ReadonlyArray<string>
  readonly sheet?: string
  readonly column?: string
  readonly detail?: string
}

export interface MessageText {
  readonly message: string
  readonly hint: string
}

const q = (s: string | undefined): string => `«${s ?? ""}»`
const list = (values: ReadonlyArray<string> | undefined): string => (values ?? []).map(q).join(", ")

type Catalog = Readonly<Record<ReviewErrorCode, (p: MessageParams) => MessageText>>

const vi: Catalog = {
  FILE_UNREADABLE: (p) => ({
    message: `Không mở được tệp Excel (${p.detail ?? ""}).`,
    hint: "Kiểm tra đường dẫn và lưu lại tệp ở định dạng .xlsx rồi thử lại."
  }),
  NOT_A_REVIEW_WORKBOOK: () => ({
    message: "Tệp này không phải bảng đối soát do provmerge lập (thiếu trang ẩn _meta).",
    hint: "Dùng đúng tệp provmerge đã gửi để rà soát; không sao chép dữ liệu sang tệp mới."
  }),
  META_TAMPERED: () => ({
    message: "Thông tin kiểm soát của bảng đối soát đã bị thay đổi (chữ ký không khớp).",
    hint: "Lấy lại tệp gốc provmerge đã gửi và nhập lại các quyết định vào tệp đó."
  }),
  FOREIGN_RUN: (p) => ({
    message: `Tệp thuộc lượt chạy ${q(p.found)}, không phải lượt chạy ${q(p.expected)} đang áp dụng.`,
    hint: "Chọn đúng tệp của lượt chạy này, hoặc áp dụng cho đúng lượt chạy ghi trong tệp."
  }),
  MISSING_SHEET: (p) => ({
    message: `Không tìm thấy trang ${q(p.sheet)}.`,
    hint: "Không đổi tên hoặc xóa các trang của bảng đối soát; lấy lại tệp gốc nếu cần."
  }),
  MISSING_COLUMN: (p) => ({
    message: `Trang ${q(p.sheet)} thiếu cột ${q(p.column)} ở dòng tiêu đề.`,
    hint: "Không đổi tên hoặc xóa cột tiêu đề; khôi phục tên cột như tệp gốc."
  }),
  MISSING_REVIEW_KEY: () => ({
    message: "Dòng có quyết định nhưng ô «Mã rà soát» để trống.",
    hint: "Khôi phục mã rà soát của dòng này như tệp gốc, hoặc xóa quyết định."
  }),
  UNKNOWN_REVIEW_KEY: (p) => ({
    message: `Mã rà soát ${q(p.value)} không có trong bảng đối soát này (có thể đã bị sửa).`,
    hint: "Không sửa cột «Mã rà soát»; khôi phục giá trị gốc hoặc xóa dòng đã thêm."
  }),
  REPEATED_REVIEW_KEY: (p) => ({
    message: `Mã rà soát ${q(p.value)} xuất hiện ở nhiều dòng.`,
    hint: "Xóa dòng bị sao chép, chỉ giữ một dòng cho mỗi mã rà soát."
  }),
  INVALID_DECISION: (p) => ({
    message: `Quyết định ${q(p.value)} không hợp lệ.`,
    hint: `Chọn một giá trị trong danh sách: ${list(p.allowed)}.`
  }),
  NOT_A_CANDIDATE: (p) => ({
    message: `Xã/phường ${q(p.value)} không nằm trong các xã/phường mới có thể cho bản ghi này.`,
    hint: `Chọn một trong: ${list(p.allowed)}.`
  }),
  INVALID_COMMUNE_CODE: (p) => ({
    message: `${q(p.value)} không phải mã xã/phường (5 chữ số).`,
    hint: "Nhập mã xã/phường mới gồm 5 chữ số, ví dụ 00004."
  }),
  CORRECTED_VALUE_MISSING: () => ({
    message: "Đã chọn sửa giá trị nhưng cột «Giá trị đúng» để trống.",
    hint: "Nhập giá trị đúng, hoặc chọn «Giữ nguyên giá trị»."
  }),
  CONFLICTING_ANSWER: () => ({
    message: "Đã chọn «Giữ nguyên giá trị» nhưng vẫn nhập «Giá trị đúng».",
    hint: "Xóa giá trị đúng nếu giữ nguyên, hoặc chọn «Sửa theo giá trị đúng»."
  }),
  CONFLICTING_DECISIONS: (p) => ({
    message: `Cặp ${q(p.value)} có các quyết định khác nhau ở các dòng: ${list(p.allowed)}.`,
    hint: "Chỉ ghi một quyết định cho mỗi cặp (ở dòng «Nguồn / khóa bản ghi»)."
  }),
  DECISION_NOT_EXPECTED: () => ({
    message: "Dòng này là tài liệu chưa gắn hồ sơ, không có trường để quyết định.",
    hint: "Xóa quyết định ở dòng này; việc gắn tài liệu vào hồ sơ được xử lý riêng."
  }),
  FORMULA_NOT_ALLOWED: () => ({
    message: "Ô trả lời chứa công thức.",
    hint: "Nhập giá trị dạng văn bản; nếu giá trị bắt đầu bằng = + - @ hãy gõ dấu ' ở đầu."
  })
}

const en: Catalog = {
  FILE_UNREADABLE: (p) => ({
    message: `The Excel file cannot be opened (${p.detail ?? ""}).`,
    hint: "Check the path, save the file as .xlsx and try again."
  }),
  NOT_A_REVIEW_WORKBOOK: () => ({
    message: "This file is not a provmerge reconciliation workbook (no hidden _meta sheet).",
    hint: "Use the workbook provmerge produced; do not copy the answers into a new file."
  }),
  META_TAMPERED: () => ({
    message: "The workbook's control data was changed (signature mismatch).",
    hint: "Take the original workbook provmerge produced and enter the decisions in it again."
  }),
  FOREIGN_RUN: (p) => ({
    message: `The workbook belongs to run ${q(p.found)}, not to run ${q(p.expected)}.`,
    hint: "Choose the workbook of this run, or apply it to the run it names."
  }),
  MISSING_SHEET: (p) => ({
    message: `Sheet ${q(p.sheet)} is missing.`,
    hint: "Do not rename or delete the workbook's sheets; take the original file if needed."
  }),
  MISSING_COLUMN: (p) => ({
    message: `Sheet ${q(p.sheet)} has no column ${q(p.column)} in its header row.`,
    hint: "Do not rename or delete header columns; restore the original header."
  }),
  MISSING_REVIEW_KEY: () => ({
    message: "The row has a decision but its review key is empty.",
    hint: "Restore the row's original review key, or clear the decision."
  }),
  UNKNOWN_REVIEW_KEY: (p) => ({
    message: `Review key ${q(p.value)} is not part of this workbook (it may have been edited).`,
    hint: "Do not edit the review key column; restore the original value or delete the added row."
  }),
  REPEATED_REVIEW_KEY: (p) => ({
    message: `Review key ${q(p.value)} appears on several rows.`,
    hint: "Delete the copied rows; keep one row per review key."
  }),
  INVALID_DECISION: (p) => ({
    message: `Decision ${q(p.value)} is not valid.`,
    hint: `Choose one of: ${list(p.allowed)}.`
  }),
  NOT_A_CANDIDATE: (p) => ({
    message: `Commune ${q(p.value)} is not one of the candidate new communes for this record.`,
    hint: `Choose one of: ${list(p.allowed)}.`
  }),
  INVALID_COMMUNE_CODE: (p) => ({
    message: `${q(p.value)} is not a commune code (5 digits).`,
    hint: "Enter the 5-digit code of the new commune, e.g. 00004."
  }),
  CORRECTED_VALUE_MISSING: () => ({
    message: "The decision is to correct the value but 'Corrected value' is empty.",
    hint: "Enter the corrected value, or choose 'keep as read'."
  }),
  CONFLICTING_ANSWER: () => ({
    message: "The decision is 'keep as read' but a corrected value was entered.",
    hint: "Clear the corrected value, or choose 'use corrected value'."
  }),
  CONFLICTING_DECISIONS: (p) => ({
    message: `Pair ${q(p.value)} has different decisions on its rows: ${list(p.allowed)}.`,
    hint: "Give one decision per pair (on its 'Source / key' row)."
  }),
  DECISION_NOT_EXPECTED: () => ({
    message: "This row is an unlinked document; it has no field to decide on.",
    hint: "Clear the decision on this row; linking documents to dossiers is handled separately."
  }),
  FORMULA_NOT_ALLOWED: () => ({
    message: "The answer cell holds a formula.",
    hint: "Enter the value as text; if it begins with = + - @ type an apostrophe first."
  })
}

const CATALOGS: Readonly<Record<Lang, Catalog>> = { vi, en }

/** The message and the hint of one review error. */
export const reviewMessage = (lang: Lang, code: ReviewErrorCode, params: MessageParams = {}): MessageText =>
  CATALOGS[lang][code](params)

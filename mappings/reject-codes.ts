/**
 * Stable reject codes. Reviewers filter on them and operators search logs for them, so a code is
 * never renamed or reused; add new ones at the end.
 */
export const rejectCodes = {
  MISSING_REQUIRED: "A required value is empty",
  INVALID_DATE: "The date does not exist or cannot be read",
  DATE_OUT_OF_RANGE: "The date is outside the plausible range",
  INVALID_CCCD: "The CCCD number is not a valid 12-digit citizen ID",
  INVALID_CMND: "The CMND number is not a valid 9-digit ID",
  UNKNOWN_ENUM: "The value is not one this vendor's column may hold",
  LEGACY_DECODE_FAILED: "Legacy-encoded text (TCVN3/VNI) could not be decoded",
  INVALID_TEXT: "The text holds bytes that are not valid characters",
  UNIT_UNKNOWN: "The administrative unit code is not in the catalog",
  INVALID_NUMBER: "The number cannot be read",
  DUPLICATE_SOURCE_KEY: "The same source key appeared twice",
  LOAD_FAILED: "The target database refused the row"
} as const

export type RejectCode = keyof typeof rejectCodes

/**
 * What each code means, in the words of the Vietnamese reviewer who reads the Rejects sheet.
 * The OCR stage's codes (unreadable scans) are listed too.
 */
export const rejectCodesVi: Readonly<Record<string, string>> = {
  MISSING_REQUIRED: "Thiếu thông tin bắt buộc",
  INVALID_DATE: "Ngày tháng không tồn tại hoặc không đọc được",
  DATE_OUT_OF_RANGE: "Ngày tháng nằm ngoài khoảng hợp lý",
  INVALID_CCCD: "Số CCCD không hợp lệ (phải gồm 12 chữ số đúng cấu trúc)",
  INVALID_CMND: "Số CMND không hợp lệ (phải gồm 9 chữ số)",
  UNKNOWN_ENUM: "Giá trị không thuộc danh mục của hệ thống nguồn",
  LEGACY_DECODE_FAILED: "Không chuyển được chữ mã cũ (TCVN3/VNI) sang Unicode",
  INVALID_TEXT: "Văn bản chứa ký tự không hợp lệ",
  UNIT_UNKNOWN: "Mã đơn vị hành chính không có trong danh mục",
  INVALID_NUMBER: "Số không đọc được",
  DUPLICATE_SOURCE_KEY: "Khóa bản ghi nguồn bị trùng",
  LOAD_FAILED: "Cơ sở dữ liệu đích từ chối bản ghi",
  UNREADABLE_FILE: "Không đọc được tệp",
  UNSUPPORTED_FORMAT: "Định dạng tệp không được hỗ trợ (chỉ nhận PDF, TIFF, PNG, JPEG)",
  CORRUPT_IMAGE: "Tệp ảnh bị hỏng",
  CORRUPT_PDF: "Tệp PDF bị hỏng",
  ENCRYPTED_PDF: "Tệp PDF có mật khẩu",
  EMPTY_DOCUMENT: "Tài liệu không có trang nào",
  TOO_MANY_PAGES: "Tài liệu quá nhiều trang",
  OCR_FAILED: "Nhận dạng chữ (OCR) thất bại",
  NO_TEXT: "Không nhận dạng được chữ nào trên bản quét"
}

/** The reviewer-facing meaning of a code, in the workbook's language (the code itself when unknown). */
export const describeRejectCode = (code: string, lang: "vi" | "en"): string =>
  (lang === "vi" ? rejectCodesVi[code] : (rejectCodes as Readonly<Record<string, string>>)[code]) ?? code

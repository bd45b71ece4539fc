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

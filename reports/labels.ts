/**
 * Every word a reviewer reads in a reconciliation workbook, in Vietnamese (the default, in the
 * terms a provincial civil servant uses: hồ sơ, hộ tịch, đơn vị hành chính, xã/phường, CCCD)
 * and English (`--lang en`). The messages of `review apply` live in review-messages.ts.
 */

export type Lang = "vi" | "en"

export const LANGS: ReadonlyArray<Lang> = ["vi", "en"]

export const isLang = (value: string): value is Lang => value === "vi" || value === "en"

/** Sheets of the workbook, in the order they appear. */
export type SheetId = "summary" | "rejects" | "units" | "duplicates" | "accounts" | "ocr"

export type SummaryStatus = "match" | "mismatch" | "notChecked"

export interface Labels {
  readonly sheets: Readonly<Record<SheetId, string>>
  readonly runHeader: {
    readonly title: string
    readonly runId: string
    readonly province: string
    readonly sources: string
    readonly startedAt: string
    readonly finishedAt: string
    readonly inProgress: string
    readonly toolVersion: string
    readonly configHash: string
    readonly generatedAt: string
    readonly conservationNote: string
  }
  readonly summaryColumns: {
    readonly source: string
    readonly table: string
    readonly oldUnitCode: string
    readonly oldUnitName: string
    readonly read: string
    readonly loaded: string
    readonly merged: string
    readonly rejected: string
    readonly pendingReview: string
    readonly conservation: string
    readonly sourceChecksum: string
    readonly targetChecksum: string
    readonly status: string
  }
  readonly totals: string
  readonly status: Readonly<Record<SummaryStatus, string>>
  readonly rejectColumns: {
    readonly source: string
    readonly table: string
    readonly sourceKey: string
    readonly stage: string
    readonly errorCode: string
    readonly message: string
    readonly rawValue: string
  }
  /** Known pipeline stages; others are shown as given. */
  readonly stages: Readonly<Record<string, string>>
  readonly unitColumns: {
    readonly reviewKey: string
    readonly source: string
    readonly table: string
    readonly sourceKey: string
    readonly oldProvinceCode: string
    readonly oldDistrictCode: string
    readonly oldCommuneCode: string
    readonly address: string
    readonly status: string
    readonly candidates: string
    readonly decision: string
    readonly note: string
  }
  readonly unitStatus: { readonly ambiguous: string; readonly unknown: string }
  readonly duplicateColumns: {
    readonly reviewKey: string
    readonly clusterId: string
    readonly recordType: string
    readonly score: string
    readonly field: string
    readonly valueA: string
    readonly valueB: string
    readonly level: string
    readonly weight: string
    readonly decision: string
    readonly note: string
  }
  /** The first row of every pair: where each record comes from. */
  readonly duplicateOriginField: string
  readonly levels: Readonly<Record<string, string>>
  readonly recordTypes: Readonly<Record<string, string>>
  /** Common field names of canonical records; others are shown as given. */
  readonly fields: Readonly<Record<string, string>>
  readonly accountColumns: {
    readonly source: string
    readonly oldUsername: string
    readonly newUsername: string
    readonly fullName: string
    readonly oldUnitCode: string
    readonly newUnitCode: string
    readonly action: string
    readonly mergedInto: string
    readonly note: string
  }
  readonly accountActions: { readonly merged: string; readonly renamed: string; readonly disabled: string; readonly mustReset: string }
  readonly ocrColumns: {
    readonly reviewKey: string
    readonly file: string
    readonly page: string
    readonly pageImage: string
    readonly field: string
    readonly value: string
    readonly confidence: string
    readonly linkStatus: string
    readonly decision: string
    readonly correctedValue: string
    readonly note: string
  }
  readonly ocrLinkStatus: { readonly linked: string; readonly unlinked: string }
  readonly decisions: { readonly merge: string; readonly keepApart: string; readonly confirm: string; readonly correct: string }
  readonly prompts: {
    readonly duplicateTitle: string
    readonly duplicate: string
    readonly unitTitle: string
    readonly unit: string
    readonly ocrTitle: string
    readonly ocr: string
    readonly invalidTitle: string
    readonly invalid: string
  }
  readonly yes: string
  readonly no: string
}

const vi: Labels = {
  sheets: {
    summary: "Tổng hợp",
    rejects: "Bản ghi bị loại",
    units: "Đơn vị hành chính",
    duplicates: "Nghi trùng lặp",
    accounts: "Tài khoản",
    ocr: "Số hóa (OCR)"
  },
  runHeader: {
    title: "BÁO CÁO ĐỐI SOÁT CHUYỂN ĐỔI DỮ LIỆU",
    runId: "Mã lượt chạy",
    province: "Tỉnh/thành phố",
    sources: "Hệ thống nguồn",
    startedAt: "Bắt đầu",
    finishedAt: "Kết thúc",
    inProgress: "Đang chạy",
    toolVersion: "Phiên bản provmerge",
    configHash: "Mã băm cấu hình",
    generatedAt: "Thời điểm lập báo cáo",
    conservationNote: "Chênh lệch = Số bản ghi đọc − Đã nạp − Gộp vào bản gốc − Bị loại; đúng khi bằng 0."
  },
  summaryColumns: {
    source: "Hệ thống nguồn",
    table: "Bảng dữ liệu",
    oldUnitCode: "Mã ĐVHC cũ",
    oldUnitName: "Tên đơn vị hành chính cũ",
    read: "Số bản ghi đọc",
    loaded: "Đã nạp",
    merged: "Gộp vào bản gốc",
    rejected: "Bị loại",
    pendingReview: "Chờ rà soát",
    conservation: "Chênh lệch",
    sourceChecksum: "Mã kiểm tra nguồn (checksum)",
    targetChecksum: "Mã kiểm tra đích (checksum)",
    status: "Kết quả đối soát"
  },
  totals: "Tổng cộng",
  status: { match: "khớp", mismatch: "lệch", notChecked: "chưa đối soát" },
  rejectColumns: {
    source: "Hệ thống nguồn",
    table: "Bảng dữ liệu",
    sourceKey: "Khóa bản ghi nguồn",
    stage: "Bước xử lý",
    errorCode: "Mã lỗi",
    message: "Mô tả lỗi",
    rawValue: "Giá trị gốc"
  },
  stages: {
    extract: "Đọc dữ liệu nguồn",
    normalize: "Chuẩn hóa dữ liệu",
    validate: "Kiểm tra hợp lệ",
    "unit-mapping": "Chuyển đổi đơn vị hành chính",
    dedupe: "Xử lý trùng lặp",
    load: "Nạp vào hệ thống mới",
    ocr: "Số hóa (OCR)",
    accounts: "Chuyển đổi tài khoản"
  },
  unitColumns: {
    reviewKey: "Mã rà soát",
    source: "Hệ thống nguồn",
    table: "Bảng dữ liệu",
    sourceKey: "Khóa bản ghi nguồn",
    oldProvinceCode: "Mã tỉnh cũ",
    oldDistrictCode: "Mã huyện cũ",
    oldCommuneCode: "Mã xã/phường cũ",
    address: "Địa chỉ",
    status: "Tình trạng",
    candidates: "Các xã/phường mới có thể",
    decision: "Quyết định: xã/phường mới",
    note: "Ghi chú của người rà soát"
  },
  unitStatus: {
    ambiguous: "Chưa xác định (nhiều xã/phường mới)",
    unknown: "Mã không có trong danh mục"
  },
  duplicateColumns: {
    reviewKey: "Mã rà soát",
    clusterId: "Cụm nghi trùng",
    recordType: "Loại dữ liệu",
    score: "Điểm tương đồng",
    field: "Trường thông tin",
    valueA: "Bản ghi A",
    valueB: "Bản ghi B",
    level: "Mức khớp",
    weight: "Trọng số",
    decision: "Quyết định",
    note: "Ghi chú của người rà soát"
  },
  duplicateOriginField: "Nguồn / khóa bản ghi",
  levels: { exact: "trùng khớp", similar: "gần giống", different: "khác nhau", missing: "thiếu dữ liệu" },
  recordTypes: {
    citizen: "Công dân",
    dossier: "Hồ sơ TTHC",
    civilStatusEvent: "Hộ tịch",
    account: "Tài khoản",
    document: "Tài liệu số hóa"
  },
  fields: {
    fullName: "Họ và tên",
    birthDate: "Ngày sinh",
    gender: "Giới tính",
    citizenId: "Số CCCD/CMND",
    phone: "Số điện thoại",
    email: "Thư điện tử",
    address: "Địa chỉ",
    communeCode: "Mã xã/phường",
    fatherName: "Họ tên cha",
    motherName: "Họ tên mẹ",
    dossierCode: "Mã hồ sơ",
    procedureCode: "Mã thủ tục",
    receivedAt: "Ngày tiếp nhận",
    applicantName: "Người nộp hồ sơ",
    eventType: "Loại sự kiện hộ tịch",
    eventDate: "Ngày đăng ký",
    registrationNumber: "Số đăng ký",
    bookNumber: "Quyển số"
  },
  accountColumns: {
    source: "Hệ thống nguồn",
    oldUsername: "Tên đăng nhập cũ",
    newUsername: "Tên đăng nhập mới",
    fullName: "Họ và tên",
    oldUnitCode: "ĐVHC cũ",
    newUnitCode: "ĐVHC mới",
    action: "Xử lý",
    mergedInto: "Gộp vào tài khoản",
    note: "Ghi chú"
  },
  accountActions: {
    merged: "Gộp tài khoản",
    renamed: "Đổi tên đăng nhập",
    disabled: "Vô hiệu hóa",
    mustReset: "Bắt buộc đặt lại mật khẩu"
  },
  ocrColumns: {
    reviewKey: "Mã rà soát",
    file: "Tệp",
    page: "Trang",
    pageImage: "Ảnh trang",
    field: "Trường thông tin",
    value: "Giá trị nhận dạng",
    confidence: "Độ tin cậy",
    linkStatus: "Gắn với hồ sơ",
    decision: "Quyết định",
    correctedValue: "Giá trị đúng",
    note: "Ghi chú của người rà soát"
  },
  ocrLinkStatus: { linked: "Đã gắn hồ sơ", unlinked: "Chưa gắn với hồ sơ nào" },
  decisions: { merge: "Gộp", keepApart: "Giữ riêng", confirm: "Giữ nguyên giá trị", correct: "Sửa theo giá trị đúng" },
  prompts: {
    duplicateTitle: "Quyết định",
    duplicate: "Chọn «Gộp» nếu hai bản ghi là một người/hồ sơ, «Giữ riêng» nếu khác nhau.",
    unitTitle: "Xã/phường mới",
    unit: "Chọn xã/phường mới trong danh sách.",
    ocrTitle: "Quyết định",
    ocr: "Chọn «Giữ nguyên giá trị», hoặc nhập giá trị đúng vào cột «Giá trị đúng».",
    invalidTitle: "Giá trị không hợp lệ",
    invalid: "Vui lòng chọn một giá trị trong danh sách."
  },
  yes: "có",
  no: "không"
}

const en: Labels = {
  sheets: {
    summary: "Summary",
    rejects: "Rejects",
    units: "Units",
    duplicates: "Duplicates",
    accounts: "Accounts",
    ocr: "OCR"
  },
  runHeader: {
    title: "DATA MIGRATION RECONCILIATION REPORT",
    runId: "Run ID",
    province: "Province",
    sources: "Source systems",
    startedAt: "Started",
    finishedAt: "Finished",
    inProgress: "In progress",
    toolVersion: "provmerge version",
    configHash: "Configuration hash",
    generatedAt: "Report generated",
    conservationNote: "Difference = Read − Loaded − Merged into master − Rejected; correct when 0."
  },
  summaryColumns: {
    source: "Source system",
    table: "Table",
    oldUnitCode: "Old unit code",
    oldUnitName: "Old administrative unit",
    read: "Read",
    loaded: "Loaded",
    merged: "Merged into master",
    rejected: "Rejected",
    pendingReview: "Pending review",
    conservation: "Difference",
    sourceChecksum: "Source checksum",
    targetChecksum: "Target checksum",
    status: "Reconciliation"
  },
  totals: "Total",
  status: { match: "match", mismatch: "mismatch", notChecked: "not checked" },
  rejectColumns: {
    source: "Source system",
    table: "Table",
    sourceKey: "Source key",
    stage: "Stage",
    errorCode: "Error code",
    message: "Message",
    rawValue: "Raw value"
  },
  stages: {
    extract: "Extract",
    normalize: "Normalize",
    validate: "Validate",
    "unit-mapping": "Unit mapping",
    dedupe: "Deduplication",
    load: "Load",
    ocr: "OCR",
    accounts: "Accounts"
  },
  unitColumns: {
    reviewKey: "Review key",
    source: "Source system",
    table: "Table",
    sourceKey: "Source key",
    oldProvinceCode: "Old province code",
    oldDistrictCode: "Old district code",
    oldCommuneCode: "Old commune code",
    address: "Address",
    status: "Status",
    candidates: "Candidate new communes",
    decision: "Decision: new commune",
    note: "Reviewer note"
  },
  unitStatus: { ambiguous: "Ambiguous (several new communes)", unknown: "Code not in catalogue" },
  duplicateColumns: {
    reviewKey: "Review key",
    clusterId: "Cluster",
    recordType: "Record type",
    score: "Score",
    field: "Field",
    valueA: "Record A",
    valueB: "Record B",
    level: "Agreement",
    weight: "Weight",
    decision: "Decision",
    note: "Reviewer note"
  },
  duplicateOriginField: "Source / key",
  levels: { exact: "exact", similar: "similar", different: "different", missing: "missing" },
  recordTypes: {
    citizen: "Citizen",
    dossier: "Administrative dossier",
    civilStatusEvent: "Civil status event",
    account: "Account",
    document: "Scanned document"
  },
  fields: {
    fullName: "Full name",
    birthDate: "Date of birth",
    gender: "Gender",
    citizenId: "Citizen ID (CCCD/CMND)",
    phone: "Phone",
    email: "Email",
    address: "Address",
    communeCode: "Commune code",
    fatherName: "Father's name",
    motherName: "Mother's name",
    dossierCode: "Dossier code",
    procedureCode: "Procedure code",
    receivedAt: "Received",
    applicantName: "Applicant",
    eventType: "Civil status event type",
    eventDate: "Registration date",
    registrationNumber: "Registration number",
    bookNumber: "Book number"
  },
  accountColumns: {
    source: "Source system",
    oldUsername: "Old username",
    newUsername: "New username",
    fullName: "Full name",
    oldUnitCode: "Old unit",
    newUnitCode: "New unit",
    action: "Action",
    mergedInto: "Merged into",
    note: "Note"
  },
  accountActions: { merged: "Merged", renamed: "Renamed", disabled: "Disabled", mustReset: "Must reset password" },
  ocrColumns: {
    reviewKey: "Review key",
    file: "File",
    page: "Page",
    pageImage: "Page image",
    field: "Field",
    value: "Recognised value",
    confidence: "Confidence",
    linkStatus: "Linked to dossier",
    decision: "Decision",
    correctedValue: "Corrected value",
    note: "Reviewer note"
  },
  ocrLinkStatus: { linked: "Linked", unlinked: "Not linked to any dossier" },
  decisions: { merge: "merge", keepApart: "keep apart", confirm: "keep as read", correct: "use corrected value" },
  prompts: {
    duplicateTitle: "Decision",
    duplicate: "Choose 'merge' if both records are the same person/dossier, 'keep apart' otherwise.",
    unitTitle: "New commune",
    unit: "Choose the new commune from the list.",
    ocrTitle: "Decision",
    ocr: "Choose 'keep as read', or type the right value in 'Corrected value'.",
    invalidTitle: "Invalid value",
    invalid: "Please choose a value from the list."
  },
  yes: "yes",
  no: "no"
}

const ALL: Readonly<Record<Lang, Labels>> = { vi, en }

/** The labels of one language. */
export const labelsFor = (lang: Lang): Labels => ALL[lang]

/** A value from an open dictionary (stages, levels, field names): the translation, or the value itself. */
export const translate = (dictionary: Readonly<Record<string, string>>, value: string): string =>
  Object.hasOwn(dictionary, value) ? (dictionary[value] ?? value) : value

/** Run timestamps as a reviewer in Vietnam reads them (giờ Việt Nam, UTC+7). */
export const formatTimestamp = (date: Date, lang: Lang): string => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Ho_Chi_Minh",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23"
  }).formatToParts(date)
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? ""
  const time = `${part("hour")}:${part("minute")}:${part("second")}`
  return lang === "vi"
    ? `${part("day")}/${part("month")}/${part("year")} ${time} (giờ Việt Nam)`
    : `${part("year")}-${part("month")}-${part("day")} ${time} (UTC+7)`
}

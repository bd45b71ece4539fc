/**
 * Vendor A (MariaDB, Vietnamese column names): "dd/mm/yyyy" date strings, `tinyint(1)` flags,
 * Vietnamese status codes, bcrypt hashes, and hộ tịch names stored as TCVN3 bytes in latin1
 * columns. Tables: dm_co_quan, nguoi_dung, cong_dan, ho_so (TTHC); khai_sinh, khai_tu, ket_hon
 * (hộ tịch).
 */
import type { DossierStatus, Gender } from "../canonical-records.ts"
import { defineTable } from "../define-table.ts"
import type { VendorMapping } from "../vendor-mapping.ts"
import {
  cccd,
  cmnd,
  code,
  decimalAtScale,
  dmyDate,
  dmyTimestamp,
  eachOf,
  enumOf,
  flag,
  foreignKey,
  legacyText,
  list,
  required,
  rowDecoder,
  requiredCode,
  requiredText,
  sqlTimestamp,
  text
} from "../field-decoders.ts"
import { officialRoles, type OfficialRole } from "./official-roles.ts"

/** Trạng thái hồ sơ as vendor A codes it. */
export const vendorADossierStatus: Readonly<Record<string, DossierStatus>> = {
  MOI_TIEP_NHAN: "received",
  DANG_XU_LY: "processing",
  DA_TRA_KET_QUA: "completed",
  TU_CHOI: "rejected",
  RUT_HO_SO: "withdrawn"
}

const agencyLevel = enumOf({ TINH: "province", HUYEN: "district", XA: "commune" } as const, "agency level (TINH/HUYEN/XA)")
const gender = enumOf<Gender>({ Nam: "M", "Nữ": "F", Nu: "F" }, "gender (Nam/Nữ)")
const roles = eachOf(list(",;"), required(enumOf<OfficialRole>(Object.fromEntries(officialRoles.map((r) => [r, r])), "role")))
const status = required(enumOf(vendorADossierStatus, "dossier status"))
const tcvn3 = legacyText("tcvn3")

const unitColumns = ["ma_tinh", "ma_huyen", "ma_xa"] as const
const units = { commune: "ma_xa", district: "ma_huyen", province: "ma_tinh" } as const

const agencies = defineTable(
  {
    system: "tthc",
    table: "dm_co_quan",
    key: "id",
    entity: "agency",
    columns: ["id", "ma_dinh_danh", "ten_co_quan", "cap_co_quan", ...unitColumns, "linh_vuc"],
    units
  },
  rowDecoder({
    code: ["ma_dinh_danh", requiredCode],
    name: ["ten_co_quan", requiredText],
    level: ["cap_co_quan", required(agencyLevel)],
    field: ["linh_vuc", text]
  }),
  (v, _row, { sourceKey, unit }) => ({ kind: "agency", sourceKey, ...v, unit })
)

const accounts = defineTable(
  {
    system: "tthc",
    table: "nguoi_dung",
    key: "id",
    entity: "account",
    columns: ["id", "ten_dang_nhap", "ho_ten", "so_cccd", "email", "so_dien_thoai", "co_quan_id", "vai_tro", "mat_khau", ...unitColumns, "kich_hoat"],
    units
  },
  rowDecoder({
    username: ["ten_dang_nhap", requiredCode],
    fullName: ["ho_ten", requiredText],
    cccd: ["so_cccd", cccd],
    email: ["email", code],
    phone: ["so_dien_thoai", code],
    roles: ["vai_tro", roles],
    passwordHash: ["mat_khau", code],
    active: ["kich_hoat", flag]
  }),
  (v, row, { source, sourceKey, unit }) => ({
    kind: "account",
    sourceKey,
    username: v.username,
    fullName: v.fullName,
    cccd: v.cccd,
    email: v.email,
    phone: v.phone,
    agencySourceKey: foreignKey(source, "dm_co_quan", row.co_quan_id),
    unit,
    roles: v.roles,
    passwordHash: v.passwordHash,
    hashAlgorithm: v.passwordHash === undefined ? undefined : v.passwordHash.startsWith("$2") ? "bcrypt" : "unknown",
    active: v.active ?? false
  })
)

const citizens = defineTable(
  {
    system: "tthc",
    table: "cong_dan",
    key: "id",
    entity: "citizen",
    columns: [
    "id", "ho_ten", "ngay_sinh", "gioi_tinh", "so_cccd", "so_cmnd", "so_dien_thoai", "que_quan", "ho_ten_cha", "ho_ten_me",
    ...unitColumns, "thon_xom", "dia_chi"
    ],
    units
  },
  rowDecoder({
    fullName: ["ho_ten", requiredText],
    birthDate: ["ngay_sinh", dmyDate],
    gender: ["gioi_tinh", gender],
    cccd: ["so_cccd", cccd],
    cmnd: ["so_cmnd", cmnd],
    phone: ["so_dien_thoai", code],
    hometownCode: ["que_quan", code],
    fatherName: ["ho_ten_cha", text],
    motherName: ["ho_ten_me", text],
    hamlet: ["thon_xom", text],
    address: ["dia_chi", text]
  }),
  ({ hamlet, address, ...v }, _row, { sourceKey, unit }) => ({ kind: "citizen", sourceKey, ...v, unit: { ...unit, address, hamlet } })
)

const dossiers = defineTable(
  {
    system: "tthc",
    table: "ho_so",
    key: "id",
    entity: "dossier",
    columns: [
    "id", "ma_ho_so", "ma_tthc", "cong_dan_id", "ten_nguoi_nop", "co_quan_id", ...unitColumns, "ngay_tiep_nhan", "ngay_hen_tra",
    "ngay_hoan_thanh", "trang_thai", "so_ket_qua", "trich_yeu", "le_phi"
    ],
    units
  },
  rowDecoder({
    dossierCode: ["ma_ho_so", requiredCode],
    procedureCode: ["ma_tthc", requiredCode],
    applicantName: ["ten_nguoi_nop", requiredText],
    receivedAt: ["ngay_tiep_nhan", required(dmyTimestamp)],
    dueAt: ["ngay_hen_tra", dmyDate],
    completedAt: ["ngay_hoan_thanh", sqlTimestamp],
    status: ["trang_thai", status],
    resultNumber: ["so_ket_qua", code],
    resultSummary: ["trich_yeu", text],
    fee: ["le_phi", decimalAtScale(0)]
  }),
  (v, row, { source, sourceKey, unit }) => ({
    kind: "dossier",
    sourceKey,
    dossierCode: v.dossierCode,
    procedureCode: v.procedureCode,
    applicantSourceKey: foreignKey(source, "cong_dan", row.cong_dan_id),
    applicantName: v.applicantName,
    agencySourceKey: foreignKey(source, "dm_co_quan", row.co_quan_id),
    unit,
    receivedAt: v.receivedAt,
    dueAt: v.dueAt,
    completedAt: v.completedAt,
    status: v.status,
    resultNumber: v.resultNumber,
    resultSummary: v.resultSummary,
    fee: v.fee
  })
)

/** Hộ tịch books are kept by the commune that registered the event. */
const registrationUnits = { commune: "ma_xa_dang_ky" } as const
const registrationColumns = ["id", "so_dang_ky", "quyen_so", "ngay_dang_ky", "ma_xa_dang_ky"] as const
const registrationFields = {
  registrationNumber: ["so_dang_ky", requiredCode],
  book: ["quyen_so", requiredCode],
  registeredOn: ["ngay_dang_ky", required(dmyDate)]
} as const

/** Births and deaths: one subject, one event date column. */
const singlePersonEvents = (table: "khai_sinh" | "khai_tu", eventKind: "birth" | "death", eventDateColumn: string) =>
  defineTable(
    {
      system: "civil_status",
      table,
      key: "id",
      entity: "civil_status_event",
      columns: [...registrationColumns, "cong_dan_id", "ho_ten_tcvn3", eventDateColumn],
      legacyTextColumns: ["ho_ten_tcvn3"],
      units: registrationUnits
    },
    rowDecoder({
      ...registrationFields,
      subjectName: ["ho_ten_tcvn3", required(tcvn3)],
      eventDate: [eventDateColumn, dmyDate]
    }),
    (v, row, { source, sourceKey, unit }) => ({
      kind: "civil_status_event",
      sourceKey,
      eventKind,
      registrationNumber: v.registrationNumber,
      book: v.book,
      registeredOn: v.registeredOn,
      eventDate: v.eventDate,
      unit,
      subjectSourceKey: foreignKey(source, "cong_dan", row.cong_dan_id),
      subjectName: v.subjectName
    })
  )

const marriages = defineTable(
  {
    system: "civil_status",
    table: "ket_hon",
    key: "id",
    entity: "civil_status_event",
    columns: [...registrationColumns, "chong_id", "ho_ten_chong_tcvn3", "vo_id", "ho_ten_vo_tcvn3"],
    legacyTextColumns: ["ho_ten_chong_tcvn3", "ho_ten_vo_tcvn3"],
    units: registrationUnits
  },
  rowDecoder({
    ...registrationFields,
    subjectName: ["ho_ten_chong_tcvn3", required(tcvn3)],
    spouseName: ["ho_ten_vo_tcvn3", required(tcvn3)]
  }),
  (v, row, { source, sourceKey, unit }) => ({
    kind: "civil_status_event",
    sourceKey,
    eventKind: "marriage",
    registrationNumber: v.registrationNumber,
    book: v.book,
    registeredOn: v.registeredOn,
    eventDate: v.registeredOn,
    unit,
    subjectSourceKey: foreignKey(source, "cong_dan", row.chong_id),
    subjectName: v.subjectName,
    spouseSourceKey: foreignKey(source, "cong_dan", row.vo_id),
    spouseName: v.spouseName
  })
)

export const vendorAMapping: VendorMapping = {
  vendor: "vendor-a",
  description: "Vendor A (MariaDB): Vietnamese column names, dd/mm/yyyy strings, tinyint flags, TCVN3 hộ tịch names",
  tables: [
    agencies,
    accounts,
    citizens,
    dossiers,
    singlePersonEvents("khai_sinh", "birth", "ngay_sinh"),
    singlePersonEvents("khai_tu", "death", "ngay_chet"),
    marriages
  ]
}

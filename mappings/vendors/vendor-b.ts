/**
 * Vendor B (PostgreSQL, English column names): BIGINT keys (pg returns them as strings), real
 * DATE/TIMESTAMP columns (Date objects), integer codes for levels, statuses, sex and ID type,
 * real booleans, unsalted MD5 hashes, one civil-status table with a type column, and addresses as
 * VNI bytes. Tables: org_unit, sys_user, person, dossier (TTHC); civil_registration (hộ tịch).
 */
import type { CivilStatusEventKind, DossierStatus, Gender } from "../canonical-records.ts"
import { defineTable } from "../define-table.ts"
import type { VendorMapping } from "../vendor-mapping.ts"
import {
  cccd,
  cmnd,
  code,
  decimalAtScale,
  eachOf,
  enumOf,
  flag,
  foreignKey,
  legacyText,
  list,
  reject,
  required,
  rowDecoder,
  requiredCode,
  requiredText,
  sqlDate,
  sqlTimestamp,
  text,
  yearNumber
} from "../field-decoders.ts"
import type { OfficialRole } from "./official-roles.ts"

/** Dossier status codes of vendor B. */
export const vendorBDossierStatus: Readonly<Record<string, DossierStatus>> = {
  "1": "received",
  "2": "processing",
  "3": "completed",
  "4": "rejected",
  "5": "withdrawn"
}

/** Vendor B's short role codes → official role names. */
export const vendorBRoles: Readonly<Record<string, OfficialRole>> = {
  CVX: "chuyen_vien_xa",
  LDX: "lanh_dao_xa",
  CVH: "chuyen_vien_huyen",
  LDH: "lanh_dao_huyen",
  CVT: "chuyen_vien_tinh",
  LDT: "lanh_dao_tinh",
  VT: "van_thu",
  QTHT: "quan_tri"
}

const orgLevel = enumOf({ "1": "province", "2": "district", "3": "commune" } as const, "org level (1/2/3)")
const sex = enumOf<Gender>({ "1": "M", "2": "F" }, "sex (1/2)")
const idType = enumOf({ "1": "cmnd", "2": "cccd" } as const, "ID type (1 CMND / 2 CCCD)")
const regType = enumOf<CivilStatusEventKind>({ "1": "birth", "2": "death", "3": "marriage" }, "registration type (1/2/3)")
const roles = eachOf(list(";,"), required(enumOf(vendorBRoles, "role code")))
const unitColumns = ["province_code", "district_code", "ward_code"] as const
const units = { commune: "ward_code", district: "district_code", province: "province_code" } as const

const agencies = defineTable(
  {
    system: "tthc",
    table: "org_unit",
    key: "org_id",
    entity: "agency",
    columns: ["org_id", "identifier", "org_name", "org_level", ...unitColumns, "sector"],
    units
  },
  rowDecoder({
    code: ["identifier", requiredCode],
    name: ["org_name", requiredText],
    level: ["org_level", required(orgLevel)],
    field: ["sector", text]
  }),
  (v, _row, { sourceKey, unit }) => ({ kind: "agency", sourceKey, ...v, unit })
)

const accounts = defineTable(
  {
    system: "tthc",
    table: "sys_user",
    key: "user_id",
    entity: "account",
    columns: ["user_id", "login", "display_name", "citizen_id", "mail", "mobile", "org_id", "role_codes", "password_md5", "is_active", ...unitColumns],
    units
  },
  rowDecoder({
    username: ["login", requiredCode],
    fullName: ["display_name", requiredText],
    cccd: ["citizen_id", cccd],
    email: ["mail", code],
    phone: ["mobile", code],
    roles: ["role_codes", roles],
    passwordHash: ["password_md5", code],
    active: ["is_active", flag]
  }),
  (v, row, { source, sourceKey, unit }) => ({
    kind: "account",
    sourceKey,
    username: v.username,
    fullName: v.fullName,
    cccd: v.cccd,
    email: v.email,
    phone: v.phone,
    agencySourceKey: foreignKey(source, "org_unit", row.org_id),
    unit,
    roles: v.roles,
    passwordHash: v.passwordHash,
    hashAlgorithm: v.passwordHash === undefined ? undefined : "md5",
    active: v.active ?? false
  })
)

const citizens = defineTable(
  {
    system: "tthc",
    table: "person",
    key: "person_id",
    entity: "citizen",
    columns: [
    "person_id", "full_name", "dob", "birth_year", "sex", "id_type", "id_number", "mobile", "hometown_province", "father_name",
    "mother_name", ...unitColumns, "hamlet", "address_vni"
    ],
    legacyTextColumns: ["address_vni"],
    units
  },
  rowDecoder({
    fullName: ["full_name", requiredText],
    dob: ["dob", sqlDate],
    birthYear: ["birth_year", yearNumber],
    gender: ["sex", sex],
    idType: ["id_type", idType],
    phone: ["mobile", code],
    hometownCode: ["hometown_province", code],
    fatherName: ["father_name", text],
    motherName: ["mother_name", text],
    hamlet: ["hamlet", text],
    address: ["address_vni", legacyText("vni")]
  }),
  ({ dob, birthYear, idType: kind, hamlet, address, ...v }, row, { sourceKey, unit }) => {
    let cccdValue: string | undefined
    let cmndValue: string | undefined
    if (kind !== undefined) {
      const id = (kind === "cccd" ? cccd : cmnd)(row.id_number)
      if (!id.ok) return reject(id.code, "id_number", id.message, row.id_number)
      if (kind === "cccd") cccdValue = id.value
      else cmndValue = id.value
    } else if (row.id_number !== null && row.id_number !== undefined && String(row.id_number).trim() !== "") {
      return reject("MISSING_REQUIRED", "id_type", "an ID number is given without its type (1 CMND / 2 CCCD)", row.id_type)
    }
    return {
      kind: "citizen",
      sourceKey,
      fullName: v.fullName,
      birthDate: dob ?? birthYear,
      gender: v.gender,
      cccd: cccdValue,
      cmnd: cmndValue,
      phone: v.phone,
      hometownCode: v.hometownCode,
      fatherName: v.fatherName,
      motherName: v.motherName,
      unit: { ...unit, address, hamlet }
    }
  }
)

const dossiers = defineTable(
  {
    system: "tthc",
    table: "dossier",
    key: "dossier_id",
    entity: "dossier",
    columns: [
    "dossier_id", "dossier_no", "procedure_code", "applicant_id", "applicant_name", "org_id", ...unitColumns, "received_at", "due_at",
    "finished_at", "status", "result_no", "result_summary", "fee_amount"
    ],
    units
  },
  rowDecoder({
    dossierCode: ["dossier_no", requiredCode],
    procedureCode: ["procedure_code", requiredCode],
    applicantName: ["applicant_name", requiredText],
    receivedAt: ["received_at", required(sqlTimestamp)],
    dueAt: ["due_at", sqlTimestamp],
    completedAt: ["finished_at", sqlTimestamp],
    status: ["status", required(enumOf(vendorBDossierStatus, "dossier status"))],
    resultNumber: ["result_no", code],
    resultSummary: ["result_summary", text],
    fee: ["fee_amount", decimalAtScale(0)]
  }),
  (v, row, { source, sourceKey, unit }) => ({
    kind: "dossier",
    sourceKey,
    dossierCode: v.dossierCode,
    procedureCode: v.procedureCode,
    applicantSourceKey: foreignKey(source, "person", row.applicant_id),
    applicantName: v.applicantName,
    agencySourceKey: foreignKey(source, "org_unit", row.org_id),
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

const civilRegistrations = defineTable(
  {
    system: "civil_status",
    table: "civil_registration",
    key: "reg_id",
    entity: "civil_status_event",
    columns: ["reg_id", "reg_type", "reg_no", "book_no", "reg_date", "event_date", "ward_code", "person_id", "person_name", "partner_id", "partner_name"],
    units: { commune: "ward_code" }
  },
  rowDecoder({
    eventKind: ["reg_type", required(regType)],
    registrationNumber: ["reg_no", requiredCode],
    book: ["book_no", requiredCode],
    registeredOn: ["reg_date", required(sqlDate)],
    eventDate: ["event_date", sqlDate],
    subjectName: ["person_name", requiredText],
    spouseName: ["partner_name", text]
  }),
  (v, row, { source, sourceKey, unit }) => {
    if (v.eventKind === "marriage" && v.spouseName === undefined) {
      return reject("MISSING_REQUIRED", "partner_name", "a marriage registration needs the second party's name", row.partner_name)
    }
    return {
      kind: "civil_status_event",
      sourceKey,
      eventKind: v.eventKind,
      registrationNumber: v.registrationNumber,
      book: v.book,
      registeredOn: v.registeredOn,
      eventDate: v.eventDate,
      unit,
      subjectSourceKey: foreignKey(source, "person", row.person_id),
      subjectName: v.subjectName,
      spouseSourceKey: v.eventKind === "marriage" ? foreignKey(source, "person", row.partner_id) : undefined,
      spouseName: v.eventKind === "marriage" ? v.spouseName : undefined
    }
  }
)

export const vendorBMapping: VendorMapping = {
  vendor: "vendor-b",
  description: "Vendor B (PostgreSQL): English column names, real dates, integer codes, MD5 hashes, VNI addresses",
  tables: [agencies, accounts, citizens, dossiers, civilRegistrations]
}

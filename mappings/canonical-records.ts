/**
 * The canonical records every vendor mapping produces. Whatever a vendor calls its tables and
 * columns, and however it stores dates or text, a mapped row is one of these. Pipelines only ever
 * see canonical records; adding a vendor never touches them.
 *
 * Unit codes here are OLD codes (as of 2025-06-30), exactly as the source holds them: the remapper
 * turns them into new ones.
 */

/** Which of a province's two systems a table lives in. */
export type SourceSystem = "tthc" | "civil_status"

export type EntityKind = "agency" | "account" | "citizen" | "dossier" | "civil_status_event"

/** A reference to an administrative unit by OLD codes (any may be missing) and/or a free-text address. */
export interface OldUnitRef {
  readonly provinceCode?: string | undefined
  readonly districtCode?: string | undefined
  readonly communeCode?: string | undefined
  /** Free-text address or unit name ("Xã Hưng Đạo, Huyện …"), used when codes are missing. */
  readonly address?: string | undefined
  /** Hamlet / village / street: the hint that settles a split commune. */
  readonly hamlet?: string | undefined
}

/** Agency (cơ quan): a People's Committee or one of its offices, at province, district or commune level. */
export interface AgencyRecord {
  readonly kind: "agency"
  readonly sourceKey: string
  /** Mã định danh of the agency. */
  readonly code: string
  readonly name: string
  readonly level: "province" | "district" | "commune"
  readonly unit: OldUnitRef
  /** Procedure field it serves (lĩnh vực), when it is a specialised office. */
  readonly field?: string | undefined
}

/** An official's account (tài khoản cán bộ) in an old system. */
export interface AccountRecord {
  readonly kind: "account"
  readonly sourceKey: string
  readonly username: string
  readonly fullName: string
  readonly cccd?: string | undefined
  readonly email?: string | undefined
  readonly phone?: string | undefined
  readonly agencySourceKey?: string | undefined
  readonly unit: OldUnitRef
  readonly roles: readonly string[]
  /** The stored hash, only ever moved into the target's credential column, never into a report. */
  readonly passwordHash?: string | undefined
  readonly hashAlgorithm?: string | undefined
  readonly active: boolean
}

export type Gender = "M" | "F"

/** A citizen (công dân) as one source system knows them. */
export interface CitizenRecord {
  readonly kind: "citizen"
  readonly sourceKey: string
  readonly fullName: string
  /** ISO date (YYYY-MM-DD) or a year alone (YYYY) when the source knows only the year. */
  readonly birthDate?: string | undefined
  readonly gender?: Gender | undefined
  /** 12-digit căn cước công dân. */
  readonly cccd?: string | undefined
  /** 9-digit chứng minh nhân dân (old ID). */
  readonly cmnd?: string | undefined
  readonly phone?: string | undefined
  readonly hometownCode?: string | undefined
  readonly fatherName?: string | undefined
  readonly motherName?: string | undefined
  readonly unit: OldUnitRef
}

export type DossierStatus = "received" | "processing" | "completed" | "rejected" | "withdrawn"

/** A dossier (hồ sơ TTHC): one application for one administrative procedure. */
export interface DossierRecord {
  readonly kind: "dossier"
  readonly sourceKey: string
  /** Mã hồ sơ as printed on the receipt. */
  readonly dossierCode: string
  /** National procedure code (mã TTHC), e.g. "1.001193". */
  readonly procedureCode: string
  readonly applicantSourceKey?: string | undefined
  readonly applicantName: string
  readonly agencySourceKey?: string | undefined
  readonly unit: OldUnitRef
  /** ISO timestamps (Asia/Ho_Chi_Minh, written with the +07:00 offset) or ISO dates. */
  readonly receivedAt: string
  readonly dueAt?: string | undefined
  readonly completedAt?: string | undefined
  readonly status: DossierStatus
  /** Result document number (số quyết định / giấy chứng nhận), when settled. */
  readonly resultNumber?: string | undefined
  readonly resultSummary?: string | undefined
  /** Fee in VND, as a decimal string with 0 fraction digits. */
  readonly fee?: string | undefined
}

export type CivilStatusEventKind = "birth" | "death" | "marriage"

/** A civil-status registration (đăng ký hộ tịch): birth, death or marriage. */
export interface CivilStatusEventRecord {
  readonly kind: "civil_status_event"
  readonly sourceKey: string
  readonly eventKind: CivilStatusEventKind
  /** Số đăng ký. */
  readonly registrationNumber: string
  /** Quyển số. */
  readonly book: string
  /** ISO date of registration. */
  readonly registeredOn: string
  /** ISO date (or year) of the event itself (birth, death, marriage). */
  readonly eventDate?: string | undefined
  /** The registering commune (old code). */
  readonly unit: OldUnitRef
  readonly subjectSourceKey?: string | undefined
  readonly subjectName: string
  /** Second party of a marriage. */
  readonly spouseSourceKey?: string | undefined
  readonly spouseName?: string | undefined
}

export type CanonicalRecord =
  | AgencyRecord
  | AccountRecord
  | CitizenRecord
  | DossierRecord
  | CivilStatusEventRecord

export type CanonicalOf<E extends EntityKind> = Extract<CanonicalRecord, { kind: E }>

/**
 * Links a digitized district result to the dossier (hồ sơ) it settled and the citizen (công dân)
 * it was issued to. A pure scorer over candidates the caller has already narrowed (by number,
 * CCCD, name key or unit): each piece of agreeing evidence adds to the confidence (noisy-OR,
 * weighted by how sure the OCR was of the field), each contradiction cuts it, and a near tie
 * between two dossiers is flagged for review.
 */
import { foldKey } from "../text/vietnamese.ts"
import type { DigitizedDocument } from "./digitized-document.ts"

export type DossierCandidate = {
  readonly key: string
  /** Số quyết định / giấy phép recorded on the dossier when it was settled. */
  readonly resultNumber?: string | undefined
  readonly applicantName?: string | undefined
  readonly applicantCitizenId?: string | undefined
  /** ISO date or timestamp the dossier was settled. */
  readonly completedAt?: string | undefined
  /** Name of the unit that settled it ("Huyện Đông Anh"), for matching the issuing authority. */
  readonly unitName?: string | undefined
  /** The applicant's citizen key, when the dossier knows it. */
  readonly citizenKey?: string | undefined
}

export type CitizenCandidate = {
  readonly key: string
  readonly fullName: string
  readonly citizenId?: string | undefined
}

export type LinkCandidates = {
  readonly dossiers: ReadonlyArray<DossierCandidate>
  readonly citizens: ReadonlyArray<CitizenCandidate>
}

export type DocumentLink = {
  readonly dossierKey?: string
  readonly citizenKey?: string
  /** 0..1 */
  readonly confidence: number
  /** Why, in stable codes with values: "NUMBER_MATCH", "CCCD_MATCH", "NAME_MATCH", "DATE_MATCH", … */
  readonly reasons: ReadonlyArray<string>
  /** The applicant's name as the master data spells it, when OCR lost a diacritic (NGUYÊN → Nguyễn). */
  readonly applicantNameFromMaster?: string
  /** True when a reviewer should look: nothing linked, or confidence under the threshold. */
  readonly needsReview: boolean
}

export type LinkOptions = {
  /** Links under this confidence go to the review sheet. Default 0.8. */
  readonly reviewBelow?: number
}

type LinkableDocument = Pick<DigitizedDocument, "fields" | "confidence">

/** "123 / QĐ-UBND" and "123/QD-UBND" compare equal: spaces dropped, Đ folded, upper case. */
export const documentNumberKey = (s: string): string => foldKey(s).replace(/[\s–—]/gu, "").replace(/-+/gu, "-").toUpperCase()

const digits = (s: string): string => s.replace(/\D/gu, "")

const dayDistance = (a: string, b: string): number => {
  const da = Date.parse(a.slice(0, 10))
  const db = Date.parse(b.slice(0, 10))
  return Number.isNaN(da) || Number.isNaN(db) ? Number.POSITIVE_INFINITY : Math.abs(da - db) / 86_400_000
}

/** Share of name words (accent-free) in common, 0..1, order-insensitive. */
const nameSimilarity = (a: string, b: string): number => {
  const wa = foldKey(a).split(" ").filter((w) => w !== "")
  const wb = foldKey(b).split(" ").filter((w) => w !== "")
  if (wa.length === 0 || wb.length === 0) return 0
  const pool = [...wb]
  let common = 0
  for (const w of wa) {
    const i = pool.indexOf(w)
    if (i >= 0) {
      common++
      pool.splice(i, 1)
    }
  }
  return (2 * common) / (wa.length + wb.length)
}

/** Evidence weight scaled by how sure OCR was of the field (a 0.5-confidence read counts for about two thirds). */
const weigh = (weight: number, fieldConfidence: number): number => weight * (0.4 + 0.6 * Math.max(0, Math.min(1, fieldConfidence)))

type Scored = { key: string; score: number; reasons: Array<string>; candidate: DossierCandidate }

const scoreDossier = (doc: LinkableDocument, d: DossierCandidate): Scored => {
  const f = doc.fields
  const c = doc.confidence
  const evidence: Array<number> = []
  const reasons: Array<string> = []
  let penalty = 1
  if (f.documentNumber !== null && d.resultNumber !== undefined && d.resultNumber !== "") {
    if (documentNumberKey(f.documentNumber) === documentNumberKey(d.resultNumber)) {
      evidence.push(weigh(0.75, c.documentNumber))
      reasons.push("NUMBER_MATCH")
    } else {
      penalty *= 0.5
      reasons.push("NUMBER_DIFFERS")
    }
  }
  if (f.citizenId !== null && d.applicantCitizenId !== undefined && d.applicantCitizenId !== "") {
    if (digits(f.citizenId) === digits(d.applicantCitizenId)) {
      evidence.push(weigh(0.7, c.citizenId))
      reasons.push("CCCD_MATCH")
    } else {
      penalty *= 0.35
      reasons.push("CCCD_DIFFERS")
    }
  }
  if (f.applicantName !== null && d.applicantName !== undefined && d.applicantName !== "") {
    const sim = nameSimilarity(f.applicantName, d.applicantName)
    if (sim === 1) {
      evidence.push(weigh(0.45, c.applicantName))
      reasons.push("NAME_MATCH")
    } else if (sim >= 0.6) {
      evidence.push(weigh(0.2 * sim, c.applicantName))
      reasons.push(`NAME_SIMILAR:${sim.toFixed(2)}`)
    } else {
      penalty *= 0.6
      reasons.push("NAME_DIFFERS")
    }
  }
  if (f.issueDate !== null && d.completedAt !== undefined) {
    const days = dayDistance(f.issueDate, d.completedAt)
    if (days === 0) {
      evidence.push(weigh(0.3, c.issueDate))
      reasons.push("DATE_MATCH")
    } else if (days <= 7) {
      evidence.push(weigh(0.15, c.issueDate))
      reasons.push(`DATE_NEAR:${days}d`)
    } else if (days > 60) {
      penalty *= 0.8
      reasons.push(`DATE_FAR:${Math.round(days)}d`)
    }
  }
  if (f.issuingAuthority !== null && d.unitName !== undefined && d.unitName !== "") {
    const unit = foldKey(d.unitName).replace(/^(huyen|quan|thi xa|thanh pho)\s+/u, "")
    if (unit !== "" && foldKey(f.issuingAuthority).includes(unit)) {
      evidence.push(weigh(0.15, c.issuingAuthority))
      reasons.push("UNIT_MATCH")
    }
  }
  const score = (1 - evidence.reduce((acc, w) => acc * (1 - w), 1)) * penalty
  return { key: d.key, score, reasons, candidate: d }
}

const round2 = (x: number): number => Math.round(x * 100) / 100

/** Scores every candidate and returns the best link for the document. */
export const linkDocument = (doc: LinkableDocument, candidates: LinkCandidates, options: LinkOptions = {}): DocumentLink => {
  const reviewBelow = options.reviewBelow ?? 0.8
  const reasons: Array<string> = []
  const scored = candidates.dossiers.map((d) => scoreDossier(doc, d)).filter((s) => s.score > 0).sort((a, b) => b.score - a.score)
  const best = scored[0]
  let confidence = 0
  let dossierKey: string | undefined
  let citizenKey: string | undefined
  let masterName: string | undefined
  if (best !== undefined && best.score >= 0.3) {
    dossierKey = best.key
    confidence = best.score
    reasons.push(...best.reasons)
    const second = scored[1]
    if (second !== undefined && best.score - second.score < 0.1) {
      confidence *= 0.7
      reasons.push(`AMBIGUOUS:${second.key}`)
    }
    if (best.candidate.citizenKey !== undefined) citizenKey = best.candidate.citizenKey
    if (best.candidate.applicantName !== undefined && doc.fields.applicantName !== null && nameSimilarity(best.candidate.applicantName, doc.fields.applicantName) === 1) {
      masterName = best.candidate.applicantName
    }
  } else reasons.push("NO_DOSSIER")

  // The citizen: by CCCD first, then by the dossier, then by a unique exact name.
  const f = doc.fields
  const byId = f.citizenId === null ? [] : candidates.citizens.filter((c) => c.citizenId !== undefined && digits(c.citizenId) === digits(f.citizenId as string))
  if (byId.length === 1) {
    const citizen = byId[0] as CitizenCandidate
    if (citizenKey !== undefined && citizenKey !== citizen.key) reasons.push("CITIZEN_CONFLICT")
    citizenKey = citizen.key
    reasons.push("CITIZEN_BY_CCCD")
    if (f.applicantName !== null && nameSimilarity(citizen.fullName, f.applicantName) === 1) masterName = citizen.fullName
    else if (f.applicantName !== null) reasons.push("CITIZEN_NAME_DIFFERS")
  } else if (citizenKey === undefined && f.applicantName !== null) {
    const key = foldKey(f.applicantName)
    const byName = candidates.citizens.filter((c) => foldKey(c.fullName) === key)
    if (byName.length === 1) {
      citizenKey = (byName[0] as CitizenCandidate).key
      masterName = (byName[0] as CitizenCandidate).fullName
      reasons.push("CITIZEN_BY_NAME")
      if (dossierKey === undefined) confidence = Math.max(confidence, 0.4 * Math.max(0.5, doc.confidence.applicantName))
    } else if (byName.length > 1) reasons.push(`CITIZEN_AMBIGUOUS:${byName.length}`)
  }
  if (masterName !== undefined && f.applicantName !== null && masterName !== f.applicantName) reasons.push("NAME_SPELLING_FROM_MASTER")
  confidence = round2(confidence)
  return {
    ...(dossierKey !== undefined ? { dossierKey } : {}),
    ...(citizenKey !== undefined ? { citizenKey } : {}),
    confidence,
    reasons,
    ...(masterName !== undefined && masterName !== f.applicantName ? { applicantNameFromMaster: masterName } : {}),
    needsReview: dossierKey === undefined || confidence < reviewBelow
  }
}

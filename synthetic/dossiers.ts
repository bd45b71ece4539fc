/**
 * Dossiers (hồ sơ TTHC): applications filed by the source's citizens, mostly at their commune's
 * People's Committee, some at the district (household businesses, certified copies).
 */
import type { DossierRecord, DossierStatus } from "../mappings/canonical-records.ts"
import type { RejectCode } from "../mappings/reject-codes.ts"
import { sourceKeyOf } from "../mappings/vendor-mapping.ts"
import { vendorADossierStatus } from "../mappings/vendors/vendor-a.ts"
import { vendorBDossierStatus } from "../mappings/vendors/vendor-b.ts"
import type { SourceAgencies } from "./agencies-accounts.ts"
import type { SourceCitizens } from "./citizens.ts"
import { DIRT_RATES, drawRejectingDefect, formulaBait, impossibleDmy, unknownCommuneCode, withoutDiacritics } from "./dirt.ts"
import { expectText, expectUnitRef, isoTimestamp } from "./expected-values.ts"
import { addDays, type CalendarDate, dayNumber, dmyOf, fromDayNumber, isoOf } from "./people.ts"
import { type Random, WeightedChoice } from "./random.ts"
import type { SourceSink } from "./source-sink.ts"
import { type SourceValue, ZERO_DATE } from "./vendor-schemas/source-tables.ts"
import { hoSo } from "./vendor-schemas/vendor-a.ts"
import { dossier as dossierTable } from "./vendor-schemas/vendor-b.ts"
import type { WorldSource, WorldUnits } from "./world-units.ts"

interface Procedure {
  /** National procedure code (mã TTHC) as listed on the national public service portal. */
  readonly code: string
  readonly name: string
  readonly fee: number
  readonly days: number
  readonly result: string
}

/** Commune-level procedures (thủ tục cấp xã). */
export const COMMUNE_PROCEDURES: readonly Procedure[] = [
  { code: "1.001193", name: "Đăng ký khai sinh", fee: 0, days: 1, result: "Giấy khai sinh" },
  { code: "1.000894", name: "Đăng ký kết hôn", fee: 0, days: 3, result: "Giấy chứng nhận kết hôn" },
  { code: "1.000656", name: "Đăng ký khai tử", fee: 0, days: 1, result: "Trích lục khai tử" },
  { code: "1.004873", name: "Cấp Giấy xác nhận tình trạng hôn nhân", fee: 0, days: 3, result: "Giấy xác nhận tình trạng hôn nhân" },
  { code: "2.000635", name: "Cấp bản sao Trích lục hộ tịch", fee: 8000, days: 1, result: "Bản sao trích lục hộ tịch" },
  { code: "2.000815", name: "Chứng thực chữ ký trong giấy tờ, văn bản", fee: 10000, days: 1, result: "Văn bản đã chứng thực chữ ký" }
]

/** District-level procedures (thủ tục cấp huyện). */
export const DISTRICT_PROCEDURES: readonly Procedure[] = [
  { code: "1.001612", name: "Đăng ký thành lập hộ kinh doanh", fee: 100000, days: 3, result: "Giấy chứng nhận đăng ký hộ kinh doanh" },
  { code: "2.000908", name: "Chứng thực bản sao từ bản chính giấy tờ, văn bản", fee: 2000, days: 1, result: "Bản sao đã chứng thực" }
]

const STATUS = new WeightedChoice<DossierStatus>([["completed", 70], ["processing", 12], ["received", 8], ["rejected", 6], ["withdrawn", 4]])
const codeOf = (table: Readonly<Record<string, DossierStatus>>): Map<DossierStatus, string> =>
  new Map(Object.entries(table).map(([k, v]) => [v, k]))
const STATUS_A = codeOf(vendorADossierStatus)
const STATUS_B = codeOf(vendorBDossierStatus)

const FIRST_DAY = dayNumber({ year: 2019, month: 1, day: 1 })
const LAST_DAY = dayNumber({ year: 2025, month: 6, day: 30 })

const pad = (n: number, w = 2): string => String(n).padStart(w, "0")
const sqlTs = (d: CalendarDate, h: number, m: number, s: number): string => `${isoOf(d)} ${pad(h)}:${pad(m)}:${pad(s)}`

export const generateDossiers = async (
  random: Random,
  world: WorldUnits,
  source: WorldSource,
  sink: SourceSink,
  citizens: SourceCitizens,
  agencies: SourceAgencies,
  count: number
): Promise<number> => {
  if (citizens.count === 0) return 0
  const vendorA = source.vendor === "vendor-a"
  const table = vendorA ? hoSo : dossierTable
  const rates = DIRT_RATES.dossier
  const possible = new Set<RejectCode>(["UNIT_UNKNOWN", "MISSING_REQUIRED", ...(vendorA ? (["INVALID_DATE"] as const) : [])])
  const p = source.province.code
  for (let id = 1; id <= count; id++) {
    const applicant = random.int(citizens.count)
    const commune = source.communes[citizens.communes[applicant]!]!
    const districtLevel = random.chance(0.1)
    const procedure = random.pick(districtLevel ? DISTRICT_PROCEDURES : COMMUNE_PROCEDURES)
    const agency = districtLevel
      ? agencies.byDistrict.get(commune.districtCode)?.[procedure.code === "1.001612" ? 0 : 1] ?? agencies.province
      : agencies.byCommune.get(commune.code) ?? agencies.province
    const defect = drawRejectingDefect(random, rates.reject, districtLevel ? new Set([...possible].filter((c) => c !== "UNIT_UNKNOWN")) : possible)

    const receivedDay = fromDayNumber(random.between(FIRST_DAY, LAST_DAY))
    const rh = random.between(7, 16), rm = random.int(60), rs = random.int(60)
    const due = addDays(receivedDay, procedure.days + random.int(3))
    let status = STATUS.pick(random)
    if (dayNumber(receivedDay) > LAST_DAY - 20 && status === "completed" && random.chance(0.5)) status = "processing"
    const settled = status === "completed" || status === "rejected" || status === "withdrawn"
    const doneDay = addDays(receivedDay, random.int(procedure.days + 5))
    const dh = random.between(8, 17), dm = random.int(60), ds = random.int(60)
    const completed = settled && dayNumber(doneDay) <= LAST_DAY ? { day: doneDay, h: dh, m: dm, s: ds } : undefined
    const zeroCompleted = vendorA && completed === undefined && random.chance(rates.zeroCompletedDate)

    const applicantName = random.chance(rates.applicantNoDiacritics) ? withoutDiacritics(citizens.names[applicant]!) : citizens.names[applicant]!
    const resultNumber = status === "completed" ? `${id}/${receivedDay.year}/${vendorA ? "TTHC" : "KQ"}` : undefined
    let summary: string | undefined =
      status === "completed" ? `${procedure.result} cho ông/bà ${citizens.names[applicant]}` : status === "rejected" ? "Hồ sơ không đủ thành phần" : undefined
    if (random.chance(rates.formulaBait)) summary = formulaBait(random)
    const dossierCode = vendorA
      ? `${agency.code}-${String(receivedDay.year).slice(2)}${pad(receivedDay.month)}${pad(receivedDay.day)}-${pad(id, 6)}`
      : `B${p}${receivedDay.year}${pad(id, 8)}`
    const procedureCode = defect === "MISSING_REQUIRED" ? "" : procedure.code
    const communeCode = districtLevel ? undefined : defect === "UNIT_UNKNOWN" ? unknownCommuneCode(random, world.index.oldCommune) : commune.code
    const unitCodes = { province: p, district: commune.districtCode, commune: communeCode }
    const sourceKey = sourceKeyOf(source.name, table.name, id)
    const record: DossierRecord | undefined =
      defect !== undefined
        ? undefined
        : {
            kind: "dossier",
            sourceKey,
            dossierCode,
            procedureCode: procedure.code,
            applicantSourceKey: sourceKeyOf(source.name, vendorA ? "cong_dan" : "person", applicant + 1),
            applicantName: expectText(applicantName)!,
            agencySourceKey: sourceKeyOf(source.name, vendorA ? "dm_co_quan" : "org_unit", agency.id),
            unit: expectUnitRef(p, unitCodes),
            receivedAt: isoTimestamp(isoOf(receivedDay), rh, rm, rs),
            dueAt: vendorA ? isoOf(due) : isoTimestamp(isoOf(due), 17, 0, 0),
            ...(completed !== undefined ? { completedAt: isoTimestamp(isoOf(completed.day), completed.h, completed.m, completed.s) } : {}),
            status,
            ...(resultNumber !== undefined ? { resultNumber } : {}),
            ...(summary !== undefined ? { resultSummary: expectText(summary) } : {}),
            fee: String(procedure.fee)
          }
    let row: SourceValue[]
    if (vendorA) {
      const received = defect === "INVALID_DATE"
        ? `${impossibleDmy(random, receivedDay.year)} ${pad(rh)}:${pad(rm)}:${pad(rs)}`
        : `${dmyOf(receivedDay)} ${pad(rh)}:${pad(rm)}:${pad(rs)}`
      row = [
        id, dossierCode, procedureCode, applicant + 1, applicantName, agency.id, p, commune.districtCode, communeCode ?? null, received,
        dmyOf(due), completed !== undefined ? sqlTs(completed.day, completed.h, completed.m, completed.s) : zeroCompleted ? ZERO_DATE : null,
        STATUS_A.get(status)!, resultNumber ?? null, summary ?? null, procedure.fee
      ]
    } else {
      row = [
        id, dossierCode, procedureCode === "" ? null : procedureCode, applicant + 1, applicantName, agency.id, p, commune.districtCode,
        communeCode ?? null, sqlTs(receivedDay, rh, rm, rs), sqlTs(due, 17, 0, 0),
        completed !== undefined ? sqlTs(completed.day, completed.h, completed.m, completed.s) : null, Number(STATUS_B.get(status)!),
        resultNumber ?? null, summary ?? null, `${procedure.fee}.00`
      ]
    }
    await sink.emit({
      table,
      row,
      sourceKey,
      accountingUnit: communeCode ?? commune.districtCode,
      reject: defect,
      record,
      unit: { provinceCode: p, districtCode: commune.districtCode, communeCode }
    })
  }
  return count
}

/**
 * Civil-status registrations (đăng ký hộ tịch): births, deaths and marriages registered at the
 * communes, about the source's own citizens. Vendor A keeps three tables with TCVN3-encoded
 * names; vendor B one table with a type column.
 */
import type { CivilStatusEventKind, CivilStatusEventRecord } from "../mappings/canonical-records.ts"
import type { RejectCode } from "../mappings/reject-codes.ts"
import { sourceKeyOf } from "../mappings/vendor-mapping.ts"
import { decodeTcvn3, legacyStringToBytes } from "../text/legacy-encodings.ts"
import type { SourceCitizens } from "./citizens.ts"
import { brokenLegacy, DIRT_RATES, drawRejectingDefect, impossibleDmy, legacyEncode, unknownCommuneCode } from "./dirt.ts"
import { expectText, expectUnitRef } from "./expected-values.ts"
import { dmyOf, fromDayNumber, isoOf } from "./people.ts"
import type { Random } from "./random.ts"
import type { SourceSink } from "./source-sink.ts"
import type { SourceTableDef, SourceValue } from "./vendor-schemas/source-tables.ts"
import { ketHon, khaiSinh, khaiTu } from "./vendor-schemas/vendor-a.ts"
import { civilRegistration } from "./vendor-schemas/vendor-b.ts"
import type { WorldSource, WorldUnits } from "./world-units.ts"

const day = (y: number, m: number, d: number): number => Date.UTC(y, m - 1, d) / 86_400_000
const FIRST_REGISTRATION = day(2005, 1, 1)
const LAST_DAY = day(2025, 6, 30)
const YEAR = 365

export interface CivilStatusCounts {
  readonly births: number
  readonly deaths: number
  readonly marriages: number
}

const tcvn3Bytes = (s: string): Uint8Array => legacyStringToBytes(s)!

export const generateCivilStatus = async (
  random: Random,
  world: WorldUnits,
  source: WorldSource,
  sink: SourceSink,
  citizens: SourceCitizens,
  counts: CivilStatusCounts
): Promise<number> => {
  const vendorA = source.vendor === "vendor-a"
  const p = source.province.code
  const children: number[] = []
  const elders: number[] = []
  const men: number[] = []
  const women: number[] = []
  for (let i = 0; i < citizens.count; i++) {
    const b = citizens.births[i]!
    if (b >= FIRST_REGISTRATION) children.push(i)
    if (b < day(1960, 1, 1)) elders.push(i)
    if (b < LAST_DAY - 20 * YEAR) (citizens.sexes[i] === "M" ? men : women).push(i)
  }
  const possible = new Set<RejectCode>(["UNIT_UNKNOWN", "MISSING_REQUIRED", ...(vendorA ? (["INVALID_DATE", "LEGACY_DECODE_FAILED"] as const) : [])])
  const sequence = new Map<string, number>()
  const ids = new Map<SourceTableDef, number>()

  const emit = async (kind: CivilStatusEventKind, subject: number, partner: number | undefined, registered: number, event: number | undefined) => {
    const table = vendorA ? (kind === "birth" ? khaiSinh : kind === "death" ? khaiTu : ketHon) : civilRegistration
    const id = (ids.get(table) ?? 0) + 1
    ids.set(table, id)
    const defect = drawRejectingDefect(random, DIRT_RATES.civilStatus.reject, possible)
    const commune = source.communes[citizens.communes[subject]!]!
    const regDate = fromDayNumber(Math.min(registered, LAST_DAY))
    const seqKey = `${commune.code}/${kind}/${regDate.year}`
    const seq = (sequence.get(seqKey) ?? 0) + 1
    sequence.set(seqKey, seq)
    const registrationNumber = defect === "MISSING_REQUIRED" ? "" : String(seq)
    const book = vendorA ? `01/${regDate.year}` : String(regDate.year)
    const communeCode = defect === "UNIT_UNKNOWN" ? unknownCommuneCode(random, world.index.oldCommune) : commune.code
    const subjectName = citizens.names[subject]!
    const partnerName = partner === undefined ? undefined : citizens.names[partner]!
    const eventDate = event === undefined ? undefined : fromDayNumber(event)
    const sourceKey = sourceKeyOf(source.name, table.name, id)
    const personTable = vendorA ? "cong_dan" : "person"
    // Vendor A's names went through TCVN3: what comes back is what the encoding could hold.
    const stored = (name: string) => (vendorA ? decodeTcvn3(legacyEncode("tcvn3", name)) : name)
    const record: CivilStatusEventRecord | undefined =
      defect !== undefined
        ? undefined
        : {
            kind: "civil_status_event",
            sourceKey,
            eventKind: kind,
            registrationNumber,
            book,
            registeredOn: isoOf(regDate),
            ...(kind === "marriage" ? { eventDate: isoOf(vendorA ? regDate : eventDate!) } : eventDate !== undefined ? { eventDate: isoOf(eventDate) } : {}),
            unit: expectUnitRef(p, { commune: communeCode }),
            subjectSourceKey: sourceKeyOf(source.name, personTable, subject + 1),
            subjectName: expectText(stored(subjectName))!,
            ...(partner !== undefined
              ? { spouseSourceKey: sourceKeyOf(source.name, personTable, partner + 1), spouseName: expectText(stored(partnerName!))! }
              : {})
          }
    let row: SourceValue[]
    if (vendorA) {
      const registeredText = defect === "INVALID_DATE" ? impossibleDmy(random, regDate.year) : dmyOf(regDate)
      const name = (s: string, breakIt: boolean): Uint8Array =>
        tcvn3Bytes(breakIt ? brokenLegacy(random, "tcvn3", s) : legacyEncode("tcvn3", s))
      const broken = defect === "LEGACY_DECODE_FAILED"
      const head: SourceValue[] = [id, registrationNumber, book, registeredText, communeCode]
      row =
        kind === "marriage"
          ? [...head, subject + 1, name(subjectName, broken), partner! + 1, name(partnerName!, false)]
          : [...head, subject + 1, name(subjectName, broken), eventDate === undefined ? null : dmyOf(eventDate)]
    } else {
      row = [
        id, kind === "birth" ? 1 : kind === "death" ? 2 : 3, registrationNumber === "" ? null : registrationNumber, book, isoOf(regDate),
        eventDate === undefined ? null : isoOf(eventDate), communeCode, subject + 1, subjectName, partner === undefined ? null : partner + 1,
        partnerName ?? null
      ]
    }
    await sink.emit({
      table,
      row,
      sourceKey,
      accountingUnit: communeCode,
      reject: defect,
      record,
      unit: { provinceCode: p, communeCode }
    })
  }

  if (children.length > 0) {
    for (let i = 0; i < counts.births; i++) {
      const child = random.pick(children)
      const born = citizens.births[child]!
      await emit("birth", child, undefined, born + random.between(3, 60), born)
    }
  }
  if (elders.length > 0) {
    for (let i = 0; i < counts.deaths; i++) {
      const subject = random.pick(elders)
      const died = random.between(Math.max(FIRST_REGISTRATION, citizens.births[subject]! + 40 * YEAR), LAST_DAY - 16)
      await emit("death", subject, undefined, died + random.between(1, 15), died)
    }
  }
  if (men.length > 0 && women.length > 0) {
    for (let i = 0; i < counts.marriages; i++) {
      const husband = random.pick(men)
      const wife = random.pick(women)
      const earliest = Math.max(FIRST_REGISTRATION, citizens.births[husband]! + 20 * YEAR, citizens.births[wife]! + 18 * YEAR)
      const married = random.between(Math.min(earliest, LAST_DAY), LAST_DAY)
      await emit("marriage", husband, wife, married, married)
    }
  }
  return [...ids.values()].reduce((a, b) => a + b, 0)
}

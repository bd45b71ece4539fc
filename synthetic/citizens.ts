/**
 * Citizens (công dân): generated people and the records the provinces' systems hold about them.
 * Most people have one record in their home province's system; some were registered twice, some
 * moved and also appear in the other province's system with typos. Each record may carry dirt.
 * The people themselves are not kept: only what dossiers and civil-status events need later
 * (per source record: true name, sex, birth, commune).
 */
import type { CitizenRecord } from "../mappings/canonical-records.ts"
import type { RejectCode } from "../mappings/reject-codes.ts"
import { sourceKeyOf } from "../mappings/vendor-mapping.ts"
import { cccd as decodeCccd } from "../mappings/field-decoders.ts"
import { legacyStringToBytes } from "../text/legacy-encodings.ts"
import {
  brokenLegacy,
  DIRT_RATES,
  drawRejectingDefect,
  formulaBait,
  impossibleDmy,
  invalidCccd,
  legacyEncode,
  toNfd,
  typo,
  unknownCommuneCode,
  withoutDiacritics
} from "./dirt.ts"
import {
  type CalendarDate,
  dayNumber,
  dmyOf,
  drawAge,
  drawCccd,
  drawCmnd,
  drawDateInYear,
  drawHamlet,
  drawMobile,
  drawName,
  fullNameOf,
  isoOf,
  type Sex,
  WORLD_TODAY
} from "./people.ts"
import type { Random } from "./random.ts"
import type { SourceSink } from "./source-sink.ts"
import { expectCode, expectText, expectUnitRef } from "./expected-values.ts"
import { congDan } from "./vendor-schemas/vendor-a.ts"
import { person as personTable } from "./vendor-schemas/vendor-b.ts"
import type { WorldSource, WorldUnits } from "./world-units.ts"

/** A generated person (the truth behind one or more records). */
interface Person {
  readonly id: string
  readonly name: string
  readonly sex: Sex
  readonly birth: CalendarDate
  readonly cccd?: string
  readonly cmnd?: string
  readonly phone?: string
  readonly hometown: string
  readonly father: string
  readonly mother: string
}

/** What later concepts need of each citizen record of a source (index = record id - 1). */
export class SourceCitizens {
  readonly names: string[] = []
  readonly sexes: Sex[] = []
  /** Day number of the true birth date. */
  readonly births: number[] = []
  /** Index into source.communes of the record's true commune. */
  readonly communes: number[] = []

  get count(): number {
    return this.names.length
  }
}

const SOUTHERN_HOMETOWN_WEIGHT = 0.85

const drawPerson = (random: Random, id: number, homeProvince: string): Person => {
  const sex: Sex = random.chance(0.5) ? "M" : "F"
  const age = drawAge(random)
  const year = WORLD_TODAY.year - age
  const birth = drawDateInYear(random, year)
  const name = drawName(random, sex)
  const hometown = random.chance(SOUTHERN_HOMETOWN_WEIGHT) ? homeProvince : random.pick(["01", "79", "48", "92", "86", "87", "89", "91", "40", "38"])
  let cccd: string | undefined
  let cmnd: string | undefined
  if (age >= 14 || random.chance(0.4)) {
    if (year < 1965 && random.chance(0.3)) cmnd = drawCmnd(random)
    else cccd = drawCccd(random, random.chance(0.85) ? homeProvince : hometown, sex, year)
  }
  const fatherName = drawName(random, "M", name.surname)
  const motherName = drawName(random, "F")
  return {
    id: `P${String(id).padStart(8, "0")}`,
    name: fullNameOf(name),
    sex,
    birth,
    ...(cccd !== undefined ? { cccd } : {}),
    ...(cmnd !== undefined ? { cmnd } : {}),
    ...(age >= 16 ? { phone: drawMobile(random) } : {}),
    hometown,
    father: fullNameOf(fatherName),
    mother: fullNameOf(motherName)
  }
}

type StoredBirth = { kind: "date"; date: CalendarDate } | { kind: "year"; year: number } | { kind: "invalid"; text: string }

/** How one record of a person differs from the person (set by the caller for copies). */
interface RecordVariant {
  readonly nameTypo: boolean
  readonly keepIds: boolean
  readonly keepPhone: boolean
}

const ORIGINAL: RecordVariant = { nameTypo: false, keepIds: true, keepPhone: true }

/** Writes one citizen record of a person into a source. */
const emitCitizen = async (
  random: Random,
  world: WorldUnits,
  source: WorldSource,
  sink: SourceSink,
  citizens: SourceCitizens,
  person: Person,
  communeIndex: number,
  variant: RecordVariant
): Promise<void> => {
  const rates = DIRT_RATES.citizen
  const vendorA = source.vendor === "vendor-a"
  const id = citizens.count + 1
  const commune = source.communes[communeIndex]!
  const district = world.index.oldDistrict.get(commune.districtCode)
  const possible = new Set<RejectCode>(["UNIT_UNKNOWN", "MISSING_REQUIRED"])
  const cccdValid = variant.keepIds ? person.cccd : undefined
  if (cccdValid !== undefined) possible.add("INVALID_CCCD")
  if (vendorA) possible.add("INVALID_DATE")
  else possible.add("LEGACY_DECODE_FAILED")
  const defect = drawRejectingDefect(random, rates.reject, possible)

  // name
  let name = variant.nameTypo ? typo(random, person.name) : person.name
  const nameDirt = random.next()
  if (nameDirt < rates.noDiacritics) name = withoutDiacritics(name)
  else if (nameDirt < rates.noDiacritics + rates.nfd) name = toNfd(name)
  if (defect === "MISSING_REQUIRED") name = random.chance(0.5) ? "" : "   "

  // birth date
  let birth: StoredBirth = { kind: "date", date: person.birth }
  const birthDirt = random.next()
  if (defect === "INVALID_DATE") birth = { kind: "invalid", text: impossibleDmy(random, person.birth.year) }
  else if (birthDirt < rates.yearOnlyBirth) birth = { kind: "year", year: person.birth.year }
  else if (birthDirt < rates.yearOnlyBirth + rates.dayMonthSwap && person.birth.day <= 12 && person.birth.day !== person.birth.month) {
    birth = { kind: "date", date: { year: person.birth.year, month: person.birth.day, day: person.birth.month } }
  }

  // identity numbers
  let cccdStored: string | null = cccdValid ?? null
  let cccdExpected: string | undefined = cccdValid
  if (defect === "INVALID_CCCD" && cccdValid !== undefined) {
    cccdStored = invalidCccd(random, cccdValid)
    cccdExpected = undefined
  } else if (cccdValid !== undefined) {
    const idDirt = random.next()
    if (vendorA && idDirt < rates.cccdLostZeros) cccdStored = cccdValid.replace(/^0+/, "")
    else if (idDirt < rates.cccdLostZeros + rates.cccdSpaces) cccdStored = `${cccdValid.slice(0, 3)} ${cccdValid.slice(3, 6)} ${cccdValid.slice(6)}`
    cccdExpected = (decodeCccd(cccdStored) as { value: string }).value
  }
  const cmnd = variant.keepIds ? person.cmnd : undefined
  const phone = variant.keepPhone ? person.phone : random.chance(0.5) ? drawMobile(random) : undefined

  // unit and address
  const communeCode = defect === "UNIT_UNKNOWN" ? unknownCommuneCode(random, world.index.oldCommune) : commune.code
  const hamlet = drawHamlet(random, commune.name, source.southern)
  let address = `${hamlet}, ${commune.name}, ${district?.name ?? ""}, ${source.province.name}`
  if (random.chance(rates.formulaBait)) address = formulaBait(random)

  const sourceKey = sourceKeyOf(source.name, vendorA ? congDan.name : personTable.name, id)
  const birthExpected = birth.kind === "date" ? isoOf(birth.date) : birth.kind === "year" ? String(birth.year) : undefined
  const unitCodes = { province: source.province.code, district: commune.districtCode, commune: communeCode }
  const record: CitizenRecord | undefined =
    defect !== undefined
      ? undefined
      : {
          kind: "citizen",
          sourceKey,
          fullName: expectText(name)!,
          ...(birthExpected !== undefined ? { birthDate: birthExpected } : {}),
          gender: person.sex,
          ...(cccdExpected !== undefined ? { cccd: cccdExpected } : {}),
          ...(cmnd !== undefined ? { cmnd } : {}),
          ...(phone !== undefined ? { phone } : {}),
          hometownCode: expectCode(person.hometown),
          fatherName: expectText(person.father),
          motherName: expectText(person.mother),
          unit: expectUnitRef(source.province.code, unitCodes, address, hamlet)
        }

  let row: (string | number | null)[]
  if (vendorA) {
    const birthText = birth.kind === "date" ? dmyOf(birth.date) : birth.kind === "year" ? String(birth.year) : birth.text
    row = [
      id, name, birthText, person.sex === "M" ? "Nam" : "Nữ", cccdStored, cmnd ?? null, phone ?? null, person.hometown, person.father,
      person.mother, source.province.code, commune.districtCode, communeCode, hamlet, address
    ]
  } else {
    const addressVni = defect === "LEGACY_DECODE_FAILED" ? brokenLegacy(random, "vni", address) : legacyEncode("vni", address)
    const idType = cccdStored !== null ? 2 : cmnd !== undefined ? 1 : null
    row = [
      id, name, birth.kind === "date" ? isoOf(birth.date) : null, birth.kind === "year" ? birth.year : null, person.sex === "M" ? 1 : 2,
      idType, cccdStored ?? cmnd ?? null, phone ?? null, person.hometown, person.father, person.mother, source.province.code,
      commune.districtCode, communeCode, hamlet, addressVni
    ]
    // VNI bytes are stored one character per byte; make sure the generator produced bytes.
    if (legacyStringToBytes(addressVni) === undefined) throw new Error("internal: VNI address is not bytes")
  }

  citizens.names.push(person.name)
  citizens.sexes.push(person.sex)
  citizens.births.push(dayNumber(person.birth))
  citizens.communes.push(communeIndex)

  await sink.emit({
    table: vendorA ? congDan : personTable,
    row,
    sourceKey,
    accountingUnit: communeCode,
    reject: defect,
    record,
    unit: { provinceCode: source.province.code, districtCode: commune.districtCode, communeCode },
    personId: person.id
  })
}

/**
 * Generates `records` citizen records in total across the sources (≈), people spread over all
 * communes of the world, and writes them through the sinks (one per source, same order).
 */
export const generateCitizens = async (
  random: Random,
  world: WorldUnits,
  sinks: readonly SourceSink[],
  records: number
): Promise<SourceCitizens[]> => {
  const rates = DIRT_RATES.citizen
  const sources = world.sources
  const perSource = sources.map(() => new SourceCitizens())
  const communeOwners: { source: number; commune: number }[] = []
  sources.forEach((s, si) => s.communes.forEach((_, ci) => communeOwners.push({ source: si, commune: ci })))
  const people = Math.round(records / (1 + (sources.length > 1 ? rates.crossSource : 0) + rates.sameSourceDuplicate))
  for (let p = 1; p <= people; p++) {
    const home = random.pick(communeOwners)
    const source = sources[home.source]!
    const person = drawPerson(random, p, source.province.code)
    await emitCitizen(random, world, source, sinks[home.source]!, perSource[home.source]!, person, home.commune, ORIGINAL)
    if (random.chance(rates.sameSourceDuplicate)) {
      const commune = random.chance(0.7) ? home.commune : random.int(source.communes.length)
      await emitCitizen(random, world, source, sinks[home.source]!, perSource[home.source]!, person, commune, {
        nameTypo: random.chance(0.3),
        keepIds: random.chance(0.8),
        keepPhone: random.chance(0.5)
      })
    }
    if (sources.length > 1 && random.chance(rates.crossSource)) {
      let other = random.int(sources.length - 1)
      if (other >= home.source) other++
      const target = sources[other]!
      await emitCitizen(random, world, target, sinks[other]!, perSource[other]!, person, random.int(target.communes.length), {
        nameTypo: random.chance(rates.typoInCopy),
        keepIds: random.chance(0.7),
        keepPhone: random.chance(0.5)
      })
    }
  }
  return perSource
}

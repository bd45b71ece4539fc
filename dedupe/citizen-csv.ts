/**
 * The CSV face of deduplication, used by `provmerge dedupe`: reads citizen records, writes the
 * crosswalk (record_id, master_id, status, score), the review pairs and the golden records.
 */
import { readFileSync, writeFileSync } from "node:fs"
import { parse } from "csv-parse/sync"
import { stringify } from "csv-stringify/sync"
import { parseBirthDate, parseGender, type CitizenRecord } from "./citizen-record.ts"
import type { DedupeResult } from "./deduplicate.ts"

export const INPUT_COLUMNS = [
  "record_id", "source", "cccd", "cmnd", "full_name", "birth_date", "gender", "hometown_code", "address", "father_name", "mother_name"
] as const
/** Columns also read when present. */
export const OPTIONAL_COLUMNS = ["commune_code", "phone", "updated_at"] as const

export class CitizenCsvError extends Error {
  override readonly name = "CitizenCsvError"
}

export interface CitizenCsvRead {
  readonly records: CitizenRecord[]
  /** Values that could not be read and were treated as missing, by column. */
  readonly unreadable: Readonly<Record<string, number>>
}

/** Parses the input CSV. Throws CitizenCsvError on a missing column, an empty or duplicate record_id. */
export function parseCitizenCsv(text: string): CitizenCsvRead {
  const records: CitizenRecord[] = []
  const { unreadable } = parseCitizenCsvInto(text, (r) => records.push(r))
  return { records, unreadable }
}

/**
 * Parses the input CSV handing each record to `sink` as soon as its row is read; rows are not
 * kept, so a million-row file never exists as a million objects. Same errors as parseCitizenCsv.
 */
export function parseCitizenCsvInto(text: string, sink: (record: CitizenRecord) => void): Omit<CitizenCsvRead, "records"> {
  let idx: Record<string, number> | undefined
  const unreadable: Record<string, number> = {}
  const seen = new Set<string>()
  let failure: unknown
  let r = 0
  const onRow = (row: string[]): void => {
    if (idx === undefined) {
      const header = row.map((h) => h.trim().toLowerCase())
      const missing = INPUT_COLUMNS.filter((c) => !header.includes(c))
      if (missing.length > 0) throw new CitizenCsvError(`the input CSV lacks column(s): ${missing.join(", ")}`)
      idx = Object.fromEntries([...INPUT_COLUMNS, ...OPTIONAL_COLUMNS].map((c) => [c, header.indexOf(c)])) as Record<string, number>
      return
    }
    const at = idx
    const get = (name: string): string | undefined => {
      const k = at[name]!
      if (k < 0) return undefined
      const v = row[k]
      if (v === undefined) return undefined
      const t = v.trim()
      return t === "" ? undefined : t
    }
    const recordId = get("record_id")
    if (recordId === undefined) throw new CitizenCsvError(`line ${r + 1}: record_id is empty`)
    if (seen.has(recordId)) throw new CitizenCsvError(`line ${r + 1}: record_id ${JSON.stringify(recordId)} appears twice`)
    seen.add(recordId)
    const genderRaw = get("gender")
    const gender = parseGender(genderRaw)
    if (genderRaw !== undefined && gender === undefined) unreadable["gender"] = (unreadable["gender"] ?? 0) + 1
    const birthRaw = get("birth_date")
    if (birthRaw !== undefined && parseBirthDate(birthRaw) === undefined) unreadable["birth_date"] = (unreadable["birth_date"] ?? 0) + 1
    sink({
      recordId,
      source: get("source") ?? "",
      cccd: get("cccd"),
      cmnd: get("cmnd"),
      fullName: get("full_name"),
      birthDate: birthRaw,
      gender,
      hometownCode: get("hometown_code"),
      address: get("address"),
      communeCode: get("commune_code"),
      fatherName: get("father_name"),
      motherName: get("mother_name"),
      phone: get("phone"),
      updatedAt: get("updated_at")
    })
  }
  parse(text, {
    bom: true,
    skip_empty_lines: true,
    relax_column_count: true,
    on_record: (row: string[]) => {
      if (failure === undefined)
        try {
          onRow(row)
        } catch (e) {
          failure = e
        }
      r++
      return null
    }
  })
  if (failure !== undefined) throw failure
  if (idx === undefined) throw new CitizenCsvError("the input CSV is empty (a header row is required)")
  return { unreadable }
}

/** Reads the file's text. Throws CitizenCsvError when it cannot be read. */
export function readCitizenCsvText(path: string): string {
  try {
    return readFileSync(path, "utf8")
  } catch (e) {
    throw new CitizenCsvError(`cannot read ${path}: ${(e as Error).message}`)
  }
}

export function readCitizenCsv(path: string): CitizenCsvRead {
  return parseCitizenCsv(readCitizenCsvText(path))
}

/** The crosswalk: record_id,master_id,status,score. */
export function formatAssignmentsCsv(result: DedupeResult): string {
  return stringify(
    result.assignments.map((a) => [a.recordId, a.masterId, a.status, a.score.toFixed(6)]),
    { header: true, columns: ["record_id", "master_id", "status", "score"] }
  )
}

/** Review pairs with the per-field breakdown as "field=level label (weight)". */
export function formatReviewPairsCsv(result: DedupeResult): string {
  return stringify(
    result.reviewPairs.map((p) => [
      p.recordIdA,
      p.recordIdB,
      p.masterIdA,
      p.masterIdB,
      p.score.toFixed(6),
      p.matchWeight.toFixed(2),
      p.reason,
      p.fields
        .filter((f) => f.level > 0)
        .map((f) => `${f.comparison}: ${f.label} (${(f.weight + f.termFrequencyAdjustment).toFixed(1)})`)
        .join("; ")
    ]),
    { header: true, columns: ["record_id_a", "record_id_b", "master_id_a", "master_id_b", "score", "match_weight", "reason", "breakdown"] }
  )
}

export function formatMastersCsv(result: DedupeResult): string {
  return stringify(
    result.masters.map((m) => [
      m.masterId, m.fullName ?? "", m.birthDate ?? "", m.gender ?? "", m.cccd ?? "", m.cmnd ?? "", m.hometownCode ?? "",
      m.communeCode ?? "", m.address ?? "", m.fatherName ?? "", m.motherName ?? "", m.phone ?? "", m.memberRecordIds.join(" ")
    ]),
    {
      header: true,
      columns: ["master_id", "full_name", "birth_date", "gender", "cccd", "cmnd", "hometown_code", "commune_code", "address", "father_name", "mother_name", "phone", "record_ids"]
    }
  )
}

export function writeText(path: string, text: string): void {
  writeFileSync(path, text)
}

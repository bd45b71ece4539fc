/**
 * The CSV face of deduplication, used by `provmerge dedupe`: reads citizen records, writes the
 * crosswalk (record_id, master_id, status, score), the review pairs and the golden records.
 */
import { closeSync, openSync, readFileSync, writeFileSync, writeSync } from "node:fs"
import { stringify } from "csv-stringify/sync"
import { packedBirthDate, parseBirthDate, parseGender, type CitizenRecord } from "./citizen-record.ts"
import { DuplicateRecordId, type CitizenTableBuilder } from "./citizen-table.ts"
import type { Assignment, DedupeResult } from "./deduplicate.ts"
import type { MasterRecord } from "./golden-record.ts"

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
 * A table builder as the sink finds repeated record ids itself (its index of them is needed
 * anyway), so no second set of a million ids is built here.
 */
export function parseCitizenCsvInto(
  text: string,
  sink: ((record: CitizenRecord) => void) | CitizenTableBuilder
): Omit<CitizenCsvRead, "records"> {
  let header = false
  const unreadable: Record<string, number> = {}
  const builder = typeof sink === "function" ? undefined : sink
  const seen = builder === undefined ? new Set<string>() : undefined
  let r = 0
  // Column positions (-1 when absent), read from the header row.
  let iId = -1, iSource = -1, iCccd = -1, iCmnd = -1, iName = -1, iBirth = -1, iGender = -1, iHometown = -1
  let iAddress = -1, iCommune = -1, iFather = -1, iMother = -1, iPhone = -1, iUpdated = -1
  // Genders and dates repeat: each distinct raw text is read once.
  const genders = new Map<string, "M" | "F" | null>()
  const dateReadable = new Map<string, boolean>()
  forEachCsvRow(text, (row, count) => {
    const at = r++
    if (!header) {
      const names = row.slice(0, count).map((h) => h.trim().toLowerCase())
      const missing = INPUT_COLUMNS.filter((c) => !names.includes(c))
      if (missing.length > 0) throw new CitizenCsvError(`the input CSV lacks column(s): ${missing.join(", ")}`)
      const col = (c: string) => names.indexOf(c)
      iId = col("record_id"); iSource = col("source"); iCccd = col("cccd"); iCmnd = col("cmnd"); iName = col("full_name")
      iBirth = col("birth_date"); iGender = col("gender"); iHometown = col("hometown_code"); iAddress = col("address")
      iCommune = col("commune_code"); iFather = col("father_name"); iMother = col("mother_name"); iPhone = col("phone")
      iUpdated = col("updated_at")
      header = true
      return
    }
    const get = (k: number): string | undefined => {
      if (k < 0 || k >= count) return undefined
      const t = row[k]!.trim()
      return t === "" ? undefined : t
    }
    const recordId = get(iId)
    if (recordId === undefined) throw new CitizenCsvError(`line ${at + 1}: record_id is empty`)
    const repeated = () => new CitizenCsvError(`line ${at + 1}: record_id ${JSON.stringify(recordId)} appears twice`)
    if (seen !== undefined) {
      if (seen.has(recordId)) throw repeated()
      seen.add(recordId)
    }
    const genderRaw = get(iGender)
    let gender: "M" | "F" | undefined
    if (genderRaw !== undefined) {
      let g = genders.get(genderRaw)
      if (g === undefined) {
        g = parseGender(genderRaw) ?? null
        if (genders.size < 10_000) genders.set(genderRaw, g)
      }
      if (g === null) unreadable["gender"] = (unreadable["gender"] ?? 0) + 1
      else gender = g
    }
    const birthRaw = get(iBirth)
    if (birthRaw !== undefined) {
      let ok = birthRaw.length === 10 && birthRaw.charCodeAt(4) === 45 ? packedBirthDate(birthRaw) > 0 : dateReadable.get(birthRaw)
      if (ok === undefined) {
        ok = parseBirthDate(birthRaw) !== undefined
        if (dateReadable.size >= 200_000) dateReadable.clear()
        dateReadable.set(birthRaw, ok)
      }
      if (!ok) unreadable["birth_date"] = (unreadable["birth_date"] ?? 0) + 1
    }
    const record: CitizenRecord = {
      recordId,
      source: get(iSource) ?? "",
      cccd: get(iCccd),
      cmnd: get(iCmnd),
      fullName: get(iName),
      birthDate: birthRaw,
      gender,
      hometownCode: get(iHometown),
      address: get(iAddress),
      communeCode: get(iCommune),
      fatherName: get(iFather),
      motherName: get(iMother),
      phone: get(iPhone),
      updatedAt: get(iUpdated)
    }
    if (builder === undefined) (sink as (record: CitizenRecord) => void)(record)
    else
      try {
        builder.add(record)
      } catch (e) {
        throw e instanceof DuplicateRecordId ? repeated() : e
      }
  })
  if (!header) throw new CitizenCsvError("the input CSV is empty (a header row is required)")
  return { unreadable }
}

/**
 * Reads CSV text row by row (RFC 4180: comma-separated, double quotes around values that hold
 * commas, quotes or line breaks, "" for a quote inside them; rows end with \n, \r\n, or \r
 * when the first line break is a bare \r). Empty lines are skipped; rows may have any number of
 * values. Each row's values go to `onRow` in one reused array (only the first `count` are the
 * row's), without a Buffer round trip or an array per row. The same rows as csv-parse with
 * { bom, skip_empty_lines, relax_column_count }, apart from \r before \n being dropped (values
 * are trimmed anyway). Throws CitizenCsvError on a stray or unclosed quote, as csv-parse does.
 */
export function forEachCsvRow(text: string, onRow: (row: string[], count: number) => void): void {
  const n = text.length
  let pos = n > 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0
  // The first line break outside quotes says how rows end.
  let LB = 10
  for (let k = pos, quoted = false; k < n; k++) {
    const c = text.charCodeAt(k)
    if (c === 34) quoted = !quoted
    else if (!quoted && (c === 10 || c === 13)) {
      if (c === 13 && text.charCodeAt(k + 1) !== 10) LB = 13
      break
    }
  }
  const lb = LB === 13 ? "\r" : "\n"
  const row: string[] = []
  let rows = 0
  let nextQuote = text.indexOf('"', pos)
  let nextComma = text.indexOf(",", pos)
  const malformed = (what: string) => new CitizenCsvError(`line ${rows + 1}: ${what}`)
  while (pos < n) {
    let end = text.indexOf(lb, pos)
    if (end < 0) end = n
    if (nextQuote >= 0 && nextQuote < pos) nextQuote = text.indexOf('"', pos)
    let count = 0
    if (nextQuote < 0 || nextQuote >= end) {
      // No quote on this line: the values are the slices between commas.
      let lineEnd = end
      if (LB === 10 && lineEnd > pos && text.charCodeAt(lineEnd - 1) === 13) lineEnd--
      if (lineEnd === pos) {
        pos = end + 1
        continue
      }
      let s = pos
      for (;;) {
        if (nextComma >= 0 && nextComma < s) nextComma = text.indexOf(",", s)
        if (nextComma < 0 || nextComma >= lineEnd) {
          row[count++] = text.slice(s, lineEnd)
          break
        }
        row[count++] = text.slice(s, nextComma)
        s = nextComma + 1
      }
      pos = end + 1
    } else {
      // A quote: read value by value; a quoted value may hold commas and line breaks.
      let i = pos
      for (;;) {
        if (i < n && text.charCodeAt(i) === 34) {
          let value = ""
          let s = i + 1
          for (;;) {
            const q = text.indexOf('"', s)
            if (q < 0) throw malformed("a quoted value is not closed")
            if (text.charCodeAt(q + 1) === 34) {
              value += text.slice(s, q + 1)
              s = q + 2
              continue
            }
            value += text.slice(s, q)
            i = q + 1
            break
          }
          row[count++] = value
          const c = i < n ? text.charCodeAt(i) : -1
          if (c === 44) {
            i++
            continue
          }
          if (c === -1) break
          if (c === LB) {
            i++
            break
          }
          if (LB === 10 && c === 13 && text.charCodeAt(i + 1) === 10) {
            i += 2
            break
          }
          throw malformed(`unexpected ${JSON.stringify(text[i])} after a closing quote`)
        }
        let j = i
        let c = -1
        while (j < n) {
          c = text.charCodeAt(j)
          if (c === 44 || c === LB) break
          if (c === 34) throw malformed("a quote inside an unquoted value")
          j++
        }
        let e = j
        if (LB === 10 && (j >= n || c === LB) && e > i && text.charCodeAt(e - 1) === 13) e--
        row[count++] = text.slice(i, e)
        if (j < n && c === 44) {
          i = j + 1
          continue
        }
        i = j < n ? j + 1 : n
        break
      }
      pos = i
      if (nextQuote < pos) nextQuote = text.indexOf('"', pos)
    }
    rows++
    onRow(row, count)
  }
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
const ASSIGNMENT_COLUMNS = ["record_id", "master_id", "status", "score"]
const assignmentRow = (a: Assignment): string[] => [a.recordId, a.masterId, a.status, a.score.toFixed(6)]

export function formatAssignmentsCsv(result: DedupeResult): string {
  return stringify(result.assignments.map(assignmentRow), { header: true, columns: ASSIGNMENT_COLUMNS })
}

/** The same file as formatAssignmentsCsv, written in chunks (no string of the whole crosswalk). */
export function writeAssignmentsCsv(path: string, result: DedupeResult): void {
  writeCsvInChunks(path, result.assignments, ASSIGNMENT_COLUMNS, assignmentRow)
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

const MASTER_COLUMNS = [
  "master_id", "full_name", "birth_date", "gender", "cccd", "cmnd", "hometown_code", "commune_code", "address", "father_name", "mother_name", "phone", "record_ids"
]
const masterRow = (m: MasterRecord): string[] => [
  m.masterId, m.fullName ?? "", m.birthDate ?? "", m.gender ?? "", m.cccd ?? "", m.cmnd ?? "", m.hometownCode ?? "",
  m.communeCode ?? "", m.address ?? "", m.fatherName ?? "", m.motherName ?? "", m.phone ?? "", m.memberRecordIds.join(" ")
]

export function formatMastersCsv(result: DedupeResult): string {
  return stringify(result.masters.map(masterRow), { header: true, columns: MASTER_COLUMNS })
}

/** The same file as formatMastersCsv, written in chunks (no string of every golden record). */
export function writeMastersCsv(path: string, result: DedupeResult): void {
  writeCsvInChunks(path, result.masters, MASTER_COLUMNS, masterRow)
}

/** Writes a CSV with a header row, a few thousand rows at a time. */
function writeCsvInChunks<T>(path: string, items: readonly T[], columns: string[], row: (item: T) => string[]): void {
  const fd = openSync(path, "w")
  try {
    if (items.length === 0) writeSync(fd, stringify([], { header: true, columns }))
    const CHUNK = 10_000
    for (let k = 0; k < items.length; k += CHUNK) {
      const rows: string[][] = []
      for (let j = k; j < Math.min(items.length, k + CHUNK); j++) rows.push(row(items[j]!))
      writeSync(fd, stringify(rows, { header: k === 0, columns }))
    }
  } finally {
    closeSync(fd)
  }
}

export function writeText(path: string, text: string): void {
  writeFileSync(path, text)
}

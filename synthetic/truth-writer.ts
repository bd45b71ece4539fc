/**
 * Writes the ground truth of a generated world under `<out>/truth/`, streaming: every file is
 * appended batch by batch, so a two-million-dossier world never sits in memory.
 *
 *   persons.csv          source,table,source_key,person_id
 *   rejects.csv          source,table,source_key,code
 *   units.csv            source,table,source_key,expected_status,expected_new_commune_code,expected_candidates
 *   expected-counts.csv  source,table,unit,read,rejected
 *   records/<entity>.jsonl  the canonical record a correct pipeline loads, one JSON per line
 */
import { createWriteStream, type WriteStream } from "node:fs"
import { mkdir, rm, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { once } from "node:events"
import { stringify } from "csv-stringify/sync"
import type { CanonicalRecord, EntityKind } from "../mappings/canonical-records.ts"
import type { RejectCode } from "../mappings/reject-codes.ts"
import type { ExpectedUnit } from "./world-units.ts"

const ENTITIES: readonly EntityKind[] = ["agency", "account", "citizen", "dossier", "civil_status_event"]

class LineFile {
  readonly #stream: WriteStream
  #pending: string[] = []
  #pendingRows: unknown[][] = []

  constructor(path: string, header?: readonly string[]) {
    this.#stream = createWriteStream(path, { encoding: "utf8" })
    if (header !== undefined) this.#pendingRows.push([...header])
  }

  row(values: unknown[]): void {
    this.#pendingRows.push(values)
  }

  line(text: string): void {
    if (this.#pendingRows.length > 0) this.#moveRows()
    this.#pending.push(text)
  }

  #moveRows(): void {
    this.#pending.push(stringify(this.#pendingRows, { record_delimiter: "unix" }).replace(/\n$/, ""))
    this.#pendingRows = []
  }

  async flush(): Promise<void> {
    if (this.#pendingRows.length > 0) this.#moveRows()
    if (this.#pending.length === 0) return
    const chunk = this.#pending.join("\n") + "\n"
    this.#pending = []
    if (!this.#stream.write(chunk)) await once(this.#stream, "drain")
  }

  async close(): Promise<void> {
    await this.flush()
    await new Promise<void>((resolve, reject) => this.#stream.end((e?: Error | null) => (e ? reject(e) : resolve())))
  }
}

/** A JSON line of a record: undefined fields dropped, password hashes never written. */
const recordJson = (record: CanonicalRecord): string =>
  record.kind === "account" ? JSON.stringify({ ...record, passwordHash: undefined }) : JSON.stringify(record)

export interface TruthCounts {
  readonly read: number
  readonly rejected: number
}

export class TruthWriter {
  readonly dir: string
  readonly #persons: LineFile
  readonly #rejects: LineFile
  readonly #units: LineFile
  readonly #records: ReadonlyMap<EntityKind, LineFile>
  /** "source\u0000table\u0000unit" -> [read, rejected] */
  readonly #counts = new Map<string, [number, number]>()
  readonly #recordCounts = new Map<EntityKind, number>()
  #rejectCount = 0

  private constructor(dir: string) {
    this.dir = dir
    this.#persons = new LineFile(join(dir, "persons.csv"), ["source", "table", "source_key", "person_id"])
    this.#rejects = new LineFile(join(dir, "rejects.csv"), ["source", "table", "source_key", "code"])
    this.#units = new LineFile(join(dir, "units.csv"), [
      "source", "table", "source_key", "expected_status", "expected_new_commune_code", "expected_candidates"
    ])
    this.#records = new Map(ENTITIES.map((e) => [e, new LineFile(join(dir, "records", `${e}.jsonl`))]))
  }

  /** Starts a fresh truth directory (an old one is removed). */
  static async create(dir: string): Promise<TruthWriter> {
    await rm(dir, { recursive: true, force: true })
    await mkdir(join(dir, "records"), { recursive: true })
    return new TruthWriter(dir)
  }

  /** Counts one source row under its accounting unit. */
  count(source: string, table: string, unit: string, rejected: boolean): void {
    const k = `${source}\u0000${table}\u0000${unit}`
    let c = this.#counts.get(k)
    if (c === undefined) this.#counts.set(k, (c = [0, 0]))
    c[0]++
    if (rejected) c[1]++
  }

  reject(source: string, table: string, sourceKey: string, code: RejectCode): void {
    this.#rejects.row([source, table, sourceKey, code])
    this.#rejectCount++
  }

  person(source: string, table: string, sourceKey: string, personId: string): void {
    this.#persons.row([source, table, sourceKey, personId])
  }

  unit(source: string, table: string, sourceKey: string, expected: ExpectedUnit): void {
    this.#units.row([source, table, sourceKey, expected.status, expected.newCommuneCode ?? "", expected.candidates.join(";")])
  }

  record(record: CanonicalRecord): void {
    this.#records.get(record.kind)!.line(recordJson(record))
    this.#recordCounts.set(record.kind, (this.#recordCounts.get(record.kind) ?? 0) + 1)
  }

  async flush(): Promise<void> {
    await Promise.all([this.#persons.flush(), this.#rejects.flush(), this.#units.flush(), ...[...this.#records.values()].map((f) => f.flush())])
  }

  get rejectCount(): number {
    return this.#rejectCount
  }

  get recordCounts(): ReadonlyMap<EntityKind, number> {
    return this.#recordCounts
  }

  /** Read and rejected rows per source table. */
  tableCounts(): Map<string, TruthCounts> {
    const out = new Map<string, TruthCounts>()
    for (const [k, [read, rejected]] of this.#counts) {
      const [source, table] = k.split("\u0000")
      const key = `${source}/${table}`
      const c = out.get(key) ?? { read: 0, rejected: 0 }
      out.set(key, { read: c.read + read, rejected: c.rejected + rejected })
    }
    return out
  }

  /** Writes expected-counts.csv and README.md and closes every file. */
  async close(): Promise<void> {
    const rows = [...this.#counts].map(([k, [read, rejected]]) => [...k.split("\u0000"), read, rejected])
    rows.sort((a, b) => String(a[0]).localeCompare(String(b[0])) || String(a[1]).localeCompare(String(b[1])) || String(a[2]).localeCompare(String(b[2])))
    await writeFile(join(this.dir, "expected-counts.csv"), stringify([["source", "table", "unit", "read", "rejected"], ...rows], { record_delimiter: "unix" }))
    await Promise.all([this.#persons.close(), this.#rejects.close(), this.#units.close(), ...[...this.#records.values()].map((f) => f.close())])
    await writeFile(join(this.dir, "README.md"), TRUTH_README)
  }
}

export const TRUTH_README = `# Ground truth of a generated world

Written by \`provmerge generate\` next to \`job.json\`. It says what a correct migration of the
source databases must produce, so a run can be checked without reading the sources by hand.
All CSV files are UTF-8 with a header row. A \`source_key\` is \`<source>/<table>/<key>\`
(\`sourceKeyOf\` in mappings/vendor-mapping.ts): the source name from job.json, the vendor's own
table name and the row's integer primary key.

## persons.csv — source,table,source_key,person_id
Every citizen record that must load (rejected rows are left out), with the id of the generated
person it belongs to. Records sharing a person_id are the same human being: the same person
registered twice in one province, or in both provinces (moved), with typos, names without
diacritics, year-only birth dates and other non-rejecting differences. A person_id that occurs
once is a person with one record. Dedupe is right when it groups exactly these records.

## rejects.csv — source,table,source_key,code
Every row that must be rejected, with its one expected reject code (mappings/reject-codes.ts).
Each dirty row carries at most one rejecting defect, so the code is unique:
INVALID_DATE (a date that does not exist, e.g. 31/02), INVALID_CCCD (not a structurally valid
12-digit CCCD), UNIT_UNKNOWN (an old unit code that is not in the catalog: decided by the unit
remapper, not by the mapping), LEGACY_DECODE_FAILED (TCVN3/VNI bytes that do not decode),
MISSING_REQUIRED (a required value is empty).
Not rejects (these rows load): names without diacritics or in NFD, year-only birth dates,
swapped day/month, typos, CCCDs with spaces or lost leading zeros, zero dates, values
starting with = + - @ (formula-injection bait that reports must escape).

## expected-counts.csv — source,table,unit,read,rejected
For the reconciliation: rows read and rows rejected per source table and accounting unit, where
the unit is the mapping's \`accountingUnit(row)\` (the raw old commune code, else district code,
else province code; empty when the row has none). loaded = read - rejected.

## units.csv — source,table,source_key,expected_status,expected_new_commune_code,expected_candidates
What the old→new unit remapping must answer for every row that is not rejected for another
reason (rows rejected with UNIT_UNKNOWN are listed too, with status unknown), computed from the
catalog's crosswalk edges by code:
- mapped: one successor (or an island district's đặc khu) — expected_new_commune_code is it;
- population_target: a split where only one successor received population — that one;
- ambiguous: a split between several populated successors — expected_candidates lists them
  (separated by ;), the code alone cannot decide (a hamlet hint table can);
- province_only: only a district or province code — the new province is certain, the commune is
  not (candidates: the district's successors, empty for a province alone);
- unknown: the code is not in the catalog.

## records/<entity>.jsonl — agency, account, citizen, dossier, civil_status_event
One canonical record (mappings/canonical-records.ts) per line for every row that must load: the
values as the source holds them after decoding and normalisation (NFC, canonical tone marks,
whitespace collapsed, legacy text decoded, dates as ISO, timestamps with +07:00, CCCD cleaned),
i.e. exactly what a correct vendor mapping yields. Units are the OLD codes as stored. Fields
without a value are left out. Password hashes are never written here.
`

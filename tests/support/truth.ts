/** Reads the ground truth a generated world writes under truth/ (see synthetic/truth-writer.ts). */
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { parse } from "csv-parse/sync"
import type { CanonicalRecord } from "../../mappings/canonical-records.ts"

export const readTruthCsv = (truthDir: string, file: string): Array<Record<string, string>> =>
  parse(readFileSync(join(truthDir, file), "utf8"), { columns: true, skip_empty_lines: true }) as Array<Record<string, string>>

export const readTruthRecords = (truthDir: string, entity: string): CanonicalRecord[] =>
  readFileSync(join(truthDir, "records", `${entity}.jsonl`), "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as CanonicalRecord)

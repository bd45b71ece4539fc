/**
 * The crosswalk as columns (deduplicateTableColumns, what the pipeline's dedupe stage uses) says
 * the same as the objects of deduplicateTable: persons, statuses, scores, master ids and golden
 * records; with record ids in UUID form (kept as bytes by the table) and in any other form.
 */
import { describe, expect, it } from "vitest"
import { buildCitizenTable } from "../../dedupe/citizen-table.ts"
import { ASSIGNMENT_STATUS } from "../../dedupe/person-assignments.ts"
import { deduplicateTable, deduplicateTableColumns, personMasterRecord } from "../../dedupe/deduplicate.ts"
import { goldenRecordColumns, masterIdOfSmallest } from "../../dedupe/golden-record.ts"
import { generatePopulation } from "../../dedupe/synthetic-population.ts"

const pop = generatePopulation({ persons: 2000, seed: 9 })
/** A made-up UUID per record, not in record order (so the smallest id is not the first record). */
const uuid = (i: number) => `${((i * 2654435761) >>> 0).toString(16).padStart(8, "0")}-0000-4000-8000-${String(i).padStart(12, "0")}`

describe("dedupe result as columns", () => {
  for (const [name, records] of [
    ["record ids as given", pop.records],
    ["UUID record ids", pop.records.map((r, i) => ({ ...r, recordId: uuid(i) }))]
  ] as const) {
    it(`says what the objects say (${name})`, () => {
      const objects = deduplicateTable(buildCitizenTable(records))
      const table = buildCitizenTable(records)
      const columns = deduplicateTableColumns(table)
      const { crosswalk } = columns
      // What the pipeline keeps for the golden records once matching is done.
      const goldenOnly = goldenRecordColumns(table)
      expect(crosswalk.size).toBe(records.length)
      expect(crosswalk.persons).toBe(objects.masters.length)
      expect(crosswalk.persons).toBeLessThan(records.length)
      const masterOfPerson = new Map<number, string>()
      for (let i = 0; i < crosswalk.size; i++) {
        const a = objects.assignments[i]!
        expect(a.recordId).toBe(records[i]!.recordId)
        expect(ASSIGNMENT_STATUS[crosswalk.status[i]!]).toBe(a.status)
        expect(crosswalk.score[i]).toBe(a.score)
        const p = crosswalk.person[i]!
        // One master per person, and persons numbered by their first record.
        expect(masterOfPerson.get(p) ?? a.masterId).toBe(a.masterId)
        if (!masterOfPerson.has(p)) expect(p).toBe(masterOfPerson.size)
        masterOfPerson.set(p, a.masterId)
      }
      for (let p = 0; p < crosswalk.persons; p++) {
        const members = Array.from(crosswalk.members.subarray(crosswalk.memberStart[p]!, crosswalk.memberStart[p + 1]!))
        const ids = members.map((i) => records[i]!.recordId).sort()
        expect(table.recordIds.id(crosswalk.smallestRecord[p]!)).toBe(ids[0])
        expect(masterIdOfSmallest(ids[0]!)).toBe(masterOfPerson.get(p))
        expect(personMasterRecord(table, crosswalk, p)).toEqual(objects.masters[p])
        expect(personMasterRecord(goldenOnly, crosswalk, p)).toEqual(objects.masters[p])
      }
      expect(columns.reviewPairs).toEqual(objects.reviewPairs)
      expect(columns.stats).toEqual(objects.stats)
    })
  }
})

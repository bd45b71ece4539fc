import { describe, expect, it } from "vitest"
import { forEachCsvRow, formatAssignmentsCsv, parseCitizenCsv, parseCitizenCsvInto } from "../../dedupe/citizen-csv.ts"
import { citizenTableBuilder } from "../../dedupe/citizen-table.ts"
import { deduplicate, deduplicateTable } from "../../dedupe/deduplicate.ts"
import { parseDecisionsCsv } from "../../dedupe/review-decisions.ts"

const HEADER = "record_id,source,cccd,cmnd,full_name,birth_date,gender,hometown_code,address,father_name,mother_name"

describe("citizen CSV", () => {
  it("reads records, genders in any form, and reports unreadable values", () => {
    const { records, unreadable } = parseCitizenCsv(
      `${HEADER}\nA,s1,033190012345,,Nguyễn Thị Hoa,07/03/1990,Nữ,,,,\nB,s2,,,Nguyen Thi Hoa,1990,nu,,,,\nC,s2,,,X,31/02/1990,?,,,,\n`
    )
    expect(records.map((r) => r.gender)).toEqual(["F", "F", undefined])
    expect(records[1]!.birthDate).toBe("1990")
    expect(unreadable).toEqual({ gender: 1, birth_date: 1 })
  })
  it("says which column is missing and which line repeats an id", () => {
    expect(() => parseCitizenCsv("record_id,source\nA,s\n")).toThrow(/lacks column\(s\): cccd/)
    expect(() => parseCitizenCsv(`${HEADER}\nA,s,,,,,,,,,\nA,s,,,,,,,,,\n`)).toThrow(/line 3: record_id "A" appears twice/)
  })
  it("writes the crosswalk with the four columns", () => {
    const { records } = parseCitizenCsv(`${HEADER}\nA,s1,033190012345,,Nguyễn Thị Hoa,1990-03-07,F,,,,\nB,s2,033190012345,,Nguyen Thi Hoa,1990,F,,,,\n`)
    const csv = formatAssignmentsCsv(deduplicate(records))
    const lines = csv.trim().split("\n")
    expect(lines[0]).toBe("record_id,master_id,status,score")
    expect(lines).toHaveLength(3)
    expect(lines[1]).toMatch(/^A,P[0-9a-f]{16},(unique|merged|review),\d\.\d{6}$/)
  })
  it("streams rows into the table with the same result as the record array", () => {
    const text =
      `${HEADER},phone\nA,s1,033190012345,,Nguyễn Thị Hoa,1990-03-07,F,,Thôn 1,,,0912 345 678\n` +
      `B,s2,033190012345,123456789,Nguyen Thi Hoa,1990,F,,,,,+84912345678\nC,s2,,012345678,Trần Văn Nam,1985,M,,,,,\n`
    const builder = citizenTableBuilder()
    const { unreadable } = parseCitizenCsvInto(text, builder)
    const table = builder.finish()
    expect(unreadable).toEqual({})
    expect(table.size).toBe(3)
    expect(table.phone[0]).toBe(table.phone[1])
    const streamed = deduplicateTable(table)
    const direct = deduplicate(parseCitizenCsv(text).records)
    expect(streamed.assignments).toEqual(direct.assignments)
    expect(streamed.masters.find((m) => m.memberRecordIds.includes("C"))?.cmnd).toBe("012345678")
    expect(streamed.masters.find((m) => m.memberRecordIds.includes("A"))?.cccd).toBe("033190012345")
    expect(streamed.masters.find((m) => m.memberRecordIds.includes("A"))?.phone).toBe("0912345678")
    expect(() => parseCitizenCsvInto(`${HEADER}\nA,s,,,,,,,,,\nA,s,,,,,,,,,\n`, () => {})).toThrow(/line 3: record_id "A" appears twice/)
    // A table builder finds the repeated id itself; the message still names the line.
    expect(() => parseCitizenCsvInto(`${HEADER}\nA,s,,,,,,,,,\nB,s,,,,,,,,,\nA,s,,,,,,,,,\n`, citizenTableBuilder())).toThrow(
      /line 4: record_id "A" appears twice/
    )
    expect(() => parseCitizenCsvInto("", () => {})).toThrow(/empty/)
  })
  it("reads quoted values, any line ending and a BOM, and refuses stray quotes", () => {
    const rows = (text: string) => {
      const out: string[][] = []
      forEachCsvRow(text, (row, n) => out.push(row.slice(0, n)))
      return out
    }
    const quoted = 'a,"Số 5, ngõ 3",c\n"x\ny","say ""hi""",\n\n1,2\n'
    expect(rows(quoted)).toEqual([["a", "Số 5, ngõ 3", "c"], ["x\ny", 'say "hi"', ""], ["1", "2"]])
    expect(rows("\uFEFF" + quoted.replaceAll("\n", "\r\n"))).toEqual([["a", "Số 5, ngõ 3", "c"], ["x\r\ny", 'say "hi"', ""], ["1", "2"]])
    expect(rows("a,b\rc,d\r")).toEqual([["a", "b"], ["c", "d"]])
    expect(() => rows('a,b"c\n')).toThrow(/line 1: a quote inside an unquoted value/)
    expect(() => rows('a\n"b" ,c\n')).toThrow(/line 2: unexpected " " after a closing quote/)
    expect(() => rows('a\n"b,c\n')).toThrow(/line 2: a quoted value is not closed/)
    const { records } = parseCitizenCsv(`${HEADER}\r\nA,s1,,,"Nguyễn Thị Hoa",,,,"Thôn 1, xã An Bình",,\r\n`)
    expect(records[0]!.address).toBe("Thôn 1, xã An Bình")
  })
  it("reads reviewer decisions and rejects an unknown decision", () => {
    const d = parseDecisionsCsv("record_id_a,record_id_b,decision,decided_by,decided_at\nA,B,merge,lan,2025-07-01\n")
    expect(d).toEqual([{ recordIdA: "A", recordIdB: "B", decision: "merge", decidedBy: "lan", decidedAt: "2025-07-01" }])
    expect(() => parseDecisionsCsv("record_id_a,record_id_b,decision\nA,B,maybe\n")).toThrow(/line 2: decision must be/)
  })
})

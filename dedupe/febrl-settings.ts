/**
 * Linkage settings for FEBRL-style records (English names, street address, postcode, date of
 * birth as YYYYMMDD, optional social security id). Used by the generality benchmark: the same
 * engine as for Vietnamese citizens, only the table and the settings differ.
 */
import { blockKey, Interner, type Comparison, type LinkageSettings } from "./linkage-settings.ts"
import { editDistanceAtMost, jaroWinkler } from "./string-similarity.ts"

export interface FebrlRecord {
  readonly recId: string
  readonly givenName: string
  readonly surname: string
  readonly streetNumber: string
  readonly address1: string
  readonly address2: string
  readonly suburb: string
  readonly postcode: string
  readonly state: string
  readonly dateOfBirth: string
  readonly socSecId: string
}

interface StringColumn {
  readonly codes: Int32Array
  readonly values: readonly string[]
  /** Relative frequency of each code among non-empty values. */
  readonly frequency: Float64Array
}

export interface FebrlTable {
  readonly size: number
  readonly recIds: readonly string[]
  readonly given: StringColumn
  readonly surname: StringColumn
  readonly streetNumber: StringColumn
  readonly address1: StringColumn
  readonly address2: StringColumn
  readonly suburb: StringColumn
  readonly postcode: StringColumn
  readonly state: StringColumn
  readonly dob: StringColumn
  readonly socSecId: StringColumn
  /** Shared codes for first three letters of given name and surname (blocking). */
  readonly givenPrefix: Int32Array
  readonly surnamePrefix: Int32Array
  readonly dobYear: Int32Array
}

function column(values: readonly string[]): StringColumn {
  const interner = new Interner()
  const codes = new Int32Array(values.length)
  let nonEmpty = 0
  values.forEach((v, i) => {
    codes[i] = interner.code(v.trim().toLowerCase())
    if (codes[i]! >= 0) nonEmpty++
  })
  const frequency = new Float64Array(interner.size)
  for (const c of codes) if (c >= 0) frequency[c]!++
  for (let k = 0; k < frequency.length; k++) frequency[k]! /= Math.max(1, nonEmpty)
  return { codes, values: interner.values, frequency }
}

export function prepareFebrlTable(records: readonly FebrlRecord[]): FebrlTable {
  const pick = (f: (r: FebrlRecord) => string) => column(records.map(f))
  const prefixes = new Interner()
  const given = pick((r) => r.givenName)
  const surname = pick((r) => r.surname)
  const dob = pick((r) => r.dateOfBirth)
  const prefixOf = (col: StringColumn) =>
    Int32Array.from(col.codes, (c) => (c < 0 ? -1 : prefixes.code(col.values[c]!.slice(0, 3))))
  return {
    size: records.length,
    recIds: records.map((r) => r.recId),
    given,
    surname,
    streetNumber: pick((r) => r.streetNumber),
    address1: pick((r) => r.address1),
    address2: pick((r) => r.address2),
    suburb: pick((r) => r.suburb),
    postcode: pick((r) => r.postcode),
    state: pick((r) => r.state),
    dob,
    socSecId: pick((r) => r.socSecId),
    givenPrefix: prefixOf(given),
    surnamePrefix: prefixOf(surname),
    dobYear: Int32Array.from(dob.codes, (c) => (c < 0 ? -1 : Number(dob.values[c]!.slice(0, 4)) || -1))
  }
}

type Col = (t: FebrlTable) => StringColumn

/**
 * Exact / Jaro–Winkler levels / else, optionally TF-adjusted on exact; with `swappedWith`, a
 * level for a value found in the other column of the other record (address lines swapped).
 */
function fuzzyText(name: string, col: Col, thresholds: readonly number[], tf: boolean, swappedWith?: Col): Comparison<FebrlTable> {
  const swapLevel = 2 + thresholds.length
  return {
    name,
    levels: [
      { label: "exact", termFrequency: tf },
      ...thresholds.map((t) => ({ label: `Jaro-Winkler >= ${t}` })),
      ...(swappedWith !== undefined ? [{ label: "matches the other record's other line (swapped)" }] : []),
      { label: "different" }
    ],
    compare(t, a, b) {
      const c = col(t)
      const x = c.codes[a]!
      const y = c.codes[b]!
      if (x < 0 || y < 0) return 0
      if (x === y) return 1
      const s = jaroWinkler(c.values[x]!, c.values[y]!)
      for (let k = 0; k < thresholds.length; k++) if (s >= thresholds[k]!) return 2 + k
      if (swappedWith !== undefined) {
        const o = swappedWith(t)
        const ox = o.codes[a]!
        const oy = o.codes[b]!
        if ((oy >= 0 && jaroWinkler(c.values[x]!, o.values[oy]!) >= 0.9) || (ox >= 0 && jaroWinkler(o.values[ox]!, c.values[y]!) >= 0.9)) return swapLevel
        return swapLevel + 1
      }
      return 2 + thresholds.length
    },
    termFrequency(t, a, b) {
      const c = col(t)
      return Math.max(c.frequency[c.codes[a]!]!, c.frequency[c.codes[b]!]!)
    }
  }
}

/** Name part with a level for given-name/surname swaps. */
function namePart(name: string, col: Col, other: Col): Comparison<FebrlTable> {
  return {
    name,
    levels: [
      { label: "exact", termFrequency: true },
      { label: "Jaro-Winkler >= 0.92" },
      { label: "swapped with the other name part" },
      { label: "Jaro-Winkler >= 0.80" },
      { label: "different" }
    ],
    compare(t, a, b) {
      const c = col(t)
      const x = c.codes[a]!
      const y = c.codes[b]!
      if (x < 0 || y < 0) return 0
      if (x === y) return 1
      const s = jaroWinkler(c.values[x]!, c.values[y]!)
      if (s >= 0.92) return 2
      const o = other(t)
      const ox = o.codes[a]!
      const oy = o.codes[b]!
      if ((ox >= 0 && o.values[ox] === c.values[y]) || (oy >= 0 && o.values[oy] === c.values[x])) return 3
      if (s >= 0.8) return 4
      return 5
    },
    termFrequency(t, a, b) {
      const c = col(t)
      return Math.max(c.frequency[c.codes[a]!]!, c.frequency[c.codes[b]!]!)
    }
  }
}

/** Short codes (dates, postcodes, numbers): exact / one edit or transposition / two edits / else. */
function codeEdits(name: string, col: Col, swapDayMonth: boolean): Comparison<FebrlTable> {
  return {
    name,
    levels: [
      { label: "exact" },
      { label: "one typo or transposition" },
      ...(swapDayMonth ? [{ label: "day and month swapped" }] : []),
      { label: "two typos" },
      { label: "different" }
    ],
    compare(t, a, b) {
      const c = col(t)
      const x = c.codes[a]!
      const y = c.codes[b]!
      if (x < 0 || y < 0) return 0
      if (x === y) return 1
      const s1 = c.values[x]!
      const s2 = c.values[y]!
      const d = editDistanceAtMost(s1, s2, 2)
      if (d <= 1) return 2
      let next = 3
      if (swapDayMonth) {
        if (s1.length === 8 && s2.length === 8 && s1.slice(0, 4) === s2.slice(0, 4) && s1.slice(4, 6) === s2.slice(6, 8) && s1.slice(6, 8) === s2.slice(4, 6)) return 3
        next = 4
      }
      if (d <= 2) return next
      return next + 1
    }
  }
}

function exactOnly(name: string, col: Col): Comparison<FebrlTable> {
  return {
    name,
    levels: [{ label: "exact" }, { label: "different" }],
    compare(t, a, b) {
      const c = col(t)
      const x = c.codes[a]!
      const y = c.codes[b]!
      if (x < 0 || y < 0) return 0
      return x === y ? 1 : 2
    }
  }
}

/** Settings for FEBRL data; `useSocSecId` adds the identifier comparison and blocking rule. */
export function febrlSettings(useSocSecId: boolean): LinkageSettings<FebrlTable> {
  const comparisons: Comparison<FebrlTable>[] = [
    namePart("given_name", (t) => t.given, (t) => t.surname),
    namePart("surname", (t) => t.surname, (t) => t.given),
    codeEdits("date_of_birth", (t) => t.dob, true),
    exactOnly("street_number", (t) => t.streetNumber),
    fuzzyText("address_1", (t) => t.address1, [0.9, 0.75], false, (t) => t.address2),
    fuzzyText("address_2", (t) => t.address2, [0.9, 0.75], false, (t) => t.address1),
    fuzzyText("suburb", (t) => t.suburb, [0.9], true),
    codeEdits("postcode", (t) => t.postcode, false),
    exactOnly("state", (t) => t.state)
  ]
  if (useSocSecId) comparisons.push(codeEdits("soc_sec_id", (t) => t.socSecId, false))
  const key1 = (col: Col) => (t: FebrlTable, i: number) => blockKey(col(t).codes[i]!)
  const key2 = (c1: Col, c2: Col) => (t: FebrlTable, i: number) => blockKey(c1(t).codes[i]!, c2(t).codes[i]!)
  return {
    comparisons,
    blockingRules: [
      ...(useSocSecId ? [{ kind: "key" as const, name: "soc_sec_id", deactivates: ["soc_sec_id"], key: key1((t) => t.socSecId) }] : []),
      { kind: "key", name: "given_name + surname", deactivates: ["given_name", "surname"], key: key2((t) => t.given, (t) => t.surname) },
      { kind: "key", name: "date_of_birth", deactivates: ["date_of_birth"], key: key1((t) => t.dob) },
      { kind: "key", name: "postcode + street_number", deactivates: ["postcode", "street_number"], key: key2((t) => t.postcode, (t) => t.streetNumber) },
      { kind: "key", name: "surname + suburb", deactivates: ["surname", "suburb"], key: key2((t) => t.surname, (t) => t.suburb) },
      { kind: "key", name: "given_name + address_1", deactivates: ["given_name", "address_1"], key: key2((t) => t.given, (t) => t.address1) },
      { kind: "key", name: "address_1 + suburb", deactivates: ["address_1", "suburb"], key: key2((t) => t.address1, (t) => t.suburb) },
      { kind: "key", name: "street_number + address_1", deactivates: ["street_number", "address_1"], key: key2((t) => t.streetNumber, (t) => t.address1) },
      { kind: "key", name: "given_name + suburb", deactivates: ["given_name", "suburb"], key: key2((t) => t.given, (t) => t.suburb) },
      { kind: "key", name: "surname + postcode", deactivates: ["surname", "postcode"], key: key2((t) => t.surname, (t) => t.postcode) },
      { kind: "key", name: "address_1 + postcode", deactivates: ["address_1", "postcode"], key: key2((t) => t.address1, (t) => t.postcode) },
      { kind: "key", name: "address_2 + postcode", deactivates: ["address_2", "postcode"], key: key2((t) => t.address2, (t) => t.postcode) },
      {
        kind: "key",
        name: "given_name and surname in either order",
        deactivates: ["given_name", "surname"],
        key: (t, i) => {
          const g = t.givenPrefix[i]!
          const s = t.surnamePrefix[i]!
          return blockKey(Math.min(g, s), Math.max(g, s), t.suburb.codes[i]!)
        }
      },
      {
        kind: "key",
        name: "given prefix + surname prefix + birth year",
        deactivates: ["given_name", "surname", "date_of_birth"],
        key: (t, i) => blockKey(t.givenPrefix[i]!, t.surnamePrefix[i]!, t.dobYear[i]!)
      }
    ],
    deterministicRules: [
      { name: "given_name + surname + date_of_birth", holds: (t, a, b) => t.given.codes[a]! >= 0 && t.given.codes[a] === t.given.codes[b] && t.surname.codes[a]! >= 0 && t.surname.codes[a] === t.surname.codes[b] && t.dob.codes[a]! >= 0 && t.dob.codes[a] === t.dob.codes[b] },
      { name: "date_of_birth + address_1 + postcode", holds: (t, a, b) => t.dob.codes[a]! >= 0 && t.dob.codes[a] === t.dob.codes[b] && t.address1.codes[a]! >= 0 && t.address1.codes[a] === t.address1.codes[b] && t.postcode.codes[a]! >= 0 && t.postcode.codes[a] === t.postcode.codes[b] }
    ],
    deterministicRecall: 0.7
  }
}

/** Reads a FEBRL CSV (", " separated, no quoting). */
export function parseFebrlCsv(text: string): FebrlRecord[] {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0)
  return lines.slice(1).map((line) => {
    const f = line.split(",").map((x) => x.trim())
    return {
      recId: f[0] ?? "",
      givenName: f[1] ?? "",
      surname: f[2] ?? "",
      streetNumber: f[3] ?? "",
      address1: f[4] ?? "",
      address2: f[5] ?? "",
      suburb: f[6] ?? "",
      postcode: f[7] ?? "",
      state: f[8] ?? "",
      dateOfBirth: f[9] ?? "",
      socSecId: f[10] ?? ""
    }
  })
}

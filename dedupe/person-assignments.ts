/**
 * The crosswalk as columns: per record its person, status and score, per person its members
 * (offsets into one array of record indices). A million records cost 13 bytes each here; as
 * one `Assignment` object per record and a member list per person they cost ~40 times that.
 *
 * Persons are numbered by their first record (the smallest record index among the members),
 * so walking the records in order meets the persons in order.
 */
export type AssignmentStatus = "unique" | "merged" | "review"

/** Status by code: `ASSIGNMENT_STATUS[crosswalk.status[i]]`. */
export const ASSIGNMENT_STATUS: readonly AssignmentStatus[] = ["unique", "merged", "review"]
export const STATUS_UNIQUE = 0
export const STATUS_MERGED = 1
export const STATUS_REVIEW = 2

export interface PersonAssignments {
  /** Records. */
  readonly size: number
  readonly persons: number
  /** Person number of each record, 0 … persons-1. */
  readonly person: Int32Array
  /** STATUS_UNIQUE, STATUS_MERGED or STATUS_REVIEW per record. */
  readonly status: Uint8Array
  /** Match probability per record, rounded to 6 decimals (see Assignment.score). */
  readonly score: Float64Array
  /** Members of person p: members[memberStart[p] .. memberStart[p+1]), in record order. */
  readonly memberStart: Int32Array
  readonly members: Int32Array
  /** Per person, the member whose record id is the smallest (the master id derives from it). */
  readonly smallestRecord: Int32Array
}

/**
 * Numbers the clusters (cluster id per record: any number in 0 … size-1 shared by a cluster's
 * records) as persons in order of their first record, and lists their members.
 * `less(x, y)` (record x's id sorts before record y's) picks each person's smallest record id.
 */
export function groupByPerson(
  cluster: Int32Array,
  less: (x: number, y: number) => boolean
): Pick<PersonAssignments, "size" | "persons" | "person" | "memberStart" | "members" | "smallestRecord"> {
  const n = cluster.length
  // Person number by cluster id, given when its first record is met.
  const personOfCluster = new Int32Array(n).fill(-1)
  const person = new Int32Array(n)
  let persons = 0
  for (let i = 0; i < n; i++) {
    const c = cluster[i]!
    let p = personOfCluster[c]!
    if (p < 0) p = personOfCluster[c] = persons++
    person[i] = p
  }
  const memberStart = new Int32Array(persons + 1)
  for (let i = 0; i < n; i++) memberStart[person[i]! + 1]!++
  for (let p = 0; p < persons; p++) memberStart[p + 1]! += memberStart[p]!
  const fill = memberStart.slice(0, persons)
  const members = new Int32Array(n)
  for (let i = 0; i < n; i++) members[fill[person[i]!]!++] = i
  const smallestRecord = new Int32Array(persons)
  for (let p = 0; p < persons; p++) {
    const s = memberStart[p]!
    const e = memberStart[p + 1]!
    let best = members[s]!
    for (let k = s + 1; k < e; k++) if (less(members[k]!, best)) best = members[k]!
    smallestRecord[p] = best
  }
  return { size: n, persons, person, memberStart, members, smallestRecord }
}

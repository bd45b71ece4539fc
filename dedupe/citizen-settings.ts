/**
 * Linkage settings for Vietnamese citizen records: the comparisons (with levels chosen for how
 * Vietnamese names, dates and IDs actually get dirty), the blocking rules, the deterministic
 * rules for the prior and the CCCD identity constraint.
 */
import { citizenComparisons, citizenLevels, idDifference, NAME_PART_DIFFERENT, NAME_PART_OTHER_DIACRITICS, NAMED_AS_PARENT } from "./citizen-comparisons.ts"
import { CCCD_WIDTH, type CitizenTable } from "./citizen-table.ts"
import { CITIZEN_U_PRIOR } from "./citizen-u-priors.ts"
import { blockKey, type LinkageSettings, type SortedNeighbourhoodRule } from "./linkage-settings.ts"

type T = CitizenTable

const dateKey = (t: T, i: number) => t.birthYear[i]! * 10000 + t.birthMonth[i]! * 100 + t.birthDay[i]!

/** Records ordered by accent-folded, token-sorted name, then birth year. */
function nameSortOrder(t: T): Int32Array {
  // One sort key per distinct folded name (codes are dense), not one string per record.
  const codeSeen = new Uint8Array(t.folded.size)
  const codes: number[] = []
  const keys: string[] = []
  for (let i = 0; i < t.size; i++) {
    const f = t.fullNameFolded[i]!
    if (f < 0 || codeSeen[f] === 1) continue
    codeSeen[f] = 1
    const lists = t.foldedNameTokens
    const words: string[] = []
    for (let p = lists.offsets[f]!; p < lists.offsets[f + 1]!; p++) words.push(t.folded.values[lists.values[p]!]!)
    codes.push(f)
    keys.push(words.sort().join(" "))
  }
  const byKey = Int32Array.from(codes.keys()).sort((x, y) => (keys[x]! < keys[y]! ? -1 : keys[x]! > keys[y]! ? 1 : 0))
  // Equal keys (the same words in another order) share a rank.
  const rankOfCode = new Int32Array(t.folded.size)
  let rank = -1
  for (let k = 0; k < byKey.length; k++) {
    const x = byKey[k]!
    if (k === 0 || keys[x] !== keys[byKey[k - 1]!]) rank++
    rankOfCode[codes[x]!] = rank
  }
  const idx: number[] = []
  for (let i = 0; i < t.size; i++) if (t.fullNameFolded[i]! >= 0) idx.push(i)
  // Order records by (rank, birth year) with two stable counting sorts.
  const byYear = countingSort(Int32Array.from(idx), (i) => t.comparedBirthYear[i]!, 2200)
  return countingSort(byYear, (i) => rankOfCode[t.fullNameFolded[i]!]!, rank + 1)
}

/** Stable counting sort of record indices by an integer key in [0, range). */
function countingSort(items: Int32Array, key: (i: number) => number, range: number): Int32Array {
  const counts = new Int32Array(range + 1)
  for (const i of items) counts[key(i) + 1]!++
  for (let k = 0; k < range; k++) counts[k + 1]! += counts[k]!
  const out = new Int32Array(items.length)
  for (const i of items) out[counts[key(i)]!++] = i
  return out
}

export const citizenComparisonNames = [
  "surname", "middle_name", "given_name", "birth_date", "gender", "cccd", "cmnd", "hometown", "residence",
  "parents", "phone", "named_as_parent", "cccd_birth_year"
] as const

/**
 * m for small inputs where no session can estimate it: rounded from models trained on the
 * synthetic population (bench/dedupe-quality.ts), with every level kept at 0.002 or more so no
 * single field decides. The strong points: one person's two records almost never have given
 * names that differ only in diacritics (Lan/Lân, Hương/Hường: twins) or two different full
 * birth dates.
 */
export const CITIZEN_PRIOR_M: Readonly<Record<string, readonly number[]>> = {
  surname: [0.8, 0.15, 0.002, 0.03, 0.005, 0.013],
  middle_name: [0.75, 0.12, 0.002, 0.08, 0.03, 0.018],
  given_name: [0.82, 0.12, 0.002, 0.04, 0.005, 0.013],
  birth_date: [0.78, 0.02, 0.12, 0.05, 0.005, 0.025],
  gender: [0.98, 0.02],
  cccd: [0.95, 0.03, 0.01, 0.01],
  cmnd: [0.95, 0.03, 0.01, 0.01],
  hometown: [0.97, 0.03],
  residence: [0.3, 0.3, 0.3, 0.05, 0.02, 0.03],
  parents: [0.6, 0.3, 0.04, 0.02, 0.02, 0.02],
  phone: [0.97, 0.03],
  named_as_parent: [0.005, 0.995],
  cccd_birth_year: [0.97, 0.03]
}

export interface CitizenSettingsOptions {
  /** Window of the sorted-neighbourhood rule on the folded, token-sorted name (default 3). */
  readonly nameWindow?: number
  /** Assumed recall of the deterministic rules (default 0.7). */
  readonly deterministicRecall?: number
}

export function citizenSettings(options: CitizenSettingsOptions = {}): LinkageSettings<T> {
  const fullDate = (t: T, i: number) => (t.birthMonth[i]! > 0 ? dateKey(t, i) : -1)
  const year = (t: T, i: number) => (t.comparedBirthYear[i]! > 0 ? t.comparedBirthYear[i]! : -1)
  const sortedName: SortedNeighbourhoodRule<T> = {
    kind: "sorted-neighbourhood",
    name: "sorted neighbourhood: folded token-sorted name",
    deactivates: ["surname", "middle_name", "given_name"],
    train: false,
    window: options.nameWindow ?? 3,
    order: nameSortOrder
  }
  return {
    comparisons: citizenComparisons,
    levels: citizenLevels,
    blockingRules: [
      { kind: "key", name: "cccd", deactivates: ["cccd"], key: (t, i) => (t.cccd[i]! >= 0 ? t.cccd[i]! : NaN) },
      { kind: "key", name: "cmnd", deactivates: ["cmnd"], key: (t, i) => (t.cmnd[i]! >= 0 ? t.cmnd[i]! : NaN) },
      // A personal phone number: catches the records whose name and ID are both mistyped.
      { kind: "key", name: "phone", deactivates: ["phone"], train: false, key: (t, i) => (t.phone[i]! >= 0 ? t.phone[i]! : NaN) },
      {
        kind: "key",
        name: "cccd prefix + given name + surname + middle initial",
        deactivates: ["cccd", "given_name", "surname", "birth_date", "gender"],
        train: false,
        key: (t, i) => blockKey(t.cccdPrefix[i]!, t.givenFolded[i]!, t.surnameFolded[i]!, t.middleInitial[i]!)
      },
      {
        kind: "key",
        name: "birth date + given name",
        deactivates: ["birth_date", "given_name"],
        key: (t, i) => blockKey(fullDate(t, i), t.givenFolded[i]!)
      },
      {
        // The full folded name, not surname + given + middle initial: blocks of common names
        // born one year grow with the square of the population; the middle-name variants are
        // caught by the commune and hometown rules below.
        kind: "key",
        name: "birth year + full name",
        deactivates: ["birth_date", "surname", "given_name", "middle_name"],
        train: false,
        key: (t, i) => blockKey(year(t, i), t.fullNameFolded[i]!)
      },
      {
        // Sparse records (name and year, no ID) with a dropped or misspelt middle name.
        kind: "key",
        name: "birth year + surname + given name + commune",
        deactivates: ["birth_date", "surname", "given_name", "residence"],
        train: false,
        key: (t, i) => blockKey(year(t, i), t.givenFolded[i]!, t.surnameFolded[i]!, t.residenceCommune[i]!)
      },
      {
        kind: "key",
        name: "birth year + surname + given name + hometown",
        deactivates: ["birth_date", "surname", "given_name", "hometown"],
        train: false,
        key: (t, i) => blockKey(year(t, i), t.givenFolded[i]!, t.surnameFolded[i]!, t.hometown[i]!)
      },
      {
        // Missing or mistyped birth year: the same full name in the same commune.
        kind: "key",
        name: "full name + commune",
        deactivates: ["surname", "given_name", "middle_name", "residence"],
        train: false,
        key: (t, i) => blockKey(t.fullNameFolded[i]!, t.residenceCommune[i]!)
      },
      {
        // Missing birth date and no commune: the same full name and hometown.
        kind: "key",
        name: "full name + hometown",
        deactivates: ["surname", "given_name", "middle_name", "hometown"],
        train: false,
        key: (t, i) => blockKey(t.fullNameFolded[i]!, t.hometown[i]!)
      },
      {
        // A typo in any name part: the same full birth date in the same commune.
        kind: "key",
        name: "birth date + commune",
        deactivates: ["birth_date", "residence"],
        train: false,
        key: (t, i) => blockKey(fullDate(t, i), t.residenceCommune[i]!)
      },
      {
        kind: "key",
        name: "birth date + hometown",
        deactivates: ["birth_date", "hometown"],
        train: false,
        key: (t, i) => blockKey(fullDate(t, i), t.hometown[i]!)
      },
      {
        kind: "key",
        name: "father + mother + birth year",
        deactivates: ["parents", "birth_date"],
        train: false,
        key: (t, i) => blockKey(t.fatherFolded[i]!, t.motherFolded[i]!, year(t, i))
      },
      {
        // A parent's name and the given name do not change; a typo in the surname or middle
        // name, or a record without a birth year, escapes the rules above. Siblings share the
        // parents but not the given name, so the blocks stay small.
        kind: "key",
        name: "given name + father",
        deactivates: ["given_name", "parents"],
        train: false,
        key: (t, i) => blockKey(t.givenFolded[i]!, t.fatherFolded[i]!)
      },
      {
        kind: "key",
        name: "given name + mother",
        deactivates: ["given_name", "parents"],
        train: false,
        key: (t, i) => blockKey(t.givenFolded[i]!, t.motherFolded[i]!)
      },
      sortedName
    ],
    deterministicRules: [
      {
        name: "same valid CCCD",
        holds: (t, a, b) => t.cccd[a]! >= 0 && t.cccd[a] === t.cccd[b] && t.cccdValid[a] === 1 && t.cccdValid[b] === 1
      },
      {
        name: "same name, full birth date, gender and a parent",
        holds: (t, a, b) =>
          t.fullNameFolded[a]! >= 0 &&
          t.fullNameFolded[a] === t.fullNameFolded[b] &&
          fullDate(t, a) >= 0 &&
          fullDate(t, a) === fullDate(t, b) &&
          t.gender[a] === t.gender[b] &&
          ((t.fatherFolded[a]! >= 0 && t.fatherFolded[a] === t.fatherFolded[b]) ||
            (t.motherFolded[a]! >= 0 && t.motherFolded[a] === t.motherFolded[b]))
      }
    ],
    deterministicRecall: options.deterministicRecall ?? 0.7,
    measureDeterministicRecall: true,
    uWithoutMatches: true,
    priorM: CITIZEN_PRIOR_M,
    priorU: CITIZEN_U_PRIOR,
    exclusions: [
      {
        // A given name (tên) does not change; siblings and twins share everything else.
        name: "given names entirely different (not a typo, accent variant or reordering)",
        comparison: "given_name",
        level: NAME_PART_DIFFERENT,
        unlessExact: ["cccd", "cmnd", "phone"]
      },
      {
        // Diacritics make Vietnamese names: Hương and Hường, Lan and Lân are different names,
        // and twins get such pairs. Two records that both carry diacritics and spell the given
        // name with different ones are two people, however much else (parents, birth date,
        // address) agrees; a record typed without diacritics is not affected.
        name: "given names with the same letters but different diacritics, both written with diacritics",
        comparison: "given_name",
        level: NAME_PART_OTHER_DIACRITICS,
        unlessExact: ["cccd", "cmnd", "phone"]
      },
      {
        name: "one record names the other as its parent (father and son of the same name)",
        comparison: "named_as_parent",
        level: NAMED_AS_PARENT,
        unlessExact: ["cccd", "cmnd"]
      }
    ],
    contradictionUnlessExact: ["cccd", "cmnd", "phone"],
    reviewContradictingPairs: true,
    precisionSample: {
      // Two records that both hold a valid CCCD, compared on everything but their ID numbers
      // (and the birth year read from the CCCD): the same CCCD says whether they are one person.
      hidden: ["cccd", "cmnd", "cccd_birth_year"],
      holds: (t, i) => t.cccdValid[i] === 1,
      same: (t, a, b) => idDifference(t.cccd[a]!, t.cccd[b]!, CCCD_WIDTH) < 3
    },
    identity: {
      name: "valid CCCD",
      // The code is the index of a record holding the identity (IDs are numbers, not codes).
      code: (t, i) => (t.cccdValid[i] === 1 ? i : -1),
      compatible: (t, x, y) => x === y || idDifference(t.cccd[x]!, t.cccd[y]!, CCCD_WIDTH) < 3
    }
  }
}

/**
 * Reference u for Vietnamese citizen records: how often two records of DIFFERENT people reach
 * each comparison level (levels as in citizen-comparisons.ts), worked out from what is known
 * about the population rather than measured on an input. Blended with the input's own random
 * pairs (u-priors.ts), they decide on inputs of a few records and fade out by a few thousand.
 *
 * The reference is a register of one province. None of these may sit far above the true u of
 * a level: the prior is a fixed number of pairs, and for a level that random pairs almost
 * never reach (two people at the same address) a reference a hundred times too high would
 * still outweigh the input's few pairs there at 400,000 pairs (measured: residence levels set
 * "on the safe side" at 0.05–0.2 cost 0.0005 of recall on 40,000 records).
 */
import type { UPrior } from "./u-priors.ts"

/**
 * Published surname shares (Lê Trung Hoa's survey, as cited by most references: Nguyễn 38.4 %,
 * Trần 12.1 %, Lê 9.5 %, Phạm 7.0 %, Hoàng/Huỳnh 5.1 %, Phan 4.5 %, Vũ/Võ 3.9 %, …), by the
 * accent-folded surname; the pairs Hoàng/Huỳnh and Vũ/Võ are split as the regions are. The
 * rest (~7 %) is hundreds of rarer surnames and adds next to nothing to the sum of squares.
 */
const SURNAME_SHARES: Readonly<Record<string, number>> = {
  nguyen: 0.384, tran: 0.121, le: 0.095, pham: 0.07, hoang: 0.03, huynh: 0.021, phan: 0.045, vu: 0.02, vo: 0.019,
  dang: 0.021, bui: 0.02, do: 0.014, ho: 0.013, ngo: 0.013, duong: 0.01, ly: 0.005
}

/** Chance that two random people share a surname (folded): the sum of squared shares, ~0.18. */
export const SAME_SURNAME = Object.values(SURNAME_SHARES).reduce((s, p) => s + p * p, 0)
/**
 * Middle names: Văn for ~40 % of men, Thị for ~50 % of women, the rest spread (Đức, Minh,
 * Ngọc, Thu …). Within one gender the sum of squares is ~0.18 (men) and ~0.26 (women), two
 * random people are of one gender half the time, and a few middle names are shared across:
 * ~0.11.
 */
const SAME_MIDDLE = 0.11
/**
 * Given names are many: the commonest (Anh, Linh, Hương, Trang, Hùng …) hold 3–5 % of one
 * gender each; within a gender the sum of squares is ~0.02, across genders only the unisex
 * names (Anh, Minh, Thanh …) meet: ~0.011.
 */
const SAME_GIVEN = 0.011
/**
 * Records typed without diacritics (old systems, ASCII forms): taken as one in five. Two
 * records with the same name are then at "exact" when both or neither carry diacritics,
 * otherwise at "one typed without diacritics".
 */
const WITHOUT_DIACRITICS = 0.2
const BOTH_ALIKE = (1 - WITHOUT_DIACRITICS) ** 2 + WITHOUT_DIACRITICS ** 2

/** Birth years spread over ~60 years of living adults and children; one record in ten has the year only. */
const SAME_YEAR = 1 / 60
const FULL_DATES = 0.9 ** 2

/** The levels 1..L of a comparison, the last ("different") taking what the others leave. */
const withRest = (...levels: number[]): number[] => [...levels, 1 - levels.reduce((s, x) => s + x, 0)]

const nameLevels = (same: number, otherDiacritics: number, similar: number, elsewhere: number) =>
  withRest(same * BOTH_ALIKE, same * (1 - BOTH_ALIKE), otherDiacritics, similar, elsewhere)

export const CITIZEN_PRIOR_U: Readonly<Record<string, readonly number[]>> = {
  // Đoàn/Doãn-like pairs are rare (0.4 % × 0.1 % × 2); similar spellings (one typo) and a
  // surname that is the other's middle name (Hoàng, Lê) less so.
  surname: nameLevels(SAME_SURNAME, 2e-5, 0.02, 0.005),
  // exact, no diacritics, other diacritics, one has no middle name, contains/similar, different.
  middle_name: withRest(SAME_MIDDLE * BOTH_ALIKE, SAME_MIDDLE * (1 - BOTH_ALIKE), 0.002, 0.08, 0.03),
  // Short names are often one letter apart (Linh/Minh, Lan/Loan), and a given name is often
  // someone else's middle name (Minh, Thanh, Ngọc).
  given_name: nameLevels(SAME_GIVEN, 0.001, 0.03, 0.01),
  // exact, day and month swapped, same year with the year only, one typo or a day off, same year, different.
  birth_date: withRest(FULL_DATES * SAME_YEAR / 365, FULL_DATES * SAME_YEAR * 1e-4, (1 - FULL_DATES) * SAME_YEAR, 5e-4, FULL_DATES * SAME_YEAR * 0.97),
  gender: [0.5, 0.5],
  // Two people share an ID number only by a data error; one digit apart within a province's
  // and birth year's block of numbers is rare too.
  cccd: withRest(1e-8, 1e-6, 2e-7),
  cmnd: withRest(1e-8, 1e-5, 1e-6),
  // Hometown codes spread over a province's communes and the provinces people moved from;
  // taken as one in ten for a register of one province, on the high side.
  hometown: [0.1, 0.9],
  // A province has a hundred or two communes: two people share one about once in a hundred
  // pairs, mostly at another hamlet or house number; address words (xã, huyện, the district's
  // name) are shared far more often.
  residence: withRest(0.004, 0.002, 0.001, 0.03, 0.1),
  // Siblings share both parents' names: two in a commune of a few thousand. Parents' names
  // with the same surname and given name and another middle name are common (Nguyễn Văn
  // Hùng, Nguyễn Đức Hùng).
  parents: withRest(1e-4, 5e-4, 1e-4, 0.03, 0.002),
  // A phone shared by a household.
  phone: withRest(1e-4),
  named_as_parent: withRest(1e-4),
  cccd_birth_year: withRest(SAME_YEAR)
}

/**
 * The prior for citizen settings. Worth 500 random pairs: it decides on a handful of records
 * (a CCCD shared by two of four records counts ~8 bits instead of 0.9), has a tenth of the say
 * at 100 records (4,950 pairs) and about 1 % at 300, and nothing left to say at scale (400,000
 * pairs drawn: bench/dedupe-quality.ts 20000 gives the same precision and recall as without it,
 * where 1,000 pairs still cost 4 true pairs on seed 23). Term-frequency adjustments count half
 * at 100 records.
 */
export const CITIZEN_U_PRIOR: UPrior = { u: CITIZEN_PRIOR_U, pairs: 500, termFrequencyRecords: 100 }

/**
 * Realistic Vietnamese people: names drawn with real surname frequencies, middle and given names
 * by gender, birth dates, 12-digit CCCD numbers (birth province + gender/century + birth year +
 * 6 digits), old 9-digit CMND numbers for older people, mobile numbers and hamlets.
 */
import { cleanText } from "../text/vietnamese.ts"
import { CCCD_PROVINCE_PREFIXES } from "../mappings/field-decoders.ts"
import { type Random, WeightedChoice } from "./random.ts"

/** Approximate shares of Vietnamese surnames (họ), in percent; the rest share the remainder. */
const SURNAMES: readonly (readonly [string, number])[] = [
  ["Nguyễn", 38], ["Trần", 11], ["Lê", 9.5], ["Phạm", 7], ["Hoàng", 3.3], ["Huỳnh", 2.8], ["Phan", 4.5], ["Vũ", 2],
  ["Võ", 2.5], ["Đặng", 2.1], ["Bùi", 2], ["Đỗ", 1.4], ["Hồ", 1.3], ["Ngô", 1.3], ["Dương", 1], ["Lý", 0.5],
  ["Trương", 1], ["Đinh", 0.8], ["Lâm", 0.5], ["Mai", 0.5], ["Cao", 0.4], ["Châu", 0.3], ["Tô", 0.3], ["Lưu", 0.2],
  ["Thái", 0.2], ["Tạ", 0.2], ["Triệu", 0.2], ["Quách", 0.1], ["Kiều", 0.1], ["La", 0.1]
]

const MIDDLE_MALE: readonly (readonly [string, number])[] = [
  ["Văn", 40], ["Hữu", 6], ["Đức", 6], ["Minh", 7], ["Quốc", 5], ["Thành", 4], ["Công", 4], ["Thanh", 4], ["Hoàng", 3],
  ["Ngọc", 3], ["Xuân", 3], ["Đình", 4], ["Quang", 4], ["Tấn", 3], ["Trọng", 2], ["Gia", 2]
]
const MIDDLE_FEMALE: readonly (readonly [string, number])[] = [
  ["Thị", 50], ["Ngọc", 7], ["Thu", 5], ["Thanh", 5], ["Kim", 5], ["Mỹ", 4], ["Bích", 3], ["Hồng", 3], ["Phương", 3],
  ["Thùy", 3], ["Minh", 3], ["Diệu", 2], ["Bảo", 2], ["Khánh", 2]
]
const GIVEN_MALE = [
  "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hùng", "Huy", "Khang", "Khánh", "Long", "Minh", "Nam", "Nghĩa", "Phúc",
  "Phong", "Quân", "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Tiến", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh",
  "Hòa", "Hoàng", "Lộc", "Tâm", "Thuận", "Hiếu", "Kiên", "Lâm", "Ân", "Bảo", "Duy", "Hiển", "Lực", "Nhân", "Tú"
]
const GIVEN_FEMALE = [
  "Anh", "Ánh", "Châu", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hòa", "Hồng", "Hương", "Huyền",
  "Lan", "Linh", "Loan", "Mai", "My", "Ngân", "Ngọc", "Nhung", "Nhi", "Oanh", "Phương", "Quyên", "Quỳnh", "Tâm", "Thảo", "Thơ",
  "Thủy", "Trang", "Trâm", "Tuyết", "Uyên", "Vân", "Vy", "Yến", "Ái"
]

const clean = (entries: readonly (readonly [string, number])[]) => entries.map(([n, w]) => [cleanText(n), w] as const)
const surnames = new WeightedChoice(clean(SURNAMES))
const middleMale = new WeightedChoice(clean(MIDDLE_MALE))
const middleFemale = new WeightedChoice(clean(MIDDLE_FEMALE))
const givenMale = GIVEN_MALE.map(cleanText)
const givenFemale = GIVEN_FEMALE.map(cleanText)

export type Sex = "M" | "F"

export interface PersonName {
  readonly surname: string
  readonly middle: string
  readonly given: string
}

export const fullNameOf = (n: PersonName): string => `${n.surname} ${n.middle} ${n.given}`

export const drawName = (random: Random, sex: Sex, surname?: string): PersonName => ({
  surname: surname ?? surnames.pick(random),
  middle: (sex === "M" ? middleMale : middleFemale).pick(random),
  given: random.pick(sex === "M" ? givenMale : givenFemale)
})

/** The day every "today" of the synthetic world is: the last day before the merger. */
export const WORLD_TODAY = { year: 2025, month: 6, day: 30 } as const

export interface CalendarDate {
  readonly year: number
  readonly month: number
  readonly day: number
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
export const daysInMonth = (year: number, month: number): number =>
  month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0) ? 29 : DAYS[month - 1]!

export const drawDateInYear = (random: Random, year: number): CalendarDate => {
  const month = year === WORLD_TODAY.year ? random.between(1, WORLD_TODAY.month) : random.between(1, 12)
  return { year, month, day: random.between(1, daysInMonth(year, month)) }
}

/** Days since 1970-01-01 of a calendar date, and back: date arithmetic without the clock or a time zone. */
export const dayNumber = (d: CalendarDate): number => Date.UTC(d.year, d.month - 1, d.day) / 86_400_000
export const fromDayNumber = (n: number): CalendarDate => {
  const t = new Date(n * 86_400_000)
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() }
}
export const addDays = (d: CalendarDate, days: number): CalendarDate => fromDayNumber(dayNumber(d) + days)
export const isoOf = (d: CalendarDate): string =>
  `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`
export const dmyOf = (d: CalendarDate): string =>
  `${String(d.day).padStart(2, "0")}/${String(d.month).padStart(2, "0")}/${String(d.year).padStart(4, "0")}`

/** Age in whole years on WORLD_TODAY, drawn from a population pyramid that thins out after 60. */
export const drawAge = (random: Random): number => {
  const r = random.next()
  if (r < 0.24) return random.between(0, 14)
  if (r < 0.62) return random.between(15, 39)
  if (r < 0.87) return random.between(40, 59)
  if (r < 0.97) return random.between(60, 79)
  return random.between(80, 95)
}

/** Province-of-birth codes that may open a CCCD. */
export const CCCD_PROVINCES: readonly string[] = [...CCCD_PROVINCE_PREFIXES].map((p) => p.slice(1)).sort()

/** A structurally valid CCCD for someone born in `birthProvince` (old 2-digit code) in `birthYear`. */
export const drawCccd = (random: Random, birthProvince: string, sex: Sex, birthYear: number): string => {
  const province = CCCD_PROVINCE_PREFIXES.has(`0${birthProvince}`) ? birthProvince : random.pick(CCCD_PROVINCES)
  const centuryBase = birthYear >= 2000 ? 2 : 0
  const gender = centuryBase + (sex === "F" ? 1 : 0)
  return `0${province}${gender}${String(birthYear % 100).padStart(2, "0")}${random.digits(6)}`
}

/** A 9-digit CMND (the old ID card, still held by many people born before 1970). */
export const drawCmnd = (random: Random): string => `${random.between(1, 38)}`.padStart(2, "0") + random.digits(7)

const MOBILE_PREFIXES = [
  "090", "091", "093", "094", "096", "097", "098", "086", "032", "033", "034", "035", "036", "037", "038", "039", "070",
  "076", "077", "078", "079", "081", "082", "083", "084", "085", "088", "056", "058", "059"
]
export const drawMobile = (random: Random): string => random.pick(MOBILE_PREFIXES) + random.digits(7)

const HAMLET_NAMES = ["Đông", "Tây", "Nam", "Bắc", "Trung", "Phú Hòa", "Long Thạnh", "Bình An", "Tân Lập", "Mỹ Phước", "Vĩnh Lợi", "Hòa Bình"]

/** A hamlet / village / neighbourhood name fitting the commune type and region. */
export const drawHamlet = (random: Random, communeName: string, southern: boolean): string => {
  const urban = communeName.startsWith("Phường") || communeName.startsWith("Thị trấn")
  const kind = urban ? (southern ? "Khóm" : "Tổ dân phố") : southern ? "Ấp" : random.pick(["Thôn", "Xóm"])
  return random.chance(0.6) ? `${kind} ${random.between(1, 12)}` : `${kind} ${random.pick(HAMLET_NAMES)}`
}

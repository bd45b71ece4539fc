/**
 * A synthetic Vietnamese population with ground truth, for benchmarks and tests: households
 * (parents, children, twins), realistic surname/middle/given-name frequencies, CCCD/CMND with the
 * real layout, several source systems per person and the dirt real registers carry (no
 * diacritics, old tone placement, case, spacing, NFD, typos, year-only and swapped dates, lost
 * leading zeros, missing fields). Hard negatives are built in: namesakes born the same year in
 * the same commune, twins with near-identical names, sons named after their fathers.
 */
import { foldAccents } from "../text/vietnamese.ts"
import type { CitizenRecord } from "./citizen-record.ts"
import { seededRandom } from "./linkage-settings.ts"

type Weighted = readonly (readonly [string, number])[]

const SURNAMES: Weighted = [
  ["Nguyễn", 38], ["Trần", 11], ["Lê", 9.5], ["Phạm", 7.1], ["Hoàng", 3.1], ["Huỳnh", 2.0], ["Phan", 4.5],
  ["Vũ", 2.0], ["Võ", 1.9], ["Đặng", 2.1], ["Bùi", 2.0], ["Đỗ", 1.4], ["Hồ", 1.3], ["Ngô", 1.3], ["Dương", 1.0],
  ["Lý", 0.5], ["Đào", 0.4], ["Đoàn", 0.4], ["Doãn", 0.1], ["Vương", 0.2], ["Trịnh", 0.4], ["Trương", 0.4],
  ["Lâm", 0.3], ["Mai", 0.3], ["Lương", 0.3], ["Tạ", 0.2], ["Hà", 0.3], ["Cao", 0.3], ["Đinh", 0.4], ["Tô", 0.1],
  ["Châu", 0.1], ["Quách", 0.1], ["Lưu", 0.2], ["Kiều", 0.1], ["Thái", 0.1], ["La", 0.05], ["Lục", 0.05],
  ["Tôn Thất", 0.03], ["Âu Dương", 0.02], ["Khổng", 0.03], ["Triệu", 0.1], ["Nghiêm", 0.05], ["Chu", 0.1]
]
const MIDDLE_M: Weighted = [
  ["Văn", 40], ["Hữu", 6], ["Đức", 7], ["Minh", 7], ["Quốc", 5], ["Thanh", 4], ["Công", 4], ["Xuân", 3], ["Ngọc", 3],
  ["Đình", 4], ["Trọng", 3], ["Hoàng", 2], ["Anh", 2], ["Quang", 3], ["Tuấn", 1], ["Gia", 2], ["Thành", 2], ["Bá", 1],
  ["Mạnh", 1], ["Duy", 2], ["Văn Minh", 0.5], ["Hoài", 1], ["Tiến", 1], ["Khắc", 0.5]
]
const MIDDLE_F: Weighted = [
  ["Thị", 50], ["Ngọc", 6], ["Thu", 5], ["Thanh", 4], ["Minh", 3], ["Kim", 3], ["Thúy", 2], ["Hồng", 3], ["Phương", 2],
  ["Mai", 2], ["Bích", 2], ["Hoài", 1], ["Thùy", 2], ["Khánh", 1], ["Diệu", 1], ["Ánh", 1], ["Thị Thu", 1], ["Thị Ngọc", 1],
  ["Quỳnh", 1], ["Hải", 1]
]
const GIVEN_M: Weighted = [
  ["Anh", 5], ["Hùng", 4], ["Dũng", 4], ["Tuấn", 4], ["Minh", 4], ["Nam", 3], ["Hải", 3], ["Long", 3], ["Sơn", 3],
  ["Thắng", 3], ["Cường", 3], ["Hoàng", 2], ["Huy", 3], ["Khánh", 2], ["Phong", 2], ["Quang", 2], ["Thành", 3],
  ["Trung", 3], ["Tùng", 2], ["Việt", 2], ["Bình", 2], ["Hiếu", 2], ["Hưng", 2], ["Kiên", 1], ["Lâm", 1], ["Lộc", 1],
  ["Phúc", 2], ["Quân", 2], ["Tài", 1], ["Thịnh", 1], ["Toàn", 1], ["Trí", 1], ["Vinh", 2], ["Vũ", 1], ["Đạt", 2],
  ["Đức", 2], ["Hiệp", 1], ["Hòa", 1], ["Khoa", 1], ["Nghĩa", 1], ["Nhân", 1], ["Phát", 1], ["Tâm", 1], ["Thanh", 1],
  ["Thiện", 1], ["Tiến", 1], ["Duy", 1], ["Hậu", 1], ["Khôi", 1], ["Lực", 0.5], ["Tú", 1], ["Tân", 1], ["Tấn", 0.5],
  ["Thái", 0.5], ["Thuận", 0.5], ["Chiến", 1], ["Công", 0.5], ["Định", 0.5], ["Giang", 0.5], ["Hào", 0.5], ["Hảo", 0.3],
  ["Kha", 0.3], ["Luân", 0.5], ["Mạnh", 1], ["Ngọc", 0.5], ["Nhật", 0.5], ["Phú", 0.5], ["Quý", 0.5], ["Sang", 0.5],
  ["Thông", 0.5], ["Trọng", 0.5], ["Trường", 1], ["Tuyên", 0.3], ["Tường", 0.3], ["Uy", 0.2], ["Văn", 0.2], ["Xuân", 0.3], ["Ân", 0.2], ["An", 1]
]
const GIVEN_F: Weighted = [
  ["Anh", 4], ["Hương", 4], ["Hường", 1], ["Lan", 3], ["Linh", 4], ["Mai", 3], ["Ngọc", 2], ["Nhung", 2], ["Phương", 3],
  ["Thảo", 3], ["Trang", 4], ["Hà", 3], ["Hạnh", 2], ["Hằng", 3], ["Hoa", 2], ["Hòa", 1], ["Huyền", 3], ["Lệ", 1],
  ["Liên", 1], ["Loan", 2], ["My", 1], ["Nga", 2], ["Ngân", 2], ["Nhi", 2], ["Oanh", 1], ["Quỳnh", 2], ["Tâm", 1],
  ["Thanh", 2], ["Thu", 2], ["Thủy", 2], ["Thúy", 2], ["Trâm", 1], ["Uyên", 1], ["Vân", 2], ["Yến", 2], ["Hiền", 2],
  ["Diệp", 0.5], ["Dung", 2], ["Duyên", 1], ["Giang", 1], ["Hồng", 2], ["Lý", 0.5], ["Ly", 1], ["Lụa", 0.3], ["Tuyết", 1],
  ["Xuân", 1], ["Chi", 1], ["Châu", 0.5], ["Bích", 0.5], ["Ánh", 1], ["Ngà", 0.5], ["Nguyệt", 1], ["Trinh", 1],
  ["Vy", 1], ["Thư", 1], ["Hậu", 0.5], ["Hân", 0.5], ["Hạ", 0.3], ["Diễm", 0.5], ["Kiều", 0.5], ["Lành", 0.3],
  ["Lựu", 0.2], ["Mơ", 0.3], ["Nhàn", 0.5], ["Phượng", 1], ["Quyên", 0.5], ["Sen", 0.3], ["Thoa", 0.5], ["Thơm", 0.3], ["Tươi", 0.3], ["An", 0.5]
]

/** Given names that twins get in pairs (often the same letters with other diacritics). */
const TWIN_NAMES: readonly (readonly [string, string])[] = [
  ["Hương", "Hường"], ["Thủy", "Thúy"], ["Long", "Phụng"], ["Tâm", "Tầm"], ["Lan", "Lân"], ["Hà", "Hạ"], ["Minh", "Mẫn"],
  ["Đức", "Đạt"], ["Phúc", "Lộc"], ["An", "Ân"], ["Hoa", "Hòa"]
]

const HAMLET_PREFIX = ["Thôn", "Xóm", "Tổ dân phố", "Khu"]
const PROVINCES = [
  { name: "Hưng Yên", cccd: "033", districts: ["Văn Giang", "Khoái Châu", "Văn Lâm", "Mỹ Hào", "Ân Thi", "Kim Động"] },
  { name: "Thái Bình", cccd: "034", districts: ["Đông Hưng", "Hưng Hà", "Quỳnh Phụ", "Thái Thụy", "Tiền Hải", "Vũ Thư"] }
]
const OTHER_BIRTH_PROVINCES = ["001", "030", "031", "035", "036", "037", "038", "079", "022", "019"]
const COMMUNE_WORDS = ["Tân", "An", "Hòa", "Phú", "Đông", "Tây", "Nam", "Bắc", "Minh", "Hưng", "Thịnh", "Quang", "Đức", "Bình", "Thuận", "Lạc", "Vĩnh", "Trung", "Hồng", "Long"]

export interface SyntheticPopulationOptions {
  /** Number of distinct persons (the record count is about 1.8 times this). */
  readonly persons: number
  readonly seed?: number
}

export interface SyntheticPopulation {
  readonly records: CitizenRecord[]
  /** Ground truth: the person behind each record (same order as records). */
  readonly personIds: string[]
}

interface Person {
  id: number
  surname: string
  middle: string
  given: string
  gender: "M" | "F"
  year: number
  month: number
  day: number
  cccd?: string
  cmnd?: string
  father?: string
  mother?: string
  hometown: string
  commune: string
  communeName: string
  provinceIndex: number
  district: string
  hamlet: string
  phone?: string
}

export function generatePopulation(options: SyntheticPopulationOptions): SyntheticPopulation {
  const rnd = seededRandom(options.seed ?? 7)
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1))
  const chance = (p: number) => rnd() < p
  const pickOf = (list: readonly string[]) => list[Math.floor(rnd() * list.length)]!
  const sampler = (w: Weighted) => {
    const cum = new Float64Array(w.length)
    let s = 0
    w.forEach(([, x], i) => (cum[i] = s += x))
    return () => {
      const r = rnd() * s
      let lo = 0
      let hi = cum.length - 1
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (cum[mid]! < r) lo = mid + 1
        else hi = mid
      }
      return w[lo]![0]
    }
  }
  const surname = sampler(SURNAMES)
  const middle = { M: sampler(MIDDLE_M), F: sampler(MIDDLE_F) }
  const given = { M: sampler(GIVEN_M), F: sampler(GIVEN_F) }
  const usedIds = new Set<string>()
  const uniqueDigits = (prefix: string, length: number) => {
    for (;;) {
      let s = prefix
      while (s.length < length) s += String(int(0, 9))
      if (!usedIds.has(s)) {
        usedIds.add(s)
        return s
      }
    }
  }
  // Communes: ~ persons / 800 per population, at least 20.
  const communeCount = Math.max(20, Math.round(options.persons / 800))
  const communes = Array.from({ length: communeCount }, (_, k) => {
    const p = k % PROVINCES.length
    return {
      code: String(10000 + k * 3).padStart(5, "0"),
      name: `${pickOf(COMMUNE_WORDS)} ${pickOf(COMMUNE_WORDS)}`,
      provinceIndex: p,
      district: pickOf(PROVINCES[p]!.districts)
    }
  })
  const hometowns = Array.from({ length: Math.max(30, communeCount * 2) }, (_, k) => String(20000 + k * 7).padStart(5, "0"))
  const persons: Person[] = []
  const fullName = (p: Pick<Person, "surname" | "middle" | "given">) => [p.surname, p.middle, p.given].filter((x) => x).join(" ")
  const makePerson = (base: Partial<Person> & Pick<Person, "gender" | "year" | "commune" | "communeName" | "provinceIndex" | "district" | "hamlet" | "hometown">): Person => {
    const p: Person = {
      id: persons.length,
      surname: base.surname ?? surname(),
      middle: base.middle ?? middle[base.gender](),
      given: base.given ?? given[base.gender](),
      month: base.month ?? int(1, 12),
      day: base.day ?? int(1, 28),
      ...base
    } as Person
    const birthProvince = chance(0.85) ? PROVINCES[p.provinceIndex]!.cccd : pickOf(OTHER_BIRTH_PROVINCES)
    const cg = (p.year >= 2000 ? 2 : 0) + (p.gender === "F" ? 1 : 0)
    if (p.year <= 2012 || chance(0.3)) p.cccd = uniqueDigits(birthProvince + cg + String(p.year % 100).padStart(2, "0"), 12)
    if (p.year < 1998 && chance(0.7)) p.cmnd = uniqueDigits(PROVINCES[p.provinceIndex]!.cccd.slice(1) , 9)
    if (p.year < 2008 && chance(0.6)) p.phone = "09" + uniqueDigits("", 8)
    persons.push(p)
    return p
  }
  // Households until enough persons.
  while (persons.length < options.persons) {
    const c = communes[Math.floor(rnd() * communes.length)]!
    const place = {
      commune: c.code,
      communeName: c.name,
      provinceIndex: c.provinceIndex,
      district: c.district,
      hamlet: `${pickOf(HAMLET_PREFIX)} ${int(1, 12)}`,
      hometown: chance(0.8) ? pickOf(hometowns.slice(0, 40)) : pickOf(hometowns)
    }
    const fatherYear = int(1940, 1990)
    const father = makePerson({ ...place, gender: "M", year: fatherYear })
    const mother = makePerson({ ...place, gender: "F", year: fatherYear + int(-2, 6) })
    const kids = int(0, 4)
    let k = 0
    while (k < kids && persons.length < options.persons) {
      const gender: "M" | "F" = chance(0.5) ? "M" : "F"
      const year = Math.min(2024, fatherYear + int(20, 38))
      const parents = { father: fullName(father), mother: fullName(mother) }
      if (chance(0.04) && k + 1 < kids) {
        // Twins: same parents and birth date, names often a diacritic apart.
        const [n1, n2] = pickOf(TWIN_NAMES.map((x) => x.join("|"))).split("|") as [string, string]
        const g2: "M" | "F" = chance(0.6) ? gender : gender === "M" ? "F" : "M"
        const mid = middle[gender]()
        const t1 = makePerson({ ...place, ...parents, surname: father.surname, gender, year, middle: mid, given: n1 })
        makePerson({ ...place, ...parents, surname: father.surname, gender: g2, year, month: t1.month, day: t1.day, middle: chance(0.7) ? mid : middle[g2](), given: n2 })
        k += 2
        continue
      }
      if (gender === "M" && chance(0.03))
        makePerson({ ...place, ...parents, surname: father.surname, middle: father.middle, given: father.given, gender, year })
      else makePerson({ ...place, ...parents, surname: father.surname, gender, year })
      k++
    }
    // Namesake in the same commune, same birth year (common names collide).
    if (chance(0.05) && persons.length < options.persons) {
      const model = persons[persons.length - 1]!
      makePerson({ ...place, surname: model.surname, middle: model.middle, given: model.given, gender: model.gender, year: model.year, hamlet: `${pickOf(HAMLET_PREFIX)} ${int(1, 12)}` })
    }
  }
  persons.length = options.persons

  // Records.
  const SOURCES = ["hy-tthc", "hy-hotich", "tb-tthc", "tb-hotich"]
  const records: CitizenRecord[] = []
  const personIds: string[] = []
  let serial = 0
  for (const p of persons) {
    const r = rnd()
    const copies = r < 0.42 ? 1 : r < 0.72 ? 2 : r < 0.88 ? 3 : r < 0.96 ? 4 : 5
    for (let c = 0; c < copies; c++) {
      const source = c === 0 ? SOURCES[p.provinceIndex * 2 + (chance(0.5) ? 1 : 0)]! : pickOf(SOURCES)
      const civil = source.endsWith("hotich")
      records.push(dirtyRecord(p, `R${(serial++).toString(36).toUpperCase()}`, source, civil))
      personIds.push(`P${p.id}`)
    }
  }
  // Shuffle so duplicates are not adjacent.
  for (let i = records.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1))
    ;[records[i], records[j]] = [records[j]!, records[i]!]
    ;[personIds[i], personIds[j]] = [personIds[j]!, personIds[i]!]
  }
  return { records, personIds }

  function dirtyName(name: string): string {
    let s = name
    if (chance(0.02)) {
      // Typo: drop, double or substitute one letter of one word.
      const chars = [...s]
      const pos = int(1, chars.length - 1)
      const op = int(0, 2)
      if (chars[pos] !== " ") {
        if (op === 0) chars.splice(pos, 1)
        else if (op === 1) chars.splice(pos, 0, chars[pos]!)
        else chars[pos] = pickOf(["a", "n", "h", "o", "u", "i"])
      }
      s = chars.join("")
    }
    if (chance(0.1)) s = foldAccents(s)
    else if (chance(0.1)) s = s.replace(/Hòa/g, "Hoà").replace(/Thủy/g, "Thuỷ").replace(/Thúy/g, "Thuý").replace(/Hòa/g, "Hoà")
    if (chance(0.05)) s = s.normalize("NFD")
    if (chance(0.1)) s = s.toUpperCase()
    else if (chance(0.05)) s = s.toLowerCase()
    if (chance(0.08)) s = s.replace(/ /g, chance(0.5) ? "  " : " \u00a0")
    if (chance(0.03)) s = ` ${s} `
    return s
  }

  function dirtyRecord(p: Person, recordId: string, source: string, civil: boolean): CitizenRecord {
    let mid = p.middle
    if (mid.length > 0 && chance(0.03)) mid = ""
    const name = dirtyName([p.surname, mid, p.given].filter((x) => x).join(" "))
    let birthDate: string | undefined
    if (!chance(0.04)) {
      let { month, day } = p
      let year = p.year
      if (chance(0.03) && day <= 12) [month, day] = [day, month]
      if (chance(0.015)) day = Math.min(28, Math.max(1, day + [1, -1, 10, -10][int(0, 3)]!))
      if (chance(0.01)) year += chance(0.5) ? 1 : -1
      if (chance(civil ? 0.03 : 0.1)) birthDate = String(year)
      else if (chance(0.3)) birthDate = `${String(day).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}`
      else birthDate = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`
    }
    let gender: CitizenRecord["gender"] = chance(0.08) ? undefined : p.gender
    if (gender !== undefined && chance(0.003)) gender = gender === "M" ? "F" : "M"
    let cccd: string | undefined
    if (p.cccd !== undefined && chance(civil ? 0.4 : 0.8)) {
      cccd = p.cccd
      if (chance(0.01)) {
        const k = int(6, 11)
        cccd = cccd.slice(0, k) + String((Number(cccd[k]) + int(1, 9)) % 10) + cccd.slice(k + 1)
      } else if (chance(0.005)) {
        const k = int(6, 10)
        cccd = cccd.slice(0, k) + cccd[k + 1] + cccd[k] + cccd.slice(k + 2)
      }
      if (chance(0.05)) cccd = cccd.replace(/^0+/, "")
      else if (chance(0.05)) cccd = `${cccd.slice(0, 3)} ${cccd.slice(3, 6)} ${cccd.slice(6)}`
    }
    let cmnd: string | undefined
    if (p.cmnd !== undefined && chance(cccd === undefined ? 0.7 : 0.3)) {
      cmnd = p.cmnd
      if (chance(0.01)) {
        const k = int(3, 8)
        cmnd = cmnd.slice(0, k) + String((Number(cmnd[k]) + int(1, 9)) % 10) + cmnd.slice(k + 1)
      }
      if (chance(0.05)) cmnd = cmnd.replace(/^0+/, "")
    }
    const prov = PROVINCES[p.provinceIndex]!
    let address: string | undefined
    if (chance(civil ? 0.6 : 0.85)) {
      const parts = [p.hamlet, `xã ${p.communeName}`, `huyện ${p.district}`, `tỉnh ${prov.name}`]
      if (chance(0.2)) parts[1] = `X. ${p.communeName}`
      if (chance(0.3)) parts.pop()
      if (chance(0.15)) parts.splice(2, 1)
      address = parts.join(", ")
      if (chance(0.1)) address = foldAccents(address)
    }
    const rec: { -readonly [K in keyof CitizenRecord]: CitizenRecord[K] } = {
      recordId,
      source,
      fullName: name,
      birthDate,
      gender,
      cccd,
      cmnd,
      hometownCode: chance(civil ? 0.8 : 0.4) ? p.hometown : undefined,
      address,
      communeCode: chance(0.7) ? p.commune : undefined,
      fatherName: p.father !== undefined && chance(civil ? 0.85 : 0.15) ? dirtyName(p.father) : undefined,
      motherName: p.mother !== undefined && chance(civil ? 0.85 : 0.15) ? dirtyName(p.mother) : undefined,
      phone: p.phone !== undefined && !civil && chance(0.6) ? p.phone : undefined
    }
    return rec
  }
}

/**
 * Canonical spelling of issuing authorities (cơ quan ban hành). OCR reads the small capitals of a
 * header least well (QUẦN for QUẬN, PHONG TU PHAP, ĐÔNGANH), so the words of an authority are put
 * back into their official spelling when their accent-free, space-free form matches exactly one
 * known word or name: the unit levels, the district offices, and, when the caller has the unit
 * catalog, the district names.
 */
import { readFile } from "node:fs/promises"
import { parse } from "csv-parse/sync"
import { foldKey } from "../text/vietnamese.ts"

const PEOPLES_COMMITTEE = "ỦY BAN NHÂN DÂN"
const LEVELS = ["HUYỆN", "QUẬN", "THỊ XÃ", "THÀNH PHỐ", "TỈNH"] as const

/** District-level specialised offices (Nghị định 37/2014/NĐ-CP, 108/2020/NĐ-CP) and the district office. */
export const DISTRICT_OFFICES: ReadonlyArray<string> = [
  "PHÒNG TƯ PHÁP", "PHÒNG NỘI VỤ", "PHÒNG TÀI CHÍNH - KẾ HOẠCH", "PHÒNG TÀI NGUYÊN VÀ MÔI TRƯỜNG",
  "PHÒNG LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "PHÒNG VĂN HÓA VÀ THÔNG TIN", "PHÒNG GIÁO DỤC VÀ ĐÀO TẠO",
  "PHÒNG Y TẾ", "THANH TRA HUYỆN", "PHÒNG KINH TẾ", "PHÒNG QUẢN LÝ ĐÔ THỊ", "PHÒNG KINH TẾ VÀ HẠ TẦNG",
  "PHÒNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN", "PHÒNG DÂN TỘC", "VĂN PHÒNG HĐND VÀ UBND",
  "VĂN PHÒNG HỘI ĐỒNG NHÂN DÂN VÀ ỦY BAN NHÂN DÂN"
]

const squash = (s: string): string => foldKey(s).replace(/[\s-]+/gu, "")

const upper = (s: string): string => s.toLocaleUpperCase("vi")

/** A district name catalog: "HUYỆN ĐÔNG ANH" etc., keyed by accent- and space-free form. */
export type DistrictNames = ReadonlyMap<string, string | null>

/** Builds the lookup from names such as "Huyện Đông Anh", "Quận Ba Đình", "Thị xã Sơn Tây". */
export const districtNames = (names: Iterable<string>): DistrictNames => {
  const map = new Map<string, string | null>()
  for (const n of names) {
    const u = upper(n.trim().replace(/\s+/gu, " "))
    if (u === "") continue
    const key = squash(u)
    // Two districts spelled alike except for marks: keep neither, a guess would be wrong half the time.
    map.set(key, map.has(key) && map.get(key) !== u ? null : u)
  }
  return map
}

/** Reads district names from a CSV with an `old_district_name` (or `district_name`, or first) column. */
export const loadDistrictNames = async (path: string): Promise<DistrictNames> => {
  const rows = parse(await readFile(path, "utf8"), { columns: true, skip_empty_lines: true, bom: true }) as Array<Record<string, string>>
  const first = rows[0]
  if (first === undefined) return new Map()
  const column = ["old_district_name", "district_name", "name"].find((c) => c in first) ?? Object.keys(first)[0]!
  return districtNames(rows.map((r) => r[column] ?? ""))
}

const OFFICES = new Map(DISTRICT_OFFICES.map((o) => [squash(o), o] as const))

/**
 * Restores the official spelling of an authority read by OCR. Returns the value and whether
 * anything changed; words it cannot place are left as read.
 */
export const canonicalAuthority = (value: string, districts?: DistrictNames): { value: string; corrected: boolean } => {
  const [head = "", ...subs] = value.split(" - ")
  let parent = head
  const m = /^(.*?)(HUYEN|QUAN|THI XA|THANH PHO|TINH)\s+(.+)$/u.exec(foldKey(head).toUpperCase())
  if (m !== null) {
    // Cut the original at the same word positions as the folded copy.
    const words = head.split(" ")
    const prefixWords = (m[1] as string).trim() === "" ? 0 : (m[1] as string).trim().split(" ").length
    const levelWords = (m[2] as string).split(" ").length
    const prefix = words.slice(0, prefixWords).join(" ")
    const name = words.slice(prefixWords + levelWords).join(" ")
    const level = LEVELS.find((l) => squash(l) === squash(m[2] as string)) as string
    const committee = squash(prefix) === squash(PEOPLES_COMMITTEE) || squash(prefix) === "ubnd" ? PEOPLES_COMMITTEE : prefix
    const known = districts?.get(squash(`${level} ${name}`))
    const unit = known !== undefined && known !== null ? known : `${level} ${name}`
    parent = [committee, unit].filter((p) => p !== "").join(" ")
  }
  const whole = OFFICES.get(squash(subs.join(" - ")))
  const fixedSubs = whole !== undefined ? [whole] : subs.map((s) => OFFICES.get(squash(s)) ?? s)
  const out = [parent, ...fixedSubs].join(" - ")
  return { value: out, corrected: out !== value }
}

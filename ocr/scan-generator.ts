/**
 * Synthetic scans of district results with ground truth, for tests and benchmarks.
 *
 * Pages are laid out like real district paperwork (Nghị định 30/2020 layout: two-column header
 * with the authority and the national motto, number and place/date line, centred title, body,
 * signature block), rendered at 300 dpi with DejaVu Serif from the `dejavu-fonts-ttf` npm
 * package, then optionally degraded the way office scanners degrade them: 1–3° skew, uneven
 * lighting, blur, sensor noise, JPEG compression. Everything is driven by a seed, so a page can
 * be regenerated exactly.
 */
import { createRequire } from "node:module"
import { createCanvas, GlobalFonts } from "@napi-rs/canvas"
import type { SKRSContext2D } from "@napi-rs/canvas"
import sharp from "sharp"
import { PDFDocument } from "pdf-lib"
import type { DocumentFields } from "./digitized-document.ts"

const require = createRequire(import.meta.url)
const FONT_DIR = require.resolve("dejavu-fonts-ttf/package.json").replace(/package\.json$/, "ttf/")
let fontsRegistered = false
const registerFonts = (): void => {
  if (fontsRegistered) return
  // The condensed cut is close to Times New Roman's width, the face district documents are set in.
  for (const face of ["", "-Bold", "-Italic", "-BoldItalic"]) {
    GlobalFonts.registerFromPath(`${FONT_DIR}DejaVuSerifCondensed${face}.ttf`, "ScanSerif")
  }
  fontsRegistered = true
}

/** A small deterministic PRNG (mulberry32). */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pick = <A>(rnd: () => number, xs: ReadonlyArray<A>): A => xs[Math.floor(rnd() * xs.length)] as A
const int = (rnd: () => number, lo: number, hi: number): number => lo + Math.floor(rnd() * (hi - lo + 1))

/** Districts with their province and CCCD province code (mã tỉnh nơi đăng ký khai sinh). */
const DISTRICTS: ReadonlyArray<{ kind: string; name: string; province: string; provinceCode: string; commune: string }> = [
  { kind: "HUYỆN", name: "Đông Anh", province: "Thành phố Hà Nội", provinceCode: "001", commune: "xã Uy Nỗ" },
  { kind: "HUYỆN", name: "Gia Lâm", province: "Thành phố Hà Nội", provinceCode: "001", commune: "xã Đặng Xá" },
  { kind: "HUYỆN", name: "Thủy Nguyên", province: "Thành phố Hải Phòng", provinceCode: "031", commune: "xã Lại Xuân" },
  { kind: "HUYỆN", name: "Quỳnh Lưu", province: "Tỉnh Nghệ An", provinceCode: "040", commune: "xã Quỳnh Hưng" },
  { kind: "THỊ XÃ", name: "Hương Thủy", province: "Tỉnh Thừa Thiên Huế", provinceCode: "046", commune: "phường Thủy Dương" },
  { kind: "HUYỆN", name: "Điện Bàn", province: "Tỉnh Quảng Nam", provinceCode: "049", commune: "xã Điện Thắng Bắc" },
  { kind: "HUYỆN", name: "Krông Pắc", province: "Tỉnh Đắk Lắk", provinceCode: "066", commune: "xã Ea Phê" },
  { kind: "HUYỆN", name: "Đức Trọng", province: "Tỉnh Lâm Đồng", provinceCode: "068", commune: "thị trấn Liên Nghĩa" },
  { kind: "HUYỆN", name: "Củ Chi", province: "Thành phố Hồ Chí Minh", provinceCode: "079", commune: "xã Tân Thạnh Đông" },
  { kind: "HUYỆN", name: "Chợ Gạo", province: "Tỉnh Tiền Giang", provinceCode: "082", commune: "xã Long Bình Điền" },
  { kind: "HUYỆN", name: "Thoại Sơn", province: "Tỉnh An Giang", provinceCode: "089", commune: "thị trấn Óc Eo" },
  { kind: "HUYỆN", name: "Yên Thế", province: "Tỉnh Bắc Giang", provinceCode: "024", commune: "xã Đồng Hưu" },
  { kind: "QUẬN", name: "Ninh Kiều", province: "Thành phố Cần Thơ", provinceCode: "092", commune: "phường Tân An" },
  { kind: "HUYỆN", name: "Mường Khương", province: "Tỉnh Lào Cai", provinceCode: "010", commune: "xã Bản Lầu" }
]

const SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Đoàn", "Trịnh", "Lò", "Hà"]
const MIDDLE_MALE = ["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công", "Xuân", "Ngọc"]
const MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Hồng", "Diệu", "Mỹ", "Bích"]
const GIVEN_MALE = ["Đức", "Hùng", "Dũng", "Tuấn", "Thắng", "Quý", "Hiếu", "Nghĩa", "Trường", "Khải", "Lộc", "Phước", "Sơn", "Tiến", "Vĩnh", "Hưởng"]
const GIVEN_FEMALE = ["Hằng", "Nhung", "Thảo", "Hường", "Yến", "Ngọc", "Trâm", "Diễm", "Loan", "Thủy", "Hạnh", "Huyền", "Nguyệt", "Ánh", "Liễu", "Mỹ"]
const STREETS = ["thôn Đoài", "thôn Đông", "xóm 3", "tổ dân phố số 5", "ấp Chợ", "khu phố 2", "thôn Bến Trung", "bản Lũng Phìn"]

type Person = { name: string; female: boolean; birthYear: number; citizenId: string }

const makePerson = (rnd: () => number, provinceCode: string): Person => {
  const female = rnd() < 0.5
  const parts = [pick(rnd, SURNAMES), pick(rnd, female ? MIDDLE_FEMALE : MIDDLE_MALE)]
  if (rnd() < 0.3) parts.push(pick(rnd, female ? MIDDLE_FEMALE : MIDDLE_MALE))
  parts.push(pick(rnd, female ? GIVEN_FEMALE : GIVEN_MALE))
  const birthYear = int(rnd, 1955, 2004)
  const centuryDigit = (birthYear >= 2000 ? 2 : 0) + (female ? 1 : 0)
  const tail = String(int(rnd, 0, 999_999)).padStart(6, "0")
  const citizenId = `${provinceCode}${centuryDigit}${String(birthYear % 100).padStart(2, "0")}${tail}`
  return { name: [...new Set(parts)].join(" "), female, birthYear, citizenId }
}

/** The document types the generator draws; values match `fields.documentType`. */
export const GENERATED_TYPES = ["decision", "construction-permit", "birth-extract", "marital-status-certificate"] as const
export type GeneratedType = (typeof GENERATED_TYPES)[number]

/** One line of a laid-out page. `column` lets two-column headers sit side by side. */
type Line = {
  text: string
  weight?: "bold" | "normal"
  italic?: boolean
  align?: "left" | "center" | "right"
  column?: "left" | "right" | "full"
  sizePt?: number
  /** Extra space before the line, in points. */
  gapPt?: number
}

export type ScanSpec = {
  readonly seed: number
  readonly type: GeneratedType
  readonly fields: DocumentFields
  readonly layoutPages: ReadonlyArray<ReadonlyArray<Line>>
}

const upper = (s: string): string => s.toLocaleUpperCase("vi")

const authorityLines = (d: (typeof DISTRICTS)[number], type: GeneratedType): { lines: Array<string>; authority: string } => {
  if (type === "construction-permit" || type === "decision") {
    return { lines: ["ỦY BAN NHÂN DÂN", `${d.kind} ${upper(d.name)}`], authority: `ỦY BAN NHÂN DÂN ${d.kind} ${upper(d.name)}` }
  }
  return { lines: [`UBND ${d.kind} ${upper(d.name)}`, "PHÒNG TƯ PHÁP"], authority: `ỦY BAN NHÂN DÂN ${d.kind} ${upper(d.name)} - PHÒNG TƯ PHÁP` }
}

const isoDate = (y: number, m: number, d: number): string => `${y}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`

/** Draws the content and the ground truth of one document. Pure: same seed, same spec. */
export const makeScanSpec = (seed: number, type?: GeneratedType): ScanSpec => {
  const rnd = seededRandom(seed)
  const docType = type ?? pick(rnd, GENERATED_TYPES)
  const d = pick(rnd, DISTRICTS)
  const applicant = makePerson(rnd, d.provinceCode)
  const signerPerson = makePerson(rnd, d.provinceCode)
  const year = int(rnd, 2019, 2025)
  const month = int(rnd, 1, 12)
  const day = int(rnd, 1, 28)
  const serial = int(rnd, 1, 4999)
  const { lines: authLines, authority } = authorityLines(d, docType)
  const symbol = { decision: "QĐ-UBND", "construction-permit": "GPXD", "birth-extract": "TLKS-BS", "marital-status-certificate": "XNTTHN" }[docType]
  const documentNumber = docType === "decision" && rnd() < 0.3 ? `${serial}/${year}/${symbol}` : `${serial}/${symbol}`
  const place = d.name
  const title = { decision: "QUYẾT ĐỊNH", "construction-permit": "GIẤY PHÉP XÂY DỰNG", "birth-extract": "TRÍCH LỤC KHAI SINH", "marital-status-certificate": "GIẤY XÁC NHẬN TÌNH TRẠNG HÔN NHÂN" }[docType]
  const salutation = applicant.female ? "bà" : "ông"
  const nameUpper = rnd() < 0.4
  const shownName = nameUpper ? upper(applicant.name) : applicant.name
  const address = `${pick(rnd, STREETS)}, ${d.commune}, ${d.kind === "QUẬN" ? "quận" : d.kind === "THỊ XÃ" ? "thị xã" : "huyện"} ${d.name}, ${d.province.replace(/^Tỉnh /, "tỉnh ").replace(/^Thành phố /, "thành phố ")}`
  const birth = `${String(int(rnd, 1, 28)).padStart(2, "0")}/${String(int(rnd, 1, 12)).padStart(2, "0")}/${applicant.birthYear}`
  const signerTitle = docType === "decision" || docType === "construction-permit" ? pick(rnd, ["CHỦ TỊCH", "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"]) : pick(rnd, ["TRƯỞNG PHÒNG", "KT. TRƯỞNG PHÒNG\nPHÓ TRƯỞNG PHÒNG"])
  const lot = int(rnd, 1, 400)
  const sheet = int(rnd, 1, 60)
  const area = (int(rnd, 400, 3000) / 10).toFixed(1).replace(".", ",")

  const header: Array<Line> = [
    ...authLines.map((t, i): Line => ({ text: t, weight: i === authLines.length - 1 ? "bold" : "normal", column: "left", align: "center", sizePt: 12.5 })),
    { text: `Số: ${documentNumber}`, column: "left", align: "center", sizePt: 13, gapPt: 8 },
    { text: "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", weight: "bold", column: "right", align: "center", sizePt: 12 },
    { text: "Độc lập - Tự do - Hạnh phúc", weight: "bold", column: "right", align: "center", sizePt: 13 },
    { text: `${place}, ngày ${day} tháng ${month} năm ${year}`, italic: true, column: "right", align: "center", sizePt: 13, gapPt: 8 }
  ]
  const body: Array<Line> = []
  const p = (text: string, extra: Partial<Line> = {}): void => {
    body.push({ text, column: "full", align: "left", sizePt: 13, ...extra })
  }
  p(title, { weight: "bold", align: "center", sizePt: 14, gapPt: 26 })
  if (docType === "decision") {
    const subject = pick(rnd, [
      `Về việc công nhận hộ kinh doanh cho ${salutation} ${applicant.name}`,
      `Về việc giao đất ở cho ${salutation} ${applicant.name}`,
      `Về việc cấp đổi giấy chứng nhận quyền sử dụng đất cho ${salutation} ${applicant.name}`
    ])
    p(subject, { weight: "bold", align: "center" })
    p(`CHỦ TỊCH ỦY BAN NHÂN DÂN ${d.kind} ${upper(d.name)}`, { weight: "bold", align: "center", gapPt: 14 })
    p("Căn cứ Luật Tổ chức chính quyền địa phương ngày 19 tháng 6 năm 2015;", { gapPt: 10 })
    p("Căn cứ Luật Đất đai ngày 18 tháng 01 năm 2024 và các văn bản hướng dẫn thi hành;")
    p(`Xét đề nghị của Trưởng phòng Tài nguyên và Môi trường tại Tờ trình số ${int(rnd, 10, 900)}/TTr-TNMT ngày ${int(rnd, 1, 28)} tháng ${month} năm ${year}.`)
    p("QUYẾT ĐỊNH:", { weight: "bold", align: "center", gapPt: 10 })
    p(`Điều 1. Chấp thuận đề nghị của ${salutation} ${shownName}, sinh ngày ${birth}, số định danh cá nhân ${applicant.citizenId}, nơi cư trú: ${address}.`)
    p(`Thửa đất số ${lot}, tờ bản đồ số ${sheet}, diện tích ${area} m², mục đích sử dụng: đất ở tại nông thôn.`)
    p(`Điều 2. ${salutation === "ông" ? "Ông" : "Bà"} ${applicant.name} có trách nhiệm thực hiện đúng các quy định của pháp luật và nộp các khoản nghĩa vụ tài chính theo quy định.`)
    p("Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng HĐND và UBND, Trưởng phòng Tài nguyên và Môi trường, Chủ tịch UBND xã và các cá nhân có liên quan chịu trách nhiệm thi hành Quyết định này.")
  } else if (docType === "construction-permit") {
    p(`Cấp cho: ${salutation === "ông" ? "Ông" : "Bà"} ${shownName}`, { gapPt: 14 })
    p(`Số định danh cá nhân: ${applicant.citizenId}`)
    p(`Địa chỉ thường trú: ${address}.`)
    p(`Được phép xây dựng công trình: Nhà ở riêng lẻ, ${int(rnd, 1, 4)} tầng, tại thửa đất số ${lot}, tờ bản đồ số ${sheet}.`)
    p(`Diện tích xây dựng tầng 1: ${area} m²; chiều cao công trình: ${int(rnd, 6, 15)},${int(rnd, 0, 9)} m; cốt xây dựng: +0,45 m.`)
    p("Giấy phép này có hiệu lực khởi công xây dựng trong thời hạn 12 tháng kể từ ngày được cấp; quá thời hạn trên thì phải đề nghị gia hạn giấy phép xây dựng.")
    p("Chủ đầu tư phải thông báo ngày khởi công xây dựng bằng văn bản cho Ủy ban nhân dân xã nơi xây dựng công trình trước khi khởi công.")
  } else if (docType === "birth-extract") {
    const child = makePerson(rnd, d.provinceCode)
    p("(Bản sao)", { italic: true, align: "center" })
    p(`Họ, chữ đệm, tên: ${upper(child.name)}`, { gapPt: 14 })
    p(`Ngày, tháng, năm sinh: ${String(int(rnd, 1, 28)).padStart(2, "0")}/${String(month).padStart(2, "0")}/${year}; ghi bằng chữ: ngày mồng ${int(rnd, 1, 9)} tháng ${month} năm ${year}.`)
    p(`Giới tính: ${child.female ? "Nữ" : "Nam"}; Dân tộc: Kinh; Quốc tịch: Việt Nam.`)
    p(`Nơi sinh: Bệnh viện đa khoa ${d.name}, ${d.province}.`)
    const mother = applicant.female ? applicant : makePerson(rnd, d.provinceCode)
    p(`Họ, chữ đệm, tên người mẹ: ${mother.name}`)
    p(`Họ, chữ đệm, tên người yêu cầu: ${shownName}`)
    p(`Số định danh cá nhân người yêu cầu: ${applicant.citizenId}`)
    p(`Nơi đăng ký khai sinh: Ủy ban nhân dân ${d.commune}, ${d.name}.`)
  } else {
    p(`Xét đề nghị của ${salutation} ${shownName} về việc cấp Giấy xác nhận tình trạng hôn nhân,`, { gapPt: 14 })
    p("XÁC NHẬN:", { weight: "bold", align: "center" })
    p(`Họ, chữ đệm, tên: ${applicant.name}`)
    p(`Ngày, tháng, năm sinh: ${birth}; Giới tính: ${applicant.female ? "Nữ" : "Nam"}; Dân tộc: Kinh.`)
    p(`Số định danh cá nhân: ${applicant.citizenId}`)
    p(`Nơi cư trú: ${address}.`)
    p(`Tình trạng hôn nhân: ${pick(rnd, ["Chưa đăng ký kết hôn với ai", "Đã ly hôn, hiện tại chưa đăng ký kết hôn với ai"])}.`)
    p("Giấy này có giá trị sử dụng trong thời hạn 6 tháng, kể từ ngày cấp, để làm thủ tục đăng ký kết hôn.")
  }
  const signature: Array<Line> = [
    ...signerTitle.split("\n").map((t, i): Line => ({ text: t, weight: "bold", column: "right", align: "center", sizePt: 13, gapPt: i === 0 ? 24 : 0 })),
    { text: "(Đã ký và đóng dấu)", italic: true, column: "right", align: "center", sizePt: 12, gapPt: 50 },
    { text: signerPerson.name, weight: "bold", column: "right", align: "center", sizePt: 13, gapPt: 60 }
  ]
  const fields: DocumentFields = {
    documentNumber: documentNumber.normalize("NFC"),
    issueDate: isoDate(year, month, day),
    issuingAuthority: authority.normalize("NFC"),
    signer: signerPerson.name.normalize("NFC"),
    applicantName: applicant.name.normalize("NFC"),
    citizenId: applicant.citizenId,
    documentType: docType
  }
  // A second page for some decisions: the signature block moves over, as happens on real ones.
  const twoPages = docType === "decision" && rnd() < 0.35
  const layoutPages = twoPages ? [[...header, ...body], signature] : [[...header, ...body, ...signature]]
  return { seed, type: docType, fields, layoutPages }
}

// ---------------------------------------------------------------- rendering

export const PAGE_WIDTH_PX = 2480
export const PAGE_HEIGHT_PX = 3508
const DPI = 300
const pt = (v: number): number => (v * DPI) / 72
const MARGIN_LEFT = Math.round((30 / 25.4) * DPI)
const MARGIN_RIGHT = Math.round((18 / 25.4) * DPI)
const MARGIN_TOP = Math.round((20 / 25.4) * DPI)

const fontOf = (l: Line): string =>
  `${l.italic ? "italic " : ""}${l.weight === "bold" ? "bold " : ""}${Math.round(pt(l.sizePt ?? 13))}px ScanSerif`

const wrap = (g: SKRSContext2D, text: string, width: number): Array<string> => {
  const out: Array<string> = []
  let cur = ""
  for (const word of text.split(" ")) {
    const next = cur === "" ? word : `${cur} ${word}`
    if (cur !== "" && g.measureText(next).width > width) {
      out.push(cur)
      cur = word
    } else cur = next
  }
  if (cur !== "") out.push(cur)
  return out
}

/**
 * Renders the pages of a spec to clean greyscale PNGs (300 dpi A4) and returns the text of each page
 * in reading order, as wrapped on the page (the OCR ground truth).
 */
export const renderSpec = (
  spec: ScanSpec,
  options: { readonly images?: boolean } = {}
): { pages: Array<Buffer>; truthPages: Array<string>; truthPagesByRow: Array<string> } => {
  // Without images only the layout (line wrapping) is computed: a tiny canvas serves for measuring.
  const images = options.images ?? true
  registerFonts()
  const pages: Array<Buffer> = []
  const truthPages: Array<string> = []
  const truthPagesByRow: Array<string> = []
  for (const layout of spec.layoutPages) {
    const canvas = images ? createCanvas(PAGE_WIDTH_PX, PAGE_HEIGHT_PX) : createCanvas(1, 1)
    const g = canvas.getContext("2d")
    g.fillStyle = "#ffffff"
    g.fillRect(0, 0, PAGE_WIDTH_PX, PAGE_HEIGHT_PX)
    g.fillStyle = "#111111"
    g.textBaseline = "alphabetic"
    const contentWidth = PAGE_WIDTH_PX - MARGIN_LEFT - MARGIN_RIGHT
    const leftColWidth = Math.round(contentWidth * 0.38)
    const rightColX = MARGIN_LEFT + Math.round(contentWidth * 0.4)
    const rightColWidth = contentWidth - Math.round(contentWidth * 0.4)
    const y: Record<"left" | "right" | "full", number> = { left: MARGIN_TOP, right: MARGIN_TOP, full: MARGIN_TOP }
    // Reading order: zones of side-by-side columns (left, then right) alternate with full-width zones.
    type Placed = { text: string; y: number; right: boolean; size: number }
    const zones: Array<{ full: boolean; left: Array<string>; right: Array<string>; lines: Array<string>; placed: Array<Placed> }> = []
    for (const line of layout) {
      const column = line.column ?? "full"
      const last = zones[zones.length - 1]
      const zone = last !== undefined && last.full === (column === "full") ? last : { full: column === "full", left: [], right: [], lines: [], placed: [] }
      if (zone !== last) {
        zones.push(zone)
        const bottom = Math.max(y.full, y.left, y.right)
        y.full = bottom
        y.left = bottom
        y.right = bottom
      }
      g.font = fontOf(line)
      const size = pt(line.sizePt ?? 13)
      const x0 = column === "right" ? rightColX : MARGIN_LEFT
      const width = column === "left" ? leftColWidth : column === "right" ? rightColWidth : contentWidth
      const indent = column === "full" && line.align === "left" ? Math.round(pt(28)) : 0
      y[column] += pt(line.gapPt ?? 0)
      const wrapped = wrap(g, line.text, width - indent)
      wrapped.forEach((text, i) => {
        y[column] += size * 1.45
        const w = g.measureText(text).width
        const x = line.align === "center" ? x0 + (width - w) / 2 : x0 + (i === 0 ? indent : 0)
        if (images) g.fillText(text, x, y[column])
        ;(column === "left" ? zone.left : column === "right" ? zone.right : zone.lines).push(text)
        zone.placed.push({ text, y: y[column], right: column === "right", size })
      })
    }
    if (images) pages.push(canvas.toBuffer("image/png"))
    truthPages.push(zones.flatMap((z) => [...z.left, ...z.right, ...z.lines]).join("\n").normalize("NFC"))
    // The other valid reading of a two-column zone: row by row, left text then right text.
    const byRow = zones.flatMap((z) => {
      const rows: Array<Array<Placed>> = []
      for (const l of [...z.placed].sort((a, b) => a.y - b.y)) {
        const row = rows.find((r) => Math.abs((r[0] as Placed).y - l.y) < l.size * 0.6)
        if (row === undefined) rows.push([l])
        else row.push(l)
      }
      return rows.map((r) => r.sort((a, b) => Number(a.right) - Number(b.right)).map((l) => l.text).join(" "))
    })
    truthPagesByRow.push(byRow.join("\n").normalize("NFC"))
  }
  return { pages, truthPages, truthPagesByRow }
}

// ---------------------------------------------------------------- degradation

export type Degradation = {
  /** Skew in degrees (positive = counter-clockwise). */
  readonly rotateDegrees: number
  readonly blurSigma: number
  /** Standard deviation of additive Gaussian noise, in grey levels. */
  readonly noiseSigma: number
  /** Darkest lighting factor at the far corner (1 = even lighting). */
  readonly lightingFloor: number
  /** JPEG quality, or null to keep PNG. */
  readonly jpegQuality: number | null
}

/** Degradation drawn from the ranges seen on district scans: 1–3° skew, mild blur, noise, uneven light, JPEG. */
export const randomDegradation = (seed: number): Degradation => {
  const rnd = seededRandom(seed ^ 0x5bd1e995)
  return {
    rotateDegrees: (rnd() < 0.5 ? -1 : 1) * (1 + rnd() * 2),
    blurSigma: 0.5 + rnd() * 0.5,
    noiseSigma: 6 + rnd() * 10,
    lightingFloor: 0.7 + rnd() * 0.2,
    jpegQuality: int(rnd, 55, 80)
  }
}

/** Applies a degradation to a clean page; returns JPEG or PNG bytes. */
export const degradePage = async (png: Buffer, deg: Degradation, seed: number): Promise<Buffer> => {
  const rnd = seededRandom(seed ^ 0x9e3779b9)
  // Turn the page on a white scanner lid, keep the original page size (a scanner's frame), blur as optics do.
  const meta = await sharp(png).metadata()
  const turned = await sharp(png)
    .flatten({ background: "#ffffff" })
    .rotate(-deg.rotateDegrees, { background: "#ffffff" })
    .raw()
    .toBuffer({ resolveWithObject: true })
  const left = Math.max(0, Math.floor((turned.info.width - (meta.width ?? turned.info.width)) / 2))
  const top = Math.max(0, Math.floor((turned.info.height - (meta.height ?? turned.info.height)) / 2))
  const rotated = await sharp(turned.data, { raw: { width: turned.info.width, height: turned.info.height, channels: turned.info.channels } })
    .extract({ left, top, width: meta.width ?? turned.info.width, height: meta.height ?? turned.info.height })
    .greyscale()
    .extractChannel(0)
    .blur(deg.blurSigma >= 0.3 ? deg.blurSigma : false)
    .raw()
    .toBuffer({ resolveWithObject: true })
  const { width, height, channels } = rotated.info
  const data = rotated.data
  // Uneven lighting: a bilinear falloff from one bright corner, plus Gaussian sensor noise (Box–Muller).
  const cx = rnd() < 0.5 ? 0 : width
  const cy = rnd() < 0.5 ? 0 : height
  const maxDist = Math.hypot(width, height)
  // A table of Gaussian samples (Box–Muller) walked by a xorshift index: per-pixel noise at a fraction of the cost.
  const TABLE = 1 << 16
  const noise = new Float32Array(TABLE)
  for (let k = 0; k < TABLE; k += 2) {
    const r = Math.sqrt(-2 * Math.log(Math.max(rnd(), 1e-12)))
    const t = 2 * Math.PI * rnd()
    noise[k] = r * Math.cos(t) * deg.noiseSigma
    noise[k + 1] = r * Math.sin(t) * deg.noiseSigma
  }
  let state = (Math.floor(rnd() * 0xffffffff) | 1) >>> 0
  for (let yy = 0; yy < height; yy++) {
    const dy2 = (yy - cy) * (yy - cy)
    for (let xx = 0; xx < width; xx++) {
      const light = 1 - (1 - deg.lightingFloor) * (Math.sqrt((xx - cx) * (xx - cx) + dy2) / maxDist)
      const i = (yy * width + xx) * channels
      state ^= state << 13
      state ^= state >>> 17
      state ^= state << 5
      const v = (data[i] as number) * light + (noise[(state >>> 0) & (TABLE - 1)] as number)
      data[i] = v < 0 ? 0 : v > 255 ? 255 : v
    }
  }
  const img = sharp(data, { raw: { width, height, channels } }).withMetadata({ density: DPI })
  return deg.jpegQuality === null ? img.png().toBuffer() : img.jpeg({ quality: deg.jpegQuality }).toBuffer()
}

// ---------------------------------------------------------------- files

export type GeneratedScan = {
  readonly spec: ScanSpec
  /** Text of each page in reading order, two-column zones column by column. */
  readonly truthPages: ReadonlyArray<string>
  /** The same text with two-column zones read row by row (also a correct reading). */
  readonly truthPagesByRow: ReadonlyArray<string>
  /** Encoded page images (PNG when clean, JPEG when degraded). */
  readonly pageImages: ReadonlyArray<Buffer>
  readonly degradation: Degradation | null
}

/** Generates one document: spec, ground truth, page images (degraded unless `clean`). */
export const generateScan = async (seed: number, options: { clean?: boolean; type?: GeneratedType } = {}): Promise<GeneratedScan> => {
  const spec = makeScanSpec(seed, options.type)
  const { pages, truthPages, truthPagesByRow } = renderSpec(spec)
  if (options.clean === true) return { spec, truthPages, truthPagesByRow, pageImages: pages, degradation: null }
  const deg = randomDegradation(seed)
  const degraded = await Promise.all(pages.map((p, i) => degradePage(p, deg, seed * 31 + i)))
  return { spec, truthPages, truthPagesByRow, pageImages: degraded, degradation: deg }
}

/** Wraps page images into a scanned-style PDF: one full-page image per A4 page, as scanners write them. */
export const pagesToPdf = async (pageImages: ReadonlyArray<Buffer>): Promise<Uint8Array> => {
  const pdf = await PDFDocument.create()
  for (const bytes of pageImages) {
    const isJpeg = bytes[0] === 0xff && bytes[1] === 0xd8
    const image = isJpeg ? await pdf.embedJpg(bytes) : await pdf.embedPng(bytes)
    const page = pdf.addPage([595.28, 841.89])
    page.drawImage(image, { x: 0, y: 0, width: 595.28, height: 841.89 })
  }
  return pdf.save()
}

/** Joins page images into one multi-page TIFF (deflate), as some scanner software writes them. */
export const pagesToTiff = async (pageImages: ReadonlyArray<Buffer>): Promise<Buffer> => {
  const greys = await Promise.all(pageImages.map((b) => sharp(b).greyscale().toColourspace("b-w").png().toBuffer()))
  const input = greys.length === 1 ? sharp(greys[0]) : sharp(greys, { join: { animated: true } })
  return input.tiff({ compression: "deflate" }).toBuffer()
}

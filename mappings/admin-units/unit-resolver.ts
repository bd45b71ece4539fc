/**
 * Old -> new resolution of unit references, with a status on every answer.
 *
 * - By code: an old commune code resolves to its one successor (`mapped`), to the only
 *   successor that received population when the others got land only (`population_target`),
 *   or to `ambiguous` with the exact candidate set when it was split; a user hint table
 *   (hamlet/street -> new commune) can settle a split (`hint`).
 * - An island district without communes resolves by district (`mapped`).
 * - A district or province without a commune: the new province is certain, the commune is not
 *   (`province_only`, with the district's candidate communes).
 * - Names ("Xã Hưng Đạo, Huyện Tứ Kỳ, Tỉnh Hải Dương", with or without diacritics, either
 *   tone placement) are matched inside the old province/district scope, never across it: an old
 *   commune is never routed to a new commune just because the new one has its name.
 * - Anything else is `unknown`, with the reason.
 *
 * Answers for codes are precomputed; answers for free text are memoised.
 */
import type {
  NewCommuneCode,
  NewProvinceCode,
  OldCommuneCode
} from "./codes.ts"
import { normalizeUnitCode } from "./codes.ts"
import type { CatalogIndex, OldCommune, OldDistrict, OldProvince, UnitCatalog } from "./catalog.ts"
import { indexCatalog } from "./catalog.ts"
import { type AddressTokens, tokenizeAddress } from "./address-tokens.ts"
import { NameIndex, type NameMatch } from "./name-index.ts"
import { nameBaseKey } from "./unit-names.ts"
import {
  type CompiledHint,
  compileHint,
  type Hint,
  type HintProblem,
  hintMatchesAddress,
  hintMatchesHamlet
} from "./unit-hints.ts"

export type UnitResolutionStatus = "mapped" | "population_target" | "hint" | "ambiguous" | "unknown" | "province_only"

/** Stable reason codes (the `reason` text starts with the code). */
export type UnitResolutionReasonCode =
  | "single_successor"
  | "island_district"
  | "namesakes_same_successor"
  | "population_target"
  | "hint"
  | "split"
  | "hints_conflict"
  | "name_ambiguous"
  | "district_only"
  | "province_only"
  | "commune_name_not_in_scope"
  | "invalid_code"
  | "unknown_commune_code"
  | "new_commune_code_given"
  | "unknown_district_code"
  | "unknown_province_code"
  | "commune_not_in_district"
  | "commune_not_in_province"
  | "district_not_in_province"
  | "no_successor"
  | "no_reference"
  | "name_not_found"

export interface UnitReference {
  /** Old province code (2 digits; shorter numbers are padded). */
  readonly provinceCode?: string | undefined
  /** Old district code (3 digits). */
  readonly districtCode?: string | undefined
  /** Old commune code (5 digits). */
  readonly communeCode?: string | undefined
  /** Free-text address or unit names, read right to left inside the coded scope. */
  readonly address?: string | undefined
  /** Hamlet/village/street in its own field, for hints. */
  readonly hamlet?: string | undefined
}

export interface UnitResolution {
  readonly status: UnitResolutionStatus
  readonly newProvinceCode?: NewProvinceCode
  /** Set for mapped, population_target and hint. */
  readonly newCommuneCode?: NewCommuneCode
  /**
   * New communes a person or address of this reference can be in: the one answer when there is
   * one, the population-receiving successors of a split, or the district's successors.
   */
  readonly candidates: readonly NewCommuneCode[]
  /** "<reasonCode>: explanation"; absent for a plain single successor found by code. */
  readonly reason?: string
  readonly reasonCode: UnitResolutionReasonCode
  /** The old commune the answer comes from, when one was identified. */
  readonly oldCommuneCode?: OldCommuneCode
  /** Successors that received land only (never a person's or address's answer). */
  readonly areaOnlyTargets?: readonly NewCommuneCode[]
}

export interface UnitResolverOptions {
  readonly hints?: readonly Hint[]
  /** Entries kept in the free-text memo before it is cleared (default 100,000). */
  readonly memoLimit?: number
}

export interface UnitResolver {
  readonly catalog: UnitCatalog
  resolve(ref: UnitReference): UnitResolution
  /** Hints that were not used, and why (unknown unit, target not a successor, empty place). */
  readonly hintProblems: readonly HintProblem[]
}

const EMPTY: readonly NewCommuneCode[] = Object.freeze([])

const freeze = (r: UnitResolution): UnitResolution => Object.freeze(r)

const label = (u: { name: string; code: string }): string => `${u.name} (${u.code})`

/** Trailing words that are not units ("…, Việt Nam"). */
const TRAILING_NOISE: readonly (readonly string[])[] = [["viet", "nam"], ["vietnam"], ["vn"]]

interface ScopedParse {
  provinces: readonly OldProvince[] | undefined
  districts: readonly OldDistrict[] | undefined
  communes: readonly OldCommune[] | undefined
  /** Tokens before this index are detail (street, hamlet). */
  detailEnd: number
  /** End of the commune name as matched (exclusive). */
  communeEnd: number
  /** Name of the commune as matched, for the reason text. */
  notes: string[]
}

export function createUnitResolver(catalog: UnitCatalog, options: UnitResolverOptions = {}): UnitResolver {
  const idx: CatalogIndex = indexCatalog(catalog)
  const memoLimit = options.memoLimit ?? 100_000

  const newName = (code: string): string => {
    const c = idx.newCommune.get(code)
    return c === undefined ? code : label(c)
  }
  const newProvinceOfOldProvince = (code: string): NewProvinceCode | undefined => idx.oldProvince.get(code)?.newProvinceCode
  const districtLabel = (code: string): string => {
    const d = idx.oldDistrict.get(code)
    return d === undefined ? code : label(d)
  }

  // ---------- precomputed answers for old commune codes ----------
  const communeAnswer = new Map<string, UnitResolution>()
  /** old commune -> every successor (incl. area-only), for hint validation. */
  const allTargets = new Map<string, readonly NewCommuneCode[]>()
  for (const commune of catalog.oldCommunes) {
    const edges = idx.edgesByOldCommune.get(commune.code) ?? []
    const targets: NewCommuneCode[] = []
    const populated: NewCommuneCode[] = []
    for (const e of edges) {
      if (!targets.includes(e.newCommuneCode)) targets.push(e.newCommuneCode)
      if (!e.areaOnly && !populated.includes(e.newCommuneCode)) populated.push(e.newCommuneCode)
    }
    allTargets.set(commune.code, targets)
    const areaOnly = targets.filter((t) => !populated.includes(t))
    const province = (targets[0] !== undefined ? idx.newCommune.get(targets[0])?.provinceCode : undefined) ?? newProvinceOfOldProvince(commune.provinceCode)
    const base = {
      ...(province !== undefined ? { newProvinceCode: province } : {}),
      oldCommuneCode: commune.code,
      ...(areaOnly.length > 0 ? { areaOnlyTargets: Object.freeze(areaOnly) } : {})
    }
    let answer: UnitResolution
    if (targets.length === 0) {
      answer = { status: "unknown", candidates: EMPTY, reasonCode: "no_successor", reason: `no_successor: old commune ${label(commune)} has no successor in the crosswalk`, ...base }
    } else if (targets.length === 1) {
      answer = { status: "mapped", newCommuneCode: targets[0]!, candidates: Object.freeze([targets[0]!]), reasonCode: "single_successor", ...base }
    } else if (populated.length === 1) {
      answer = {
        status: "population_target",
        newCommuneCode: populated[0]!,
        candidates: Object.freeze([populated[0]!]),
        reasonCode: "population_target",
        reason: `population_target: old commune ${label(commune)} was split between ${targets.map(newName).join(", ")}; only ${newName(populated[0]!)} received population (the others got land only)`,
        ...base
      }
    } else {
      const candidates = Object.freeze([...(populated.length > 0 ? populated : targets)].sort())
      answer = {
        status: "ambiguous",
        candidates,
        reasonCode: "split",
        reason: `split: old commune ${label(commune)} was split between ${candidates.map(newName).join(", ")}${areaOnly.length > 0 ? ` (land only: ${areaOnly.map(newName).join(", ")})` : ""}; the hamlet or street decides (hint table)`,
        ...base
      }
    }
    communeAnswer.set(commune.code, freeze(answer))
  }

  // ---------- districts and provinces ----------
  const districtAnswer = new Map<string, UnitResolution>()
  const districtTargets = new Map<string, readonly NewCommuneCode[]>()
  for (const district of catalog.oldDistricts) {
    const island = idx.districtEdge.get(district.code)
    const province = newProvinceOfOldProvince(district.provinceCode)
    const pc = province !== undefined ? { newProvinceCode: province } : {}
    if (island !== undefined) {
      const target = island.newCommuneCode
      districtTargets.set(district.code, [target])
      districtAnswer.set(
        district.code,
        freeze({
          status: "mapped",
          newCommuneCode: target,
          candidates: Object.freeze([target]),
          reasonCode: "island_district",
          reason: `island_district: ${label(district)} had no communes and became ${newName(target)}`,
          newProvinceCode: idx.newCommune.get(target)?.provinceCode ?? province!
        })
      )
      continue
    }
    const set = new Set<NewCommuneCode>()
    for (const c of idx.communesByOldDistrict.get(district.code) ?? []) for (const t of communeAnswer.get(c.code)?.candidates ?? []) set.add(t)
    const candidates = Object.freeze([...set].sort())
    districtTargets.set(district.code, candidates)
    districtAnswer.set(
      district.code,
      freeze({
        status: "province_only",
        candidates,
        reasonCode: "district_only",
        reason: `district_only: only the old district ${label(district)} is known; its communes went to ${candidates.length} new communes`,
        ...pc
      })
    )
  }
  const provinceAnswer = new Map<string, UnitResolution>()
  for (const p of catalog.oldProvinces) {
    provinceAnswer.set(
      p.code,
      freeze({
        status: "province_only",
        newProvinceCode: p.newProvinceCode,
        candidates: EMPTY,
        reasonCode: "province_only",
        reason: `province_only: only the old province ${label(p)} is known`
      })
    )
  }

  // ---------- hints ----------
  const hintProblems: HintProblem[] = []
  const communeHints = new Map<string, CompiledHint[]>()
  const districtHints = new Map<string, CompiledHint[]>()
  for (const hint of options.hints ?? []) {
    const compiled = compileHint(hint)
    if (compiled === undefined) {
      hintProblems.push({ hint, problem: `place "${hint.place}" has no words besides a settlement word` })
      continue
    }
    if (hint.oldCommuneCode !== undefined) {
      const targets = allTargets.get(hint.oldCommuneCode)
      if (targets === undefined) {
        hintProblems.push({ hint, problem: `old commune ${hint.oldCommuneCode} is not in the catalog` })
        continue
      }
      if (!targets.includes(hint.newCommuneCode as NewCommuneCode)) {
        hintProblems.push({ hint, problem: `new commune ${hint.newCommuneCode} is not a successor of old commune ${hint.oldCommuneCode} (successors: ${targets.join(", ")})` })
        continue
      }
      const list = communeHints.get(hint.oldCommuneCode)
      if (list === undefined) communeHints.set(hint.oldCommuneCode, [compiled])
      else list.push(compiled)
    } else if (hint.oldDistrictCode !== undefined) {
      const targets = districtTargets.get(hint.oldDistrictCode)
      if (targets === undefined) {
        hintProblems.push({ hint, problem: `old district ${hint.oldDistrictCode} is not in the catalog` })
        continue
      }
      if (!targets.includes(hint.newCommuneCode as NewCommuneCode)) {
        hintProblems.push({ hint, problem: `new commune ${hint.newCommuneCode} did not receive any commune of old district ${hint.oldDistrictCode}` })
        continue
      }
      const list = districtHints.get(hint.oldDistrictCode)
      if (list === undefined) districtHints.set(hint.oldDistrictCode, [compiled])
      else list.push(compiled)
    }
  }
  const hasHints = communeHints.size > 0 || districtHints.size > 0

  /** Settles `answer` (ambiguous or district-only) by hints, or returns it unchanged. */
  const applyHints = (
    answer: UnitResolution,
    hints: readonly CompiledHint[],
    where: string,
    tokens: AddressTokens | undefined,
    detailEnd: number,
    hamlet: AddressTokens | undefined
  ): UnitResolution => {
    if (hints.length === 0) return answer
    const matched: CompiledHint[] = []
    for (const h of hints) {
      if (!answer.candidates.includes(h.hint.newCommuneCode as NewCommuneCode)) continue
      if ((hamlet !== undefined && hintMatchesHamlet(h, hamlet)) || (tokens !== undefined && hintMatchesAddress(h, tokens, detailEnd))) matched.push(h)
    }
    const targets = [...new Set(matched.map((h) => h.hint.newCommuneCode))]
    if (targets.length === 0) return answer
    if (targets.length > 1) {
      return {
        ...answer,
        status: "ambiguous",
        candidates: Object.freeze(targets.sort() as NewCommuneCode[]),
        reasonCode: "hints_conflict",
        reason: `hints_conflict: hints ${matched.map((h) => `"${h.hint.place}" -> ${h.hint.newCommuneCode}`).join(", ")} all match in ${where}`
      }
    }
    const target = targets[0]! as NewCommuneCode
    const h = matched[0]!
    return {
      ...answer,
      status: "hint",
      newCommuneCode: target,
      candidates: Object.freeze([target]),
      newProvinceCode: idx.newCommune.get(target)?.provinceCode ?? answer.newProvinceCode!,
      reasonCode: "hint",
      reason: `hint: "${h.hint.place}" in ${where} is in ${newName(target)}`
    }
  }

  // ---------- names ----------
  const provinceNames = new NameIndex<OldProvince>("province", catalog.oldProvinces, (p) => {
    const key = nameBaseKey(p.name)
    return [p.name, ...PROVINCE_ALIASES.filter(([, official]) => official === key).map(([alias]) => alias)]
  })
  const newProvinceNames = new NameIndex("province", catalog.newProvinces, (p) => [p.name])
  const districtNameList = (d: OldDistrict): string[] => [d.name]
  const communeNameList = (c: OldCommune): string[] => [c.name, ...c.aliases]
  const districtNames = new NameIndex<OldDistrict>("district", catalog.oldDistricts, districtNameList)
  const communeNames = new NameIndex<OldCommune>("commune", catalog.oldCommunes, communeNameList)
  // per-scope indexes, so a lookup only sees the scope's names
  const districtNamesByProvince = new Map<string, NameIndex<OldDistrict>>()
  for (const [code, list] of idx.districtsByOldProvince) districtNamesByProvince.set(code, new NameIndex("district", list, districtNameList))
  const communeNamesByDistrict = new Map<string, NameIndex<OldCommune>>()
  for (const [code, list] of idx.communesByOldDistrict) communeNamesByDistrict.set(code, new NameIndex("commune", list, communeNameList))
  const communeNamesByProvince = new Map<string, NameIndex<OldCommune>>()
  for (const [code, list] of idx.communesByOldProvince) communeNamesByProvince.set(code, new NameIndex("commune", list, communeNameList))
  const all = (): boolean => true

  const stripNoise = (t: AddressTokens): number => {
    let end = t.folded.length
    for (let again = true; again; ) {
      again = false
      for (const n of TRAILING_NOISE) {
        if (end < n.length) continue
        if (n.every((w, k) => t.folded[end - n.length + k] === w)) {
          end -= n.length
          again = true
        }
      }
      // a postal code at the very end
      if (end > 0 && /^\d{5,6}$/.test(t.folded[end - 1]!) && t.partStart[end - 1] === true) {
        end--
        again = true
      }
    }
    return end
  }

  const parseScoped = (
    t: AddressTokens,
    scope: { province?: OldProvince; district?: OldDistrict; commune?: OldCommune }
  ): ScopedParse => {
    const notes: string[] = []
    let end = stripNoise(t)
    let provinces: readonly OldProvince[] | undefined = scope.province !== undefined ? [scope.province] : undefined
    let districts: readonly OldDistrict[] | undefined = scope.district !== undefined ? [scope.district] : undefined

    // province
    if (scope.province !== undefined) {
      const p = scope.province
      const m = provinceNames.matchEnding(t, end, (u) => u === p) ?? newProvinceNames.matchEnding(t, end, (u) => u.code === p.newProvinceCode)
      if (m !== undefined) end = m.start
      else {
        const other = provinceNames.matchEnding(t, end, () => true) ?? newProvinceNames.matchEnding(t, end, () => true)
        if (other !== undefined && other.typeWord !== undefined) {
          notes.push(`the address names another province (${t.written.slice(other.start, end).join(" ")}); the code's province ${label(p)} was used`)
          end = other.start
        }
      }
    } else {
      const m = provinceNames.matchEnding(t, end, () => true)
      if (m !== undefined) {
        provinces = m.units
        end = m.start
      }
    }

    // district (a match without its type word and not starting a part is weak: it may be the
    // end of a commune name, "Đông Vĩnh" ending in "Vinh", so the commune step may undo it)
    const endBeforeDistrict = end
    let weakDistrict = false
    const provincesBeforeDistrict = provinces
    if (scope.district !== undefined) {
      const d = scope.district
      const inProvince = districtNamesByProvince.get(d.provinceCode)!
      const m = inProvince.matchEnding(t, end, (u) => u === d)
      if (m !== undefined) {
        end = m.start
        weakDistrict = m.typeWord === undefined && t.partStart[m.start] !== true
      }
      else {
        const other = inProvince.matchEnding(t, end, all)
        if (other !== undefined && other.typeWord !== undefined) {
          notes.push(`the address names another district (${t.written.slice(other.start, end).join(" ")}); the code's district ${label(d)} was used`)
          end = other.start
        }
      }
    } else {
      const inProvinces = provinces
      const m =
        inProvinces === undefined
          ? districtNames.matchEnding(t, end, all)
          : inProvinces.length === 1
            ? districtNamesByProvince.get(inProvinces[0]!.code)?.matchEnding(t, end, all)
            : districtNames.matchEnding(t, end, (u) => inProvinces.some((p) => p.code === u.provinceCode))
      if (m !== undefined) {
        districts = m.units
        end = m.start
        weakDistrict = m.typeWord === undefined && t.partStart[m.start] !== true
        if (provinces === undefined) {
          const ps = new Set(m.units.map((u) => u.provinceCode))
          provinces = catalog.oldProvinces.filter((p) => ps.has(p.code))
        }
      }
    }

    // commune
    if (scope.commune !== undefined) {
      const c = scope.commune
      const m = communeNamesByDistrict.get(c.districtCode)!.matchEnding(t, end, (u) => u === c)
      return { provinces, districts, communes: [c], detailEnd: m !== undefined ? m.start : end, communeEnd: end, notes }
    }
    const found = matchCommune(t, end, districts, provinces)
    if (found === undefined && weakDistrict) {
      const retryDistricts = scope.district !== undefined ? districts : undefined
      const again = matchCommune(t, endBeforeDistrict, retryDistricts, provincesBeforeDistrict)
      if (again !== undefined) return { provinces: provincesBeforeDistrict ?? provinces, districts: retryDistricts, communes: again.units, detailEnd: again.start, communeEnd: endBeforeDistrict, notes }
    }
    if (found === undefined) return { provinces, districts, communes: undefined, detailEnd: end, communeEnd: end, notes }
    return { provinces, districts, communes: found.units, detailEnd: found.start, communeEnd: end, notes }
  }

  const matchCommune = (
    t: AddressTokens,
    end: number,
    inDistricts: readonly OldDistrict[] | undefined,
    inProvinces: readonly OldProvince[] | undefined
  ): NameMatch<OldCommune> | undefined => {
    const accept =
      inDistricts !== undefined
        ? (u: OldCommune) => inDistricts.some((d) => d.code === u.districtCode)
        : inProvinces !== undefined
          ? (u: OldCommune) => inProvinces.some((p) => p.code === u.provinceCode)
          : () => true
    const m: NameMatch<OldCommune> | undefined =
      inDistricts !== undefined && inDistricts.length === 1
        ? communeNamesByDistrict.get(inDistricts[0]!.code)?.matchEnding(t, end, all)
        : inDistricts === undefined && inProvinces !== undefined && inProvinces.length === 1
          ? communeNamesByProvince.get(inProvinces[0]!.code)?.matchEnding(t, end, all)
          : communeNames.matchEnding(t, end, accept)
    return m
  }

  const withNotes = (r: UnitResolution, notes: readonly string[]): UnitResolution =>
    notes.length === 0 ? r : { ...r, reason: `${r.reason ?? r.reasonCode}; ${notes.join("; ")}` }

  const hintsFor = (commune: OldCommune): CompiledHint[] => [...(communeHints.get(commune.code) ?? []), ...(districtHints.get(commune.districtCode) ?? [])]

  /** Answers (frozen objects) that came from a commune identified by name. */
  const namedCommuneAnswers = new WeakSet<UnitResolution>()

  /** Answer for a commune identified by name (one or several namesakes in scope). */
  const answerForNamedCommunes = (communes: readonly OldCommune[], t: AddressTokens, parse: ScopedParse, hamlet: AddressTokens | undefined): UnitResolution => {
    const answer = freeze(answerForNamedCommunesUncached(communes, t, parse, hamlet))
    namedCommuneAnswers.add(answer)
    return answer
  }
  const answerForNamedCommunesUncached = (communes: readonly OldCommune[], t: AddressTokens, parse: ScopedParse, hamlet: AddressTokens | undefined): UnitResolution => {
    const written = t.written.slice(parse.detailEnd, parse.communeEnd).join(" ")
    if (communes.length === 1) {
      const c = communes[0]!
      let answer = communeAnswer.get(c.code)!
      if (answer.status === "ambiguous") answer = applyHints(answer, hintsFor(c), label(c), t, parse.detailEnd, hamlet)
      const how = `matched by name "${written}" -> old commune ${label(c)} of ${districtLabel(c.districtCode)}`
      return withNotes({ ...answer, reason: answer.reason === undefined ? `${answer.reasonCode}: ${how}` : `${answer.reason}; ${how}` }, parse.notes)
    }
    const answers = communes.map((c) => communeAnswer.get(c.code)!)
    const single = answers.every((a) => a.newCommuneCode !== undefined && a.newCommuneCode === answers[0]!.newCommuneCode && a.status !== "ambiguous")
    const names = communes.map((c) => `${label(c)} of ${districtLabel(c.districtCode)}`).join(", ")
    if (single) {
      const a = answers[0]!
      return withNotes(
        {
          status: "mapped",
          newCommuneCode: a.newCommuneCode!,
          ...(a.newProvinceCode !== undefined ? { newProvinceCode: a.newProvinceCode } : {}),
          candidates: a.candidates,
          reasonCode: "namesakes_same_successor",
          reason: `namesakes_same_successor: "${written}" names ${communes.length} old communes (${names}), all now in ${newName(a.newCommuneCode!)}`
        },
        parse.notes
      )
    }
    const set = new Set<NewCommuneCode>()
    for (const a of answers) for (const c of a.candidates) set.add(c)
    const provincesOfAnswers = new Set(answers.map((a) => a.newProvinceCode))
    const province = provincesOfAnswers.size === 1 ? answers[0]!.newProvinceCode : undefined
    return withNotes(
      {
        status: "ambiguous",
        ...(province !== undefined ? { newProvinceCode: province } : {}),
        candidates: Object.freeze([...set].sort()),
        reasonCode: "name_ambiguous",
        reason: `name_ambiguous: "${written}" names ${communes.length} old communes in scope (${names}); give the district or the code`
      },
      parse.notes
    )
  }

  const unknown = (reasonCode: UnitResolutionReasonCode, text: string, province?: NewProvinceCode): UnitResolution => ({
    status: "unknown",
    candidates: EMPTY,
    reasonCode,
    reason: `${reasonCode}: ${text}`,
    ...(province !== undefined ? { newProvinceCode: province } : {})
  })

  const present = (s: string | undefined): string | undefined => {
    if (s === undefined) return undefined
    const t = s.trim()
    return t.length === 0 ? undefined : t
  }

  const resolveUncached = (ref: UnitReference): UnitResolution => {
    const pRaw = present(ref.provinceCode)
    const dRaw = present(ref.districtCode)
    const cRaw = present(ref.communeCode)
    const address = present(ref.address)
    const hamletText = present(ref.hamlet)
    const p = pRaw === undefined ? undefined : normalizeUnitCode(pRaw, "province")
    const d = dRaw === undefined ? undefined : normalizeUnitCode(dRaw, "district")
    const c = cRaw === undefined ? undefined : normalizeUnitCode(cRaw, "commune")
    if ((pRaw !== undefined && p === undefined) || (dRaw !== undefined && d === undefined) || (cRaw !== undefined && c === undefined)) {
      const bad = [pRaw !== undefined && p === undefined ? `province "${pRaw}"` : "", dRaw !== undefined && d === undefined ? `district "${dRaw}"` : "", cRaw !== undefined && c === undefined ? `commune "${cRaw}"` : ""]
        .filter((x) => x.length > 0)
        .join(", ")
      return unknown("invalid_code", `not a unit code: ${bad} (codes are 2/3/5 digits)`)
    }
    const province = p === undefined ? undefined : idx.oldProvince.get(p)
    if (p !== undefined && province === undefined) {
      return unknown("unknown_province_code", `${p} is not an old province code`)
    }
    const district = d === undefined ? undefined : idx.oldDistrict.get(d)
    if (d !== undefined && district === undefined) {
      return unknown("unknown_district_code", `${d} is not an old district code`, province?.newProvinceCode)
    }
    if (district !== undefined && province !== undefined && district.provinceCode !== province.code) {
      return unknown("district_not_in_province", `old district ${label(district)} is not in old province ${label(province)}`)
    }
    if (c !== undefined) {
      const commune = idx.oldCommune.get(c)
      const knownProvince = district !== undefined ? newProvinceOfOldProvince(district.provinceCode) : province?.newProvinceCode
      if (commune === undefined) {
        const asNew = idx.newCommune.get(c)
        if (asNew !== undefined) {
          return unknown("new_commune_code_given", `${c} is not an old commune code; it is the new code of ${label(asNew)}. Records must carry old codes (or be tagged as new)`, knownProvince)
        }
        return unknown("unknown_commune_code", `${c} is not an old commune code`, knownProvince)
      }
      if (district !== undefined && commune.districtCode !== district.code) {
        return unknown("commune_not_in_district", `old commune ${label(commune)} is in ${districtLabel(commune.districtCode)}, not in ${label(district)}`)
      }
      if (province !== undefined && commune.provinceCode !== province.code) {
        return unknown("commune_not_in_province", `old commune ${label(commune)} is not in old province ${label(province)}`)
      }
      const answer = communeAnswer.get(commune.code)!
      if (answer.status !== "ambiguous" || !hasHints || (address === undefined && hamletText === undefined)) return answer
      const tokens = address === undefined ? undefined : tokenizeAddress(address)
      const hamlet = hamletText === undefined ? undefined : tokenizeAddress(hamletText)
      const parse = tokens === undefined ? undefined : parseScoped(tokens, { province: idx.oldProvince.get(commune.provinceCode)!, district: idx.oldDistrict.get(commune.districtCode)!, commune })
      return applyHints(answer, hintsFor(commune), label(commune), tokens, parse?.detailEnd ?? 0, hamlet)
    }

    const tokens = address === undefined ? undefined : tokenizeAddress(address)
    const hamlet = hamletText === undefined ? undefined : tokenizeAddress(hamletText)

    if (district !== undefined) {
      const answer = districtAnswer.get(district.code)!
      if (answer.status === "mapped" || tokens === undefined) {
        if (hamlet !== undefined && answer.status !== "mapped") return applyHints(answer, districtHints.get(district.code) ?? [], label(district), undefined, 0, hamlet)
        return answer
      }
      const parse = parseScoped(tokens, { province: idx.oldProvince.get(district.provinceCode)!, district })
      if (parse.communes !== undefined) return answerForNamedCommunes(parse.communes, tokens, parse, hamlet)
      const hinted = applyHints(answer, districtHints.get(district.code) ?? [], label(district), tokens, parse.detailEnd, hamlet)
      if (hinted !== answer) return withNotes(hinted, parse.notes)
      return withNotes(
        {
          ...answer,
          reasonCode: "commune_name_not_in_scope",
          reason: `commune_name_not_in_scope: the address names no old commune of ${label(district)}; ${answer.reason}`
        },
        parse.notes
      )
    }

    if (tokens === undefined) {
      if (province !== undefined) return provinceAnswer.get(province.code)!
      return unknown("no_reference", "no province, district, commune code or address")
    }

    const parse = parseScoped(tokens, province !== undefined ? { province } : {})
    if (parse.communes !== undefined) {
      const set = new Set<NewCommuneCode>()
      for (const cm of parse.communes) for (const x of communeAnswer.get(cm.code)!.candidates) set.add(x)
      if (parse.communes.length > 1 && set.size > MAX_NAME_CANDIDATES) {
        return unknown(
          "name_ambiguous",
          `"${tokens.written.slice(parse.detailEnd, parse.communeEnd).join(" ")}" names ${parse.communes.length} old communes (${set.size} possible new communes); give the province, district or code`
        )
      }
      return answerForNamedCommunes(parse.communes, tokens, parse, hamlet)
    }
    if (parse.districts !== undefined && parse.districts.length === 1) {
      const answer = districtAnswer.get(parse.districts[0]!.code)!
      if (answer.status === "mapped") return answer
      const hinted = applyHints(answer, districtHints.get(parse.districts[0]!.code) ?? [], label(parse.districts[0]!), tokens, parse.detailEnd, hamlet)
      return withNotes(hinted, parse.notes)
    }
    if (parse.provinces !== undefined && parse.provinces.length === 1) {
      const answer = provinceAnswer.get(parse.provinces[0]!.code)!
      if (province === undefined || parse.districts !== undefined) {
        return withNotes(
          {
            ...answer,
            reasonCode: parse.districts !== undefined ? "name_ambiguous" : "commune_name_not_in_scope",
            reason: `${parse.districts !== undefined ? "name_ambiguous: the district name fits several old districts" : "commune_name_not_in_scope: no old commune name found"} in "${address}"; ${answer.reason}`
          },
          parse.notes
        )
      }
      return withNotes({ ...answer, reasonCode: "commune_name_not_in_scope", reason: `commune_name_not_in_scope: the address names no old commune of ${label(province)}; ${answer.reason}` }, parse.notes)
    }
    return unknown("name_not_found", `no old unit name found in "${address}"`)
  }

  const memo = new Map<string, UnitResolution>()
  const memoized = (ref: UnitReference, address: string | undefined, hamlet: string | undefined): UnitResolution => {
    const key = `${ref.provinceCode ?? ""}\u0001${ref.districtCode ?? ""}\u0001${ref.communeCode ?? ""}\u0001${address ?? ""}\u0001${hamlet ?? ""}`
    const hit = memo.get(key)
    if (hit !== undefined) return hit
    const answer = freeze(resolveUncached({ provinceCode: ref.provinceCode, districtCode: ref.districtCode, communeCode: ref.communeCode, address, hamlet }))
    if (memo.size >= memoLimit) memo.clear()
    memo.set(key, answer)
    return answer
  }

  const resolve = (ref: UnitReference): UnitResolution => {
    const address = ref.address
    const hamlet = ref.hamlet
    const textless = (address === undefined || address.length === 0) && (hamlet === undefined || hamlet.length === 0)
    const c = ref.communeCode
    if (c !== undefined && c.length > 0) {
      // a commune code decides; text only matters for hints on a split commune
      if (textless && c.length === 5 && (ref.districtCode === undefined || ref.districtCode === "") && (ref.provinceCode === undefined || ref.provinceCode === "")) {
        const a = communeAnswer.get(c)
        if (a !== undefined) return a
      }
      if (!hasHints) return memoized(ref, undefined, undefined)
    }
    if (textless) return memoized(ref, undefined, undefined)
    if (hasHints || address === undefined || address.length === 0) return memoized(ref, address, hamlet)
    // Without hints only the unit names at the end of an address matter, and those repeat across
    // millions of records while house numbers and hamlets do not: resolve the last few parts
    // (memoised) and use that answer when it identifies the commune.
    const fixedLevels = ref.districtCode !== undefined && ref.districtCode.length > 0 ? 2 : ref.provinceCode !== undefined && ref.provinceCode.length > 0 ? 1 : 0
    for (const parts of TAIL_ATTEMPTS[fixedLevels]!) {
      const tail = tailParts(address, parts)
      if (tail === undefined) break
      const answer = memoized(ref, tail, undefined)
      if (namedCommuneAnswers.has(answer)) return answer
    }
    return memoized(ref, address, undefined)
  }

  return { catalog, resolve, hintProblems }
}

/** How many trailing address parts to try, by the number of levels the codes already fix. */
const TAIL_ATTEMPTS: readonly (readonly number[])[] = [[3, 4], [2, 3], [1, 2, 3]]

const isPartBreakCode = (c: number): boolean => c === 0x2c || c === 0x3b || c === 0x7c || c === 0x0a || c === 0x0d

/** The text after the `parts`-th part break from the end, or undefined when there are not that many. */
function tailParts(address: string, parts: number): string | undefined {
  let seen = 0
  let end = address.length
  while (end > 0 && (isPartBreakCode(address.charCodeAt(end - 1)) || address.charCodeAt(end - 1) === 0x20)) end--
  for (let i = end - 1; i >= 0; i--) {
    if (isPartBreakCode(address.charCodeAt(i))) {
      seen++
      if (seen === parts) return address.slice(i + 1, end)
    }
  }
  return undefined
}

/** More possible new communes than this for a nationwide name match is not a useful review item. */
const MAX_NAME_CANDIDATES = 20

/** Province names as people write them, keyed by the official name's base key. */
const PROVINCE_ALIASES: ReadonlyArray<readonly [alias: string, officialBaseKey: string]> = [
  ["HCM", "ho chi minh"],
  ["TP HCM", "ho chi minh"],
  ["TPHCM", "ho chi minh"],
  ["Sài Gòn", "ho chi minh"],
  ["Huế", "thua thien hue"],
  ["BRVT", "ba ria vung tau"],
  ["Vũng Tàu", "ba ria vung tau"],
  ["Đắc Lắc", "dak lak"],
  ["Đắk Lắc", "dak lak"],
  ["Đắc Nông", "dak nong"],
  ["HN", "ha noi"]
]

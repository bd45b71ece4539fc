/**
 * Officials' accounts (tài khoản cán bộ) of all old systems merged into the unified system.
 *
 * Pure logic, no I/O. Rules, in order:
 * 1. Same person: accounts are linked by CCCD (strongest), then e-mail, then phone, then full
 *    name + unit. Two accounts with different CCCDs are never merged, whatever else they share;
 *    such near-misses are returned as conflicts for review.
 * 2. Primary member of a person: the lowest-sorted member key ("source:sourceId") among active
 *    members (among all members when none is active). The target account id is derived from the
 *    lowest-sorted member key of the person (stable across reruns).
 * 3. Username: the primary member's username, normalised (no diacritics, lowercase, [a-z0-9._-]).
 *    Persons claim usernames in the order of their lowest member key; usernames already in the
 *    target system are taken. A later claimant gets "<username>.<source>" ("source_suffix"),
 *    then "<username>.<source>.2", ".3", … ("numeric_suffix").
 * 4. Roles: each old role goes through `roleMap` (district roles -> configured roles); a role
 *    mapped to null is abolished and dropped; a role missing from the map is dropped and listed.
 * 5. Status: disabled when no member is active ("inactive in every source system"), or when
 *    every active member belongs to an abolished agency (reason given); otherwise active.
 * 6. Password: the primary member's hash is carried only when its algorithm is one the target
 *    verifies (bcrypt, argon2id by default; recognised from the hash itself when not declared).
 *    Anything else (md5, sha1, salted sha, plain, unknown) is never carried: mustResetPassword.
 *    Hashes live only in MergedAccount for the database loader; `toReportRow` leaves them out.
 */
import { createHash } from "node:crypto"
import { foldAccents, foldKey } from "../text/vietnamese.ts"

export interface SourceAccount {
  /** Old system name ("dvc_tinh_a", "hotich_b"). */
  readonly source: string
  readonly sourceId: string
  readonly username: string
  readonly fullName: string
  /** Căn cước công dân (12 digits) or old CMND (9 digits). */
  readonly cccd?: string
  readonly email?: string
  readonly phone?: string
  readonly agencySourceId?: string
  /** Old unit code of the account's agency (province 2, district 3 or commune 5 digits). */
  readonly oldUnitCode?: string
  readonly roles: readonly string[]
  readonly passwordHash?: string
  readonly hashAlgorithm?: string
  readonly active: boolean
}

export interface AccountMergeContext {
  /** Old role -> new role; null = abolished (dropped). Roles not listed are dropped and reported. */
  readonly roleMap: Readonly<Record<string, string | null>>
  /** Agencies that no longer exist (agencySourceId -> why / successor), e.g. district offices. */
  readonly abolishedAgencies?: ReadonlyMap<string, string>
  /** Hash algorithms the target verifies. Default: bcrypt, argon2id. */
  readonly verifiedHashAlgorithms?: readonly string[]
  /** Usernames that already exist in the target system. */
  readonly existingUsernames?: ReadonlySet<string>
}

export type MatchSignal = "cccd" | "email" | "phone" | "name_unit"
export type CollisionRule = "none" | "source_suffix" | "numeric_suffix"

export interface MergedAccount {
  /** Deterministic id from the person's lowest-sorted member key. */
  readonly targetAccountId: string
  readonly targetUsername: string
  readonly collisionRule: CollisionRule
  /** Member keys ("source:sourceId"), sorted; the first is the primary unless it is inactive. */
  readonly members: readonly string[]
  readonly primaryMember: string
  /** Signals that linked the members (empty for a single account). */
  readonly matchedBy: readonly MatchSignal[]
  readonly fullName: string
  readonly cccd?: string
  readonly email?: string
  readonly phone?: string
  readonly agencySourceIds: readonly string[]
  readonly roles: readonly string[]
  readonly droppedRoles: readonly string[]
  readonly status: "active" | "disabled"
  readonly disabledReason?: string
  readonly mustResetPassword: boolean
  readonly passwordResetReason?: string
  /** Only for loading into the target database. Never in reports or exports. */
  readonly passwordHash?: string
  readonly hashAlgorithm?: string
}

export interface AccountConflict {
  readonly members: readonly string[]
  readonly signal: MatchSignal
  readonly reason: string
}

export interface AccountMergeResult {
  readonly accounts: MergedAccount[]
  readonly conflicts: AccountConflict[]
}

export const DEFAULT_VERIFIED_HASH_ALGORITHMS: readonly string[] = ["bcrypt", "argon2id"]

const memberKey = (a: SourceAccount): string => `${a.source}:${a.sourceId}`

const digits = (s: string): string => s.replace(/\D/g, "")

/** CCCD (12) or CMND (9) digits, or undefined when not a plausible number. */
export function normalizeCitizenId(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const d = digits(raw)
  return d.length === 12 || d.length === 9 ? d : undefined
}

export function normalizeEmail(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  const e = raw.trim().toLowerCase()
  return /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e) ? e : undefined
}

/** Vietnamese phone numbers as 0xxxxxxxxx (+84 / 84 prefixes removed). */
export function normalizePhone(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  let d = digits(raw)
  if (d.startsWith("84") && d.length === 11) d = `0${d.slice(2)}`
  return /^0\d{9}$/.test(d) ? d : undefined
}

/** The hash algorithm, from the declared name or the hash's own prefix. */
export function detectHashAlgorithm(hash: string | undefined, declared: string | undefined): string | undefined {
  if (declared !== undefined && declared.trim().length > 0) {
    const d = declared.trim().toLowerCase()
    return d === "bcrypt" || d === "2a" || d === "2b" || d === "2y" ? "bcrypt" : d
  }
  if (hash === undefined) return undefined
  if (/^\$2[aby]\$\d\d\$/.test(hash)) return "bcrypt"
  if (hash.startsWith("$argon2id$")) return "argon2id"
  if (hash.startsWith("$argon2i$")) return "argon2i"
  if (/^[0-9a-f]{32}$/i.test(hash)) return "md5"
  if (/^[0-9a-f]{40}$/i.test(hash)) return "sha1"
  if (/^[0-9a-f]{64}$/i.test(hash)) return "sha256"
  return "unknown"
}

/** Username as the target accepts it: no diacritics, lowercase, [a-z0-9._-]. */
export function normalizeUsername(raw: string): string {
  const u = foldAccents(raw)
    .toLowerCase()
    .replace(/\s+/g, ".")
    .replace(/[^a-z0-9._-]/g, "")
    .replace(/^[._-]+|[._-]+$/g, "")
  return u.length > 0 ? u : "user"
}

/** A stable UUID-shaped id from a member key. */
export function accountIdFor(key: string): string {
  const h = createHash("sha256").update(`provmerge:account:${key}`).digest("hex")
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`
}

export function mergeOfficialAccounts(accounts: readonly SourceAccount[], ctx: AccountMergeContext): AccountMergeResult {
  const n = accounts.length
  const parent = Array.from({ length: n }, (_, i) => i)
  const cccdOf: (string | undefined)[] = accounts.map((a) => normalizeCitizenId(a.cccd))
  const groupCccd = new Map<number, string>()
  const signals = new Map<number, Set<MatchSignal>>()
  const conflicts: AccountConflict[] = []
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!
      i = parent[i]!
    }
    return i
  }
  for (let i = 0; i < n; i++) if (cccdOf[i] !== undefined) groupCccd.set(i, cccdOf[i]!)
  const union = (a: number, b: number, signal: MatchSignal): void => {
    const ra = find(a)
    const rb = find(b)
    if (ra === rb) {
      signals.get(ra)?.add(signal)
      return
    }
    const ca = groupCccd.get(ra)
    const cb = groupCccd.get(rb)
    if (ca !== undefined && cb !== undefined && ca !== cb) {
      conflicts.push({
        members: [memberKey(accounts[a]!), memberKey(accounts[b]!)].sort(),
        signal,
        reason: `same ${signal === "name_unit" ? "name and unit" : signal} but different CCCD: not merged, check whether these are two people`
      })
      return
    }
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra]
    parent[child] = root
    const cc = ca ?? cb
    if (cc !== undefined) groupCccd.set(root, cc)
    const s = signals.get(root) ?? new Set<MatchSignal>()
    for (const x of signals.get(child) ?? []) s.add(x)
    s.add(signal)
    signals.set(root, s)
  }
  // deterministic: process in member-key order
  const order = accounts.map((a, i) => [memberKey(a), i] as const).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0))
  const sortedIdx = order.map(([, i]) => i)
  // link in member-key order, so that unions (and refusals) do not depend on input order
  const remap = (signal: MatchSignal, keyOf: (a: SourceAccount, i: number) => string | undefined): void => {
    const first = new Map<string, number>()
    for (const i of sortedIdx) {
      const k = keyOf(accounts[i]!, i)
      if (k === undefined) continue
      const f = first.get(k)
      if (f === undefined) first.set(k, i)
      else union(f, i, signal)
    }
  }
  remap("cccd", (_a, i) => cccdOf[i])
  remap("email", (a) => normalizeEmail(a.email))
  remap("phone", (a) => normalizePhone(a.phone))
  remap("name_unit", (a) => {
    const unit = a.agencySourceId ?? a.oldUnitCode
    const name = foldKey(a.fullName)
    return unit === undefined || name.length === 0 ? undefined : `${name}@${unit}`
  })

  const groups = new Map<number, number[]>()
  for (const i of sortedIdx) {
    const r = find(i)
    const g = groups.get(r)
    if (g === undefined) groups.set(r, [i])
    else g.push(i)
  }

  const verified = new Set((ctx.verifiedHashAlgorithms ?? DEFAULT_VERIFIED_HASH_ALGORITHMS).map((a) => a.toLowerCase()))
  const taken = new Set([...(ctx.existingUsernames ?? [])].map((u) => u.toLowerCase()))
  const abolished = ctx.abolishedAgencies ?? new Map<string, string>()

  // persons in the order of their lowest member key (members are already sorted)
  const persons = [...groups.values()].sort((a, b) => {
    const ka = memberKey(accounts[a[0]!]!)
    const kb = memberKey(accounts[b[0]!]!)
    return ka < kb ? -1 : ka > kb ? 1 : 0
  })

  const merged: MergedAccount[] = []
  for (const idxs of persons) {
    const members = idxs.map((i) => accounts[i]!)
    const keys = members.map(memberKey)
    const activeMembers = members.filter((m) => m.active)
    const primary = activeMembers[0] ?? members[0]!

    // username
    const base = normalizeUsername(primary.username)
    let username = base
    let collisionRule: CollisionRule = "none"
    if (taken.has(username)) {
      collisionRule = "source_suffix"
      username = `${base}.${normalizeUsername(primary.source)}`
      for (let k = 2; taken.has(username); k++) {
        collisionRule = "numeric_suffix"
        username = `${base}.${normalizeUsername(primary.source)}.${k}`
      }
    }
    taken.add(username)

    // roles
    const roles = new Set<string>()
    const dropped = new Set<string>()
    for (const m of members) {
      for (const role of m.roles) {
        if (!(role in ctx.roleMap)) dropped.add(role)
        else {
          const to = ctx.roleMap[role]
          if (to === null || to === undefined) dropped.add(role)
          else roles.add(to)
        }
      }
    }

    // status
    let status: "active" | "disabled" = "active"
    let disabledReason: string | undefined
    if (activeMembers.length === 0) {
      status = "disabled"
      disabledReason = "inactive in every source system"
    } else if (activeMembers.every((m) => m.agencySourceId !== undefined && abolished.has(m.agencySourceId))) {
      status = "disabled"
      disabledReason = `abolished unit: ${[...new Set(activeMembers.map((m) => abolished.get(m.agencySourceId!)!))].join("; ")}`
    }

    // password
    const algorithm = detectHashAlgorithm(primary.passwordHash, primary.hashAlgorithm)
    const carry = primary.passwordHash !== undefined && primary.passwordHash.length > 0 && algorithm !== undefined && verified.has(algorithm)
    const passwordResetReason = carry
      ? undefined
      : primary.passwordHash === undefined || primary.passwordHash.length === 0
        ? "no password hash in the source"
        : `hash algorithm ${algorithm ?? "unknown"} is not one the target verifies (${[...verified].join(", ")})`

    const first = <T>(pick: (m: SourceAccount) => T | undefined): T | undefined => {
      for (const m of [primary, ...members]) {
        const v = pick(m)
        if (v !== undefined) return v
      }
      return undefined
    }
    const cccd = first((m) => normalizeCitizenId(m.cccd))
    const email = first((m) => normalizeEmail(m.email))
    const phone = first((m) => normalizePhone(m.phone))
    const rootSignals = signals.get(find(idxs[0]!))
    merged.push({
      targetAccountId: accountIdFor(keys[0]!),
      targetUsername: username,
      collisionRule,
      members: keys,
      primaryMember: memberKey(primary),
      matchedBy: members.length > 1 ? [...(rootSignals ?? [])].sort() : [],
      fullName: primary.fullName,
      ...(cccd !== undefined ? { cccd } : {}),
      ...(email !== undefined ? { email } : {}),
      ...(phone !== undefined ? { phone } : {}),
      agencySourceIds: [...new Set(members.map((m) => m.agencySourceId).filter((x): x is string => x !== undefined))].sort(),
      roles: [...roles].sort(),
      droppedRoles: [...dropped].sort(),
      status,
      ...(disabledReason !== undefined ? { disabledReason } : {}),
      mustResetPassword: !carry,
      ...(passwordResetReason !== undefined ? { passwordResetReason } : {}),
      ...(carry ? { passwordHash: primary.passwordHash!, hashAlgorithm: algorithm! } : {})
    })
  }
  return { accounts: merged, conflicts }
}

/** A row of the workbook's accounts sheet: everything a reviewer needs, never a password hash. */
export interface AccountReportRow {
  readonly targetAccountId: string
  readonly targetUsername: string
  readonly fullName: string
  readonly cccd: string
  readonly email: string
  readonly phone: string
  readonly members: string
  readonly matchedBy: string
  readonly collisionRule: CollisionRule
  readonly roles: string
  readonly droppedRoles: string
  readonly status: "active" | "disabled"
  readonly disabledReason: string
  readonly mustResetPassword: boolean
  readonly passwordResetReason: string
}

export function toReportRow(a: MergedAccount): AccountReportRow {
  return {
    targetAccountId: a.targetAccountId,
    targetUsername: a.targetUsername,
    fullName: a.fullName,
    cccd: a.cccd ?? "",
    email: a.email ?? "",
    phone: a.phone ?? "",
    members: a.members.join(" | "),
    matchedBy: a.matchedBy.join(", "),
    collisionRule: a.collisionRule,
    roles: a.roles.join(", "),
    droppedRoles: a.droppedRoles.join(", "),
    status: a.status,
    disabledReason: a.disabledReason ?? "",
    mustResetPassword: a.mustResetPassword,
    passwordResetReason: a.passwordResetReason ?? ""
  }
}

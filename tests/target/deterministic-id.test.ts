import { hash } from "node:crypto"
import { describe, expect, it } from "vitest"
import { deterministicId } from "../../target/deterministic-id.ts"

/** RFC 9562 version 5 the reference way: SHA-1 of `namespace \0 key` by OpenSSL, version and variant bits set. */
const referenceId = (namespace: string, key: string): string => {
  const h = Buffer.from(hash("sha1", `${namespace}\u0000${key}`, "hex"), "hex")
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const x = h.toString("hex", 0, 16)
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`
}

describe("deterministicId", () => {
  it("is the version-5 UUID of SHA-1(namespace \\0 key), for ASCII, Vietnamese and multi-block keys", () => {
    const keys = ["", "1", "ben-thuy/cong_dan/16009", "lâm-điền/hồ_sơ/42", "x".repeat(55), "y".repeat(56), "z".repeat(119), "😀".repeat(40)]
    for (let i = 0; i < 500; i++) keys.push(`src-${i % 7}/ho_so/${(i * 7919) % 100003}`)
    for (const namespace of ["citizen", "dossier", "agency"]) {
      for (const key of keys) expect(deterministicId(namespace, key)).toBe(referenceId(namespace, key))
    }
  })
})

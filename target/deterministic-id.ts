/**
 * Target ids derived from source keys (a name-based UUID, as RFC 9562 version 5 does it with
 * SHA-1), so a rerun or a resumed run writes exactly the rows a clean run writes.
 *
 * One-shot `crypto.hash` over `namespace \0 key`: the same digest as a Hash object fed the three
 * parts, at a fraction of the cost (a dossier row derives three ids on the load hot path).
 */
import { hash } from "node:crypto"

export const deterministicId = (namespace: string, key: string): string => {
  const h = hash("sha1", `${namespace}\u0000${key}`, "buffer")
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const hex = h.toString("hex", 0, 16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/**
 * Target ids derived from source keys (a name-based UUID, as RFC 9562 version 5 does it with
 * SHA-1), so a rerun or a resumed run writes exactly the rows a clean run writes.
 */
import { createHash } from "node:crypto"

export const deterministicId = (namespace: string, key: string): string => {
  const h = createHash("sha1").update(namespace).update("\u0000").update(key).digest()
  h[6] = (h[6]! & 0x0f) | 0x50
  h[8] = (h[8]! & 0x3f) | 0x80
  const hex = h.toString("hex", 0, 16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`
}

/**
 * Target ids derived from source keys (a name-based UUID, as RFC 9562 version 5 does it with
 * SHA-1 over `namespace \0 key`), so a rerun or a resumed run writes exactly the rows a clean run
 * writes.
 *
 * The digest is computed here in plain JavaScript over preallocated buffers: a dossier row
 * derives three ids on the load hot path, and for keys this short (one or two 64-byte blocks)
 * the call into OpenSSL, the Buffer it returns and its hex text cost more than the 80 rounds
 * themselves. The ids are bit-for-bit those of `crypto.hash("sha1", …)` (tested against it), so
 * targets loaded by earlier versions keep their ids.
 */

const W = new Int32Array(80)
let block = new Uint8Array(256)
const encoder = new TextEncoder()

/** The message `namespace \0 key` as UTF-8 in `block`, SHA-1 padded; returns the padded length. */
const padMessage = (namespace: string, key: string): number => {
  const n1 = namespace.length
  const n2 = key.length
  let n = n1 + 1 + n2
  if (n * 3 + 72 > block.length) block = new Uint8Array(n * 3 + 136)
  const b = block
  let ascii = true
  for (let i = 0; i < n1; i++) {
    const c = namespace.charCodeAt(i)
    if (c > 127) {
      ascii = false
      break
    }
    b[i] = c
  }
  if (ascii) {
    b[n1] = 0
    for (let i = 0; i < n2; i++) {
      const c = key.charCodeAt(i)
      if (c > 127) {
        ascii = false
        break
      }
      b[n1 + 1 + i] = c
    }
  }
  if (!ascii) n = encoder.encodeInto(`${namespace}\u0000${key}`, b).written
  const end = (((n + 8) >> 6) + 1) * 64
  b[n] = 0x80
  b.fill(0, n + 1, end - 4)
  const bits = n * 8
  b[end - 4] = bits >>> 24
  b[end - 3] = (bits >>> 16) & 255
  b[end - 2] = (bits >>> 8) & 255
  b[end - 1] = bits & 255
  return end
}

/** The UUID text of SHA-1(`namespace \0 key`) with the version 5 and variant bits set. */
export const deterministicId = (namespace: string, key: string): string => {
  const end = padMessage(namespace, key)
  const b = block
  let h0 = 0x67452301, h1 = 0xefcdab89 | 0, h2 = 0x98badcfe | 0, h3 = 0x10325476, h4 = 0xc3d2e1f0 | 0
  for (let o = 0; o < end; o += 64) {
    for (let i = 0; i < 16; i++) {
      const p = o + 4 * i
      W[i] = (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!
    }
    for (let i = 16; i < 80; i++) {
      const x = W[i - 3]! ^ W[i - 8]! ^ W[i - 14]! ^ W[i - 16]!
      W[i] = (x << 1) | (x >>> 31)
    }
    let a = h0, bb = h1, c = h2, d = h3, e = h4, t = 0
    for (let i = 0; i < 20; i++) {
      t = (((a << 5) | (a >>> 27)) + ((bb & c) | (~bb & d)) + e + 0x5a827999 + W[i]!) | 0
      e = d, d = c, c = (bb << 30) | (bb >>> 2), bb = a, a = t
    }
    for (let i = 20; i < 40; i++) {
      t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e + 0x6ed9eba1 + W[i]!) | 0
      e = d, d = c, c = (bb << 30) | (bb >>> 2), bb = a, a = t
    }
    for (let i = 40; i < 60; i++) {
      t = (((a << 5) | (a >>> 27)) + ((bb & c) | (bb & d) | (c & d)) + e - 0x70e44324 + W[i]!) | 0
      e = d, d = c, c = (bb << 30) | (bb >>> 2), bb = a, a = t
    }
    for (let i = 60; i < 80; i++) {
      t = (((a << 5) | (a >>> 27)) + (bb ^ c ^ d) + e - 0x359d3e2a + W[i]!) | 0
      e = d, d = c, c = (bb << 30) | (bb >>> 2), bb = a, a = t
    }
    h0 = (h0 + a) | 0, h1 = (h1 + bb) | 0, h2 = (h2 + c) | 0, h3 = (h3 + d) | 0, h4 = (h4 + e) | 0
  }
  // Version 5 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
  h1 = (h1 & ~0xf000) | 0x5000
  h2 = (h2 & 0x3fffffff) | 0x80000000
  // The text is written as bytes and sliced out once: a flat string, where 20 concatenations
  // would make a tree that every later read of the id (COPY line, memo) walks through.
  hexAt(0, h0)
  ID[8] = 45
  hexAt(9, h1 >>> 16, 2)
  ID[13] = 45
  hexAt(14, h1 & 0xffff, 2)
  ID[18] = 45
  hexAt(19, h2 >>> 16, 2)
  ID[23] = 45
  hexAt(24, h2 & 0xffff, 2)
  hexAt(28, h3)
  return ID_TEXT.latin1Slice(0, 36)
}

const ID = Buffer.allocUnsafeSlow(36)
const ID_TEXT = ID as unknown as { latin1Slice(start: number, end: number): string }
const HEX_DIGITS = Uint8Array.from("0123456789abcdef", (c) => c.charCodeAt(0))

/** The `bytes` low bytes of `word` (4 by default) as lower-case hex digits at `at` in ID. */
const hexAt = (at: number, word: number, bytes = 4): void => {
  for (let i = bytes * 2 - 1; i >= 0; i--) {
    ID[at + i] = HEX_DIGITS[word & 15]!
    word >>>= 4
  }
}

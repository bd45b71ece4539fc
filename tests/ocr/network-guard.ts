/**
 * Preloaded with `node --import` (it also runs in worker threads, which inherit execArgv): every
 * way out to the network throws, and each thread that loaded the guard is logged, so a test can
 * prove the guard covered tesseract's worker threads too.
 */
import { appendFileSync } from "node:fs"
import net from "node:net"
import dns from "node:dns"
import { isMainThread } from "node:worker_threads"

const log = process.env.NETWORK_GUARD_LOG
if (log !== undefined) appendFileSync(log, `${isMainThread ? "main" : "worker"}\n`)
const refuse = (what: string) => (): never => {
  if (log !== undefined) appendFileSync(log, `ATTEMPT ${what}\n`)
  throw new Error(`network access is disabled in this test (${what})`)
}
globalThis.fetch = refuse("fetch") as typeof fetch
net.Socket.prototype.connect = refuse("net.connect") as unknown as typeof net.Socket.prototype.connect
dns.lookup = refuse("dns.lookup") as unknown as typeof dns.lookup

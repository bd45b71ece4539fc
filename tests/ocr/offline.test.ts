import { describe, expect, it } from "vitest"
import { execFile } from "node:child_process"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const run = promisify(execFile)

describe("offline OCR", () => {
  it("loads the Vietnamese model from node_modules with every network call refused, and leaves no cache file", async () => {
    const cwd = await mkdtemp(join(tmpdir(), "pm-ocr-offline-"))
    const log = join(cwd, "..", `${cwd.split("/").pop()}-guard.log`)
    try {
      const guard = fileURLToPath(new URL("./network-guard.ts", import.meta.url))
      const child = fileURLToPath(new URL("./offline-child.ts", import.meta.url))
      const { stdout } = await run(process.execPath, ["--import", guard, child], {
        cwd,
        env: { ...process.env, NETWORK_GUARD_LOG: log },
        timeout: 100_000
      })
      const out = JSON.parse(stdout) as { text: string; confidence: number }
      expect(out.text).toContain("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM")
      expect(out.text).toContain("ỦY BAN NHÂN DÂN")
      const threads = (await readFile(log, "utf8")).trim().split("\n")
      expect(threads).toContain("main")
      expect(threads).toContain("worker") // the guard ran inside tesseract's worker thread too
      expect(threads.filter((l) => l.startsWith("ATTEMPT"))).toEqual([])
      expect(await readdir(cwd)).toEqual([]) // cacheMethod "none": no traineddata copy in the cwd
    } finally {
      await rm(cwd, { recursive: true, force: true })
      await rm(log, { force: true })
    }
  })
})

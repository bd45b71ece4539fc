import { spawnSync } from "node:child_process"
import { join } from "node:path"
import { describe, expect, it } from "vitest"
import { allocatorRestart, DEFAULT_MMAP_THRESHOLD } from "../../cli/allocator-settings.ts"

const REPO = join(import.meta.dirname, "../..")

describe("the C allocator's setting for run and rerun", () => {
  it("restarts run and rerun with glibc's mmap threshold fixed at 1 MB, keeping the rest of the environment", () => {
    for (const args of [["run", "job.json"], ["rerun", "job.json", "--failed"], ["--log-level", "run", "job.json"]]) {
      const restart = allocatorRestart(args, { PATH: "/bin", PGHOST: "db" })
      expect(restart).toEqual({ env: { PATH: "/bin", PGHOST: "db", MALLOC_MMAP_THRESHOLD_: String(DEFAULT_MMAP_THRESHOLD) } })
    }
    expect(DEFAULT_MMAP_THRESHOLD).toBe(1048576)
  })

  it("leaves the short commands, a second start and the caller's own setting alone", () => {
    expect(allocatorRestart(["status", "job.json"], {})).toBeUndefined()
    expect(allocatorRestart([], {})).toBeUndefined()
    expect(allocatorRestart(["run", "job.json"], { MALLOC_MMAP_THRESHOLD_: "1048576" })).toBeUndefined()
    expect(allocatorRestart(["run", "job.json"], { MALLOC_MMAP_THRESHOLD_: "4194304" })).toBeUndefined()
  })

  it("takes another threshold or 0 (glibc's own sizing) from PROVMERGE_MALLOC_MMAP_THRESHOLD, and says what is wrong with a bad one", () => {
    expect(allocatorRestart(["run"], { PROVMERGE_MALLOC_MMAP_THRESHOLD: " 262144 " })).toEqual({
      env: { PROVMERGE_MALLOC_MMAP_THRESHOLD: " 262144 ", MALLOC_MMAP_THRESHOLD_: "262144" }
    })
    expect(allocatorRestart(["run"], { PROVMERGE_MALLOC_MMAP_THRESHOLD: "0" })).toBeUndefined()
    for (const bad of ["1MB", "-1", "1e6", "abc"]) {
      const restart = allocatorRestart(["run"], { PROVMERGE_MALLOC_MMAP_THRESHOLD: bad })
      expect(restart).toHaveProperty("invalid")
      if (restart !== undefined && "invalid" in restart) expect(restart.invalid).toContain(JSON.stringify(bad))
    }
  })

  it.runIf(process.platform === "linux")("starts `run` again in the same process (same pid, so kill -9 still stops the run) with the setting", () => {
    // A preload runs at every start of the process: it prints the pid and the variable each time.
    const preload = "data:text/javascript,process.stderr.write(`start ${process.pid} ${process.env.MALLOC_MMAP_THRESHOLD_}\\n`)"
    const env = { ...process.env }
    delete env["MALLOC_MMAP_THRESHOLD_"]
    delete env["PROVMERGE_MALLOC_MMAP_THRESHOLD"]
    const started = (command: string) => {
      const child = spawnSync(process.execPath, ["--import", preload, join(REPO, "bin/provmerge.js"), command, "--help"], { cwd: REPO, env, encoding: "utf8" })
      expect(child.status).toBe(0)
      return { pid: child.pid, starts: child.stderr.split("\n").filter((l) => l.startsWith("start ")) }
    }
    const run = started("run")
    expect(run.starts).toEqual([`start ${run.pid} undefined`, `start ${run.pid} 1048576`])
    const status = started("status")
    expect(status.starts).toEqual([`start ${status.pid} undefined`])
  }, 30_000)
})

/**
 * CPU time (user + system) the database servers spend for one contender of a benchmark, read from
 * /proc while it runs (sampled every 100 ms), so that "CPU per row" can be compared across
 * processes and not only wall time, on a machine where mysqld, PostgreSQL and the client share
 * two cores:
 * - PostgreSQL: every backend connected to the given target databases (by process title) and the
 *   parallel workers they start, each at its last sample (a process that exits between samples
 *   loses at most one interval);
 * - MariaDB: every mysqld thread that served a connection to the given source databases
 *   (information_schema.PROCESSLIST.TID), from its time when sampling started.
 * Linux only; counts are in clock ticks converted to seconds.
 */
import { execFileSync } from "node:child_process"
import { readdirSync, readFileSync } from "node:fs"

/** Clock ticks per second of /proc's CPU counters (USER_HZ on Linux). */
export const TICK = 100

/** CPU seconds (user + system) of a process or thread from its /proc stat file; undefined once it is gone. */
export const cpuOf = (statPath: string): number | undefined => {
  try {
    const stat = readFileSync(statPath, "utf8")
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    return (Number(fields[11]) + Number(fields[12])) / TICK // utime, stime
  } catch {
    return undefined
  }
}

const mysqldPid = (): number | undefined => {
  for (const p of readdirSync("/proc")) {
    if (!/^\d+$/.test(p)) continue
    try {
      const comm = readFileSync(`/proc/${p}/comm`, "utf8").trim()
      if (comm === "mariadbd" || comm === "mysqld") return Number(p)
    } catch {
      // gone
    }
  }
  return undefined
}

export interface ServerCpu {
  /** Seconds of CPU so far: PostgreSQL backends of the target databases, mysqld threads of the sources. */
  read(): { postgres: number; mysqld: number }
  stop(): { postgres: number; mysqld: number }
}

export const watchServerCpu = (postgresDatabases: readonly string[], mariadbDatabases: readonly string[]): ServerCpu => {
  const mysqld = mysqldPid()
  const threadBase = new Map<number, number>()
  if (mysqld !== undefined) {
    for (const t of readdirSync(`/proc/${mysqld}/task`)) threadBase.set(Number(t), cpuOf(`/proc/${mysqld}/task/${t}/stat`) ?? 0)
  }
  const backends = new Map<number, number>()
  const threads = new Map<number, number>()
  const titles = postgresDatabases.map((db) => ` ${db} `)
  const list = mariadbDatabases.map((d) => `'${d.replace(/[^A-Za-z0-9_]/g, "")}'`).join(",")
  let ticks = 0
  const sample = () => {
    for (const p of readdirSync("/proc")) {
      if (!/^\d+$/.test(p)) continue
      const pid = Number(p)
      if (!backends.has(pid)) {
        let cmd: string
        try {
          cmd = readFileSync(`/proc/${p}/cmdline`, "utf8")
        } catch {
          continue
        }
        const worker = /parallel worker for PID (\d+)/.exec(cmd)
        const ours = titles.some((t) => cmd.includes(t)) || (worker !== null && backends.has(Number(worker[1])))
        if (!cmd.startsWith("postgres: ") || !ours) continue
      }
      const c = cpuOf(`/proc/${p}/stat`)
      if (c !== undefined) backends.set(pid, c)
    }
    // The processlist is asked every 5th sample (a query of its own); thread times every sample.
    if (mysqld !== undefined && list !== "" && ticks++ % 5 === 0) {
      try {
        const out = execFileSync("mysql", ["-h127.0.0.1", "-uroot", "-N", "-B", "-e", `select tid from information_schema.processlist where db in (${list})`], { encoding: "utf8" })
        for (const line of out.split("\n")) if (line !== "" && !threads.has(Number(line))) threads.set(Number(line), 0)
      } catch {
        // the server is busy or restarting: next time
      }
    }
    for (const tid of threads.keys()) {
      const c = cpuOf(`/proc/${mysqld}/task/${tid}/stat`)
      if (c !== undefined) threads.set(tid, c - (threadBase.get(tid) ?? 0))
    }
  }
  sample()
  const timer = setInterval(sample, 100)
  const read = () => ({
    postgres: [...backends.values()].reduce((a, b) => a + b, 0),
    mysqld: [...threads.values()].reduce((a, b) => a + b, 0)
  })
  return {
    read,
    stop: () => {
      sample()
      clearInterval(timer)
      return read()
    }
  }
}

/**
 * What the engine's fault tests share: a small generated world on the real servers (vendor A in
 * MariaDB, vendor B in PostgreSQL), job files with small batches, in-process runs, CLI runs as
 * child processes with their JSON progress events, and seeded randomness for kill points.
 */
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { parseDatabaseLocation } from "../../connectors/database-location.ts"
import { dropDatabaseIfExists } from "../../connectors/open-database.ts"
import { loadJob } from "../../pipelines/job-config.ts"
import { silentProgress, type ProgressEvent, type ProgressSink } from "../../pipelines/progress-events.ts"
import { runJob, type RunOptions, type RunResult } from "../../pipelines/run-job.ts"
import { generateWorld, type GeneratedWorld } from "../../synthetic/world.ts"
import { MARIADB_SERVER, POSTGRES_SERVER, uniqueName } from "../support/databases.ts"

export const REPO = fileURLToPath(new URL("../../", import.meta.url))

export interface EngineWorld {
  readonly world: GeneratedWorld
  readonly dir: string
  /** Source database names by engine (for terminating their connections). */
  readonly mariadbDatabases: readonly string[]
  readonly postgresDatabases: readonly string[]
  /** A job file next to the world's, with other batch size / concurrency / source DSNs. */
  jobFile(name: string, overrides?: { batchSize?: number; concurrency?: number; dsn?: (dsn: string) => string }): string
  cleanup(): Promise<void>
}

export const createEngineWorld = async (prefix: string, scale: number, seed: number): Promise<EngineWorld> => {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`))
  const world = await generateWorld({
    out: join(dir, "world"),
    scale,
    seed,
    mysql: MARIADB_SERVER,
    postgres: POSTGRES_SERVER,
    dbPrefix: uniqueName(prefix)
  })
  const dsns = world.sources.flatMap((s) => [s.tthc, s.civilStatus])
  const dbName = (dsn: string) => new URL(dsn).pathname.slice(1)
  return {
    world,
    dir,
    mariadbDatabases: dsns.filter((d) => d.startsWith("mysql:")).map(dbName),
    postgresDatabases: dsns.filter((d) => d.startsWith("postgres:")).map(dbName),
    jobFile: (name, overrides = {}) => {
      const job = JSON.parse(readFileSync(world.jobFile, "utf8")) as { sources: Array<Record<string, unknown>> } & Record<string, unknown>
      const file = join(world.out, `${name}.json`)
      const dsn = overrides.dsn ?? ((d: string) => d)
      writeFileSync(file, JSON.stringify({
        ...job,
        batchSize: overrides.batchSize ?? job.batchSize,
        output: `reports-${name}`,
        sources: job.sources.map((s) => ({
          ...s,
          tthc: dsn(String(s.tthc)),
          civilStatus: dsn(String(s.civilStatus)),
          ...(overrides.concurrency === undefined ? {} : { concurrency: overrides.concurrency })
        }))
      }, null, 2))
      return file
    },
    cleanup: async () => {
      for (const d of dsns) if (!d.startsWith("pglite:")) await dropDatabaseIfExists(parseDatabaseLocation(d)).catch(() => undefined)
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

export const runInProcess = async (jobFile: string, target: string, options: Partial<RunOptions> = {}): Promise<RunResult> => {
  const job = await Effect.runPromise(loadJob(jobFile, { target }))
  return Effect.runPromise(runJob(job, { progress: silentProgress, command: "test", ...options }))
}

/** A progress sink that records events and lets a test act on them as they happen. */
export const recordingProgress = (onEvent: (e: ProgressEvent) => void = () => {}): ProgressSink & { events: ProgressEvent[] } => {
  const events: ProgressEvent[] = []
  return {
    events,
    emit: (e) => {
      events.push(e)
      onEvent(e)
    }
  }
}

export interface CliRun {
  readonly child: ChildProcess
  /** JSON progress events seen so far (--log-format json). */
  readonly events: Array<ProgressEvent & { time: string }>
  /** Resolves with the exit code (null when killed) and the non-JSON stderr lines. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; text: string }>
  /** Resolves when `n` batches have finished, or when the process exits first. */
  batchesFinished(n: number): Promise<void>
}

export const runCli = (args: readonly string[]): CliRun => {
  const child = spawn(process.execPath, [join(REPO, "bin/provmerge.js"), ...args], { cwd: REPO, stdio: ["ignore", "pipe", "pipe"] })
  const events: CliRun["events"] = []
  const waiters: Array<{ n: number; resolve: () => void }> = []
  let text = ""
  const finished = () => events.filter((e) => e.type === "batch_finished").length
  const check = () => {
    for (const w of [...waiters]) {
      if (finished() >= w.n) {
        waiters.splice(waiters.indexOf(w), 1)
        w.resolve()
      }
    }
  }
  // One line buffer per stream: stdout (JSON events) and stderr chunks interleave, and a shared
  // buffer would splice a stderr line into the middle of an event, losing it.
  const lineReader = () => {
    let pending = ""
    return (d: Buffer) => {
      pending += d.toString("utf8")
      let i
      while ((i = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, i)
        pending = pending.slice(i + 1)
        if (line.startsWith("{")) {
          try {
            events.push(JSON.parse(line))
          } catch {
            text += line + "\n"
          }
        } else text += line + "\n"
      }
      check()
    }
  }
  child.stderr!.on("data", lineReader())
  child.stdout!.on("data", lineReader())
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; text: string }>((resolve) =>
    child.on("close", (code, signal) => {
      for (const w of waiters.splice(0)) w.resolve()
      resolve({ code, signal, text })
    })
  )
  return {
    child,
    events,
    exited,
    batchesFinished: (n) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || finished() >= n) resolve()
        else waiters.push({ n, resolve })
      })
  }
}

/** A small seeded generator (mulberry32), so kill points are random but repeatable. */
export const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * A TCP proxy on 127.0.0.1 in front of a database server, which a test can cut (every open
 * connection reset, new ones dropped at once, as while a server restarts) and restore.
 */
export interface CuttableProxy {
  readonly port: number
  cut(): void
  restore(): void
  close(): Promise<void>
}

export const startProxy = async (upstreamPort: number, upstreamHost = "127.0.0.1"): Promise<CuttableProxy> => {
  const { createServer, connect } = await import("node:net")
  const sockets = new Set<import("node:net").Socket>()
  let down = false
  const server = createServer((client) => {
    if (down) {
      client.resetAndDestroy()
      return
    }
    const upstream = connect(upstreamPort, upstreamHost)
    sockets.add(client)
    sockets.add(upstream)
    const close = () => {
      sockets.delete(client)
      sockets.delete(upstream)
      client.destroy()
      upstream.destroy()
    }
    client.on("error", close).on("close", close)
    upstream.on("error", close).on("close", close)
    client.pipe(upstream)
    upstream.pipe(client)
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const port = (server.address() as import("node:net").AddressInfo).port
  return {
    port,
    cut: () => {
      down = true
      for (const s of sockets) s.resetAndDestroy()
      sockets.clear()
    },
    restore: () => {
      down = false
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      })
  }
}

/** Terminates every backend of these PostgreSQL databases (what a server restart does to a run). */
export const terminatePostgresBackends = async (databases: readonly string[]): Promise<number> => {
  const { default: pg } = await import("pg")
  const client = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` })
  await client.connect()
  try {
    const r = await client.query(
      "select pg_terminate_backend(pid) from pg_stat_activity where datname = any($1::text[]) and pid <> pg_backend_pid()",
      [databases]
    )
    return r.rowCount ?? 0
  } finally {
    await client.end()
  }
}

/**
 * Waits until no backend but ours is connected to the database. After a client is killed with
 * SIGKILL its server backend lives on until it notices, and a COMMIT it had already received still
 * commits: read the ledger only once those backends are gone, or a batch verified "after" the kill
 * is counted as neither verified before nor loaded by the next run.
 */
export const waitForPostgresBackendsGone = async (database: string, timeoutMs = 30_000): Promise<void> => {
  const { default: pg } = await import("pg")
  const client = new pg.Client({ connectionString: `${POSTGRES_SERVER}/postgres` })
  await client.connect()
  try {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const r = await client.query<{ n: number }>(
        "select count(*)::int as n from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()",
        [database]
      )
      if (r.rows[0]!.n === 0) return
      if (Date.now() > deadline) throw new Error(`backends of killed clients still connected to ${database} after ${timeoutMs} ms`)
      await sleep(50)
    }
  } finally {
    await client.end()
  }
}

/** KILLs every MariaDB connection using these databases. */
export const killMariadbConnections = async (databases: readonly string[]): Promise<number> => {
  const mysql = await import("mysql2/promise")
  const conn = await mysql.createConnection({ uri: `${MARIADB_SERVER}/` })
  try {
    const [rows] = await conn.query("select id from information_schema.processlist where db in (?) and id <> connection_id()", [databases])
    let n = 0
    for (const r of rows as Array<{ id: number }>) {
      await conn.query(`KILL ${Number(r.id)}`).then(() => n++, () => undefined)
    }
    return n
  } finally {
    await conn.end()
  }
}

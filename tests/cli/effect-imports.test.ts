import { readdirSync, readFileSync } from "node:fs"
import { join, relative } from "node:path"
import { describe, expect, it } from "vitest"

/** The directories whose modules a command loads (tests and benches may use the index). */
const RUNTIME_DIRS = ["bin", "cli", "connectors", "dedupe", "mappings", "ocr", "pipelines", "reports", "synthetic", "target", "text"]
const root = join(import.meta.dirname, "..", "..")

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(path)
    return /\.(ts|js|mjs)$/.test(entry.name) ? [path] : []
  })

describe("imports of effect", () => {
  it("name each module (effect/Effect, effect/Data …), never the package index, in code a command loads", () => {
    // The index loads every module of the package: ≈ 20 MB more RSS for every command, through
    // every stage of a run (BENCHMARKS.md, engine, "Margin at 4×"). A type-only import is erased.
    const offenders: string[] = []
    for (const dir of RUNTIME_DIRS) {
      for (const file of sourceFiles(join(root, dir))) {
        const text = readFileSync(file, "utf8")
        for (const [line, n] of text.split("\n").map((l, i) => [l, i + 1] as const)) {
          if (/^\s*import\s+type\b/.test(line)) continue
          if (/\bfrom\s+["']effect["']|\bimport\(\s*["']effect["']\s*\)/.test(line)) offenders.push(`${relative(root, file)}:${n}: ${line.trim()}`)
        }
      }
    }
    expect(offenders).toEqual([])
  })
})

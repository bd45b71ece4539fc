import { describe, expect, it } from "vitest"
import { DEFAULT_HEAP_GROWING_PERCENT, heapGrowthFlag } from "../../cli/heap-growth.ts"

describe("PROVMERGE_HEAP_GROWING_PERCENT", () => {
  it("caps the old generation at 50 % over the live heap when unset or empty", () => {
    expect(heapGrowthFlag(undefined)).toEqual({ flag: `--heap-growing-percent=${DEFAULT_HEAP_GROWING_PERCENT}` })
    expect(heapGrowthFlag("  ")).toEqual({ flag: "--heap-growing-percent=50" })
  })

  it("takes a whole number of percent, and 0 for V8's own sizing", () => {
    expect(heapGrowthFlag("25")).toEqual({ flag: "--heap-growing-percent=25" })
    expect(heapGrowthFlag(" 0 ")).toEqual({ flag: undefined })
  })

  it("says what is wrong with a setting that is not a whole number instead of ignoring it", () => {
    for (const bad of ["abc", "-5", "12.5", "1e3", "50%"]) {
      const chosen = heapGrowthFlag(bad)
      expect(chosen).toHaveProperty("invalid")
      if ("invalid" in chosen) expect(chosen.invalid).toContain(JSON.stringify(bad))
    }
  })
})

/**
 * Defects found while loading a unit catalog, and what the loader did about each. The official
 * workbook is what users are handed, defects included; a loader reports instead of failing or
 * guessing, and this is the shape of that report.
 */

/** Stable defect codes (reports and tests key on these). */
export type CatalogDefectCode =
  // cosmetic cell defects, fixed by normalisation (aggregated: one defect per kind)
  | "embedded_newline"
  | "stray_whitespace"
  | "repeated_whitespace"
  | "not_nfc"
  | "curly_apostrophe"
  | "tone_mark_placement"
  | "numeric_code_cell"
  // sheet structure
  | "header_row"
  | "banner_row"
  | "stray_label_row"
  | "unreadable_row"
  // rows without an old commune code
  | "island_district_row"
  | "unitless_area_row"
  // content defects
  | "wrong_old_province_label"
  | "wrong_old_commune_code"
  | "old_commune_code_conflict"
  | "missing_edge"
  | "unknown_note"
  | "duplicate_edge"
  | "old_province_split_across_new"
  | "new_commune_name_conflict"
  | "registry_commune_missing_from_crosswalk"
  | "crosswalk_commune_missing_from_registry"
  | "old_commune_name_variant"
  | "missing_table"

export type CatalogDefectSeverity = "info" | "warning" | "error"

export interface CatalogDefect {
  readonly code: CatalogDefectCode
  readonly severity: CatalogDefectSeverity
  /** What is wrong, in domain words. */
  readonly message: string
  /** What the loader did about it ("corrected 00553 -> 00556", "kept both edges; sent to review"). */
  readonly action: string
  /** How many cells/rows this defect covers (aggregated defects have count > 1). */
  readonly count: number
  /** Source rows (1-based sheet rows for the workbook/raw CSV, data rows for cleaned tables). */
  readonly rows: readonly number[]
}

/** Collects defects; cosmetic kinds are aggregated into one entry per code. */
export class DefectLog {
  readonly #items: CatalogDefect[] = []
  readonly #aggregates = new Map<CatalogDefectCode, { severity: CatalogDefectSeverity; message: string; action: string; rows: Set<number>; count: number }>()

  add(defect: Omit<CatalogDefect, "count" | "rows"> & { count?: number; rows?: readonly number[] }): void {
    this.#items.push({ ...defect, count: defect.count ?? 1, rows: defect.rows ?? [] })
  }

  /** Counts one occurrence of an aggregated defect kind (one per cell). */
  tally(code: CatalogDefectCode, severity: CatalogDefectSeverity, message: string, action: string, row: number): void {
    let agg = this.#aggregates.get(code)
    if (agg === undefined) {
      agg = { severity, message, action, rows: new Set(), count: 0 }
      this.#aggregates.set(code, agg)
    }
    agg.count++
    agg.rows.add(row)
  }

  toArray(): CatalogDefect[] {
    const aggregated: CatalogDefect[] = [...this.#aggregates].map(([code, a]) => ({
      code,
      severity: a.severity,
      message: `${a.message} (${a.count} cell${a.count === 1 ? "" : "s"} in ${a.rows.size} row${a.rows.size === 1 ? "" : "s"})`,
      action: a.action,
      count: a.count,
      rows: [...a.rows].sort((x, y) => x - y)
    }))
    return [...aggregated, ...this.#items]
  }
}

/**
 * Generality benchmark: the citizen deduplication engine on the FEBRL data sets (febrl1–4,
 * English names and addresses), with the soc_sec_id column removed and no labels used for
 * training. Scores pairwise precision / recall / F1 of the persons found (pairs inside the
 * same cluster; review pairs count as not merged).
 *   node bench/dedupe-febrl.ts            # per-rule EM (the method)
 *   node bench/dedupe-febrl.ts --single   # also one EM over all blocked pairs, for comparison
 */
import { readFileSync } from "node:fs"
import { febrlSettings, parseFebrlCsv, prepareFebrlTable } from "../dedupe/febrl-settings.ts"
import { ModelCollapsed } from "../dedupe/fellegi-sunter.ts"
import { linkAndCluster } from "../dedupe/record-linkage.ts"

const DATA = new URL("../../shared/data/febrl/", import.meta.url)
const SETS: Record<string, string[]> = {
  febrl1: ["febrl_dataset1.csv"],
  febrl2: ["febrl_dataset2.csv"],
  febrl3: ["febrl_dataset3.csv"],
  febrl4: ["febrl_dataset4a.csv", "febrl_dataset4b.csv"]
}

export interface FebrlScore {
  readonly set: string
  readonly strategy: string
  readonly records: number
  readonly truePairs: number
  readonly predictedPairs: number
  readonly precision: number
  readonly recall: number
  readonly f1: number
  readonly reviewPairs: number
  readonly ms: number
  readonly refused?: string
}

export function scoreFebrl(set: string, strategy: "per-rule" | "single"): FebrlScore {
  const records = SETS[set]!.flatMap((f) => parseFebrlCsv(readFileSync(new URL(f, DATA), "utf8")))
  const entity = records.map((r) => /rec-(\d+)/.exec(r.recId)![1]!)
  const bySize = new Map<string, number>()
  for (const e of entity) bySize.set(e, (bySize.get(e) ?? 0) + 1)
  let truePairs = 0
  for (const k of bySize.values()) truePairs += (k * (k - 1)) / 2
  const t0 = performance.now()
  const table = prepareFebrlTable(records)
  try {
    const { clustering } = linkAndCluster(table, table.size, febrlSettings(false), { linkage: { emStrategy: strategy } })
    const ms = Math.round(performance.now() - t0)
    const members = new Map<number, number[]>()
    clustering.cluster.forEach((c, i) => (members.get(c) ?? members.set(c, []).get(c)!).push(i))
    let tp = 0
    let predicted = 0
    for (const list of members.values())
      for (let x = 0; x < list.length; x++)
        for (let y = x + 1; y < list.length; y++) {
          predicted++
          if (entity[list[x]!] === entity[list[y]!]) tp++
        }
    const precision = predicted === 0 ? 1 : tp / predicted
    const recall = tp / truePairs
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall)
    return { set, strategy, records: records.length, truePairs, predictedPairs: predicted, precision, recall, f1, reviewPairs: clustering.reviewPairs.length, ms }
  } catch (e) {
    if (!(e instanceof ModelCollapsed)) throw e
    return { set, strategy, records: records.length, truePairs, predictedPairs: 0, precision: 0, recall: 0, f1: 0, reviewPairs: 0, ms: Math.round(performance.now() - t0), refused: e.message }
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const strategies: ("per-rule" | "single")[] = process.argv.includes("--single") ? ["per-rule", "single"] : ["per-rule"]
  console.log("| set | EM | records | true pairs | predicted | precision | recall | F1 | review pairs | ms |")
  console.log("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
  for (const strategy of strategies)
    for (const set of Object.keys(SETS)) {
      const s = scoreFebrl(set, strategy)
      console.log(
        `| ${s.set} | ${s.strategy} | ${s.records} | ${s.truePairs} | ${s.predictedPairs} | ${s.precision.toFixed(4)} | ${s.recall.toFixed(4)} | ${s.f1.toFixed(4)} | ${s.reviewPairs} | ${s.ms} |` +
          (s.refused !== undefined ? ` refused: ${s.refused.slice(0, 160)}` : "")
      )
    }
}

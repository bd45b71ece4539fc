/**
 * A load phase with the secondary indexes of its still-empty target tables deferred (see
 * target/deferred-indexes.ts): dropped before the first batch, rebuilt once after the last. The
 * rebuild runs whatever way the phase ends (on failure or interruption too, best effort: what it
 * cannot rebuild stays recorded and comes back when the target is next opened); on success a
 * failed rebuild fails the run, so a run never reports success on a target without its indexes.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { type Kysely, sql } from "kysely"
import { deferIndexesIfEmpty, type DeferredIndex, restoreDeferredIndexes } from "../target/deferred-indexes.ts"
import { describeError, StageFailed } from "./errors.ts"
import type { ProgressSink } from "./progress-events.ts"

export const withFirstLoadIndexesDeferred = <A, E, R>(
  db: Kysely<any>,
  tables: readonly string[],
  progress: ProgressSink,
  load: Effect.Effect<A, E, R>
): Effect.Effect<A, E | StageFailed, R> =>
  Effect.gen(function*() {
    const deferred = yield* Effect.tryPromise({
      try: async () => {
        const all: DeferredIndex[] = []
        for (const table of tables) all.push(...await deferIndexesIfEmpty(db, table))
        return all
      },
      catch: (e) => new StageFailed({ stage: "indexes", cause: `deferring the indexes of ${tables.join(", ")}: ${describeError(e)}` })
    })
    if (deferred.length === 0) return yield* load
    progress.emit({ type: "stage", stage: "indexes", message: `first load: ${deferred.length} indexes deferred (${describe(deferred)})` })
    const result = yield* Effect.onExit(load, (exit) =>
      Exit.isSuccess(exit) ? Effect.void : Effect.promise(() => restoreDeferredIndexes(db).catch(() => [])))
    const started = Date.now()
    const restored = yield* Effect.tryPromise({
      try: async () => {
        const rebuilt = await restoreDeferredIndexes(db)
        // Fresh statistics for what was just bulk-loaded: the later stages' joins (dedupe, link,
        // reconciliation against review items) are planned on them; autovacuum may not have
        // come round yet, and an unanalysed table can turn a hash join into a nested loop.
        await sql`analyze ${sql.join([...tables.map((t) => sql.table(t)), sql.table("provmerge.review_items"), sql.table("provmerge.rejects")])}`.execute(db)
        return rebuilt
      },
      catch: (e) => new StageFailed({ stage: "indexes", cause: `rebuilding the deferred indexes: ${describeError(e)}` })
    })
    const durationMs = Date.now() - started
    progress.emit({ type: "stage", stage: "indexes", message: `${restored.length} deferred indexes rebuilt in ${durationMs} ms`, durationMs })
    return result
  })

const describe = (indexes: readonly DeferredIndex[]): string => indexes.map((i) => i.name).join(", ")

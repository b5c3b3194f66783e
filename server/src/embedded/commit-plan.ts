import type { EncodedEntry } from '../model/state-codec'
import type { KvStore, RowTable, StoredRow } from '../state'

/**
 * Everything one commit writes, as plain data (it may cross to a writer thread): the model's state
 * entries changed since the last commit (the log position among them) and the rows derived.
 */
export interface CommitPlan {
  writes: EncodedEntry[]
  rows: StoredRow[]
  rowsVersion: number
}

/** The stores a plan is written to. */
export interface PlanTargets {
  store: KvStore
  rows: RowTable
}

/** Writes a plan in one transaction: all of it lands, with its position, or none. */
export function applyPlan({ store, rows }: PlanTargets, plan: CommitPlan): void {
  store.db.transaction(() => {
    store.write(plan.writes)
    rows.write(plan.rows, plan.rowsVersion)
  })()
}

/** Where a processor's commits go: written here at once, or by a thread of their own. */
export interface PlanWriter {
  /**
   * Resolves once the plan is durable. Rejects when it was not written; then every later plan of the
   * same `epoch` is refused too (the processor reloads and goes on with a higher epoch).
   */
  write(plan: CommitPlan, epoch: number): Promise<void>
}

/** Writes each plan on this thread, before `write` returns. */
export function writeHere(targets: PlanTargets): PlanWriter {
  const refuse = refusals()
  return {
    write(plan, epoch) {
      try {
        refuse.check(epoch)
        applyPlan(targets, plan)
        return Promise.resolve()
      } catch (error) {
        refuse.after(epoch)
        return Promise.reject(error)
      }
    },
  }
}

/** A writer's memory of failures: once a plan failed, the later plans of its epoch are refused. */
export function refusals(): { check(epoch: number): void; after(epoch: number): void } {
  let failed = -Infinity
  return {
    check(epoch) {
      if (epoch <= failed) throw new Error(`refused: an earlier commit of epoch ${epoch} failed`)
    },
    after(epoch) {
      failed = Math.max(failed, epoch)
    },
  }
}

import type { DailyProfile } from '../profiles/daily-profile'
import type { ProfileStore } from '../profiles/profile-store'
import type { ModelStore } from '../state/model-store'
import type { RowTable, StoredRow } from '../state/row-table'
import type { EpochSave, TrendingStore } from '../trending/trending-store'
import type { Kind, SessionPoint } from './site-model'

/** A site's window moved: what to drop from the stored state. */
export interface Advance {
  site: string
  day: number
  windowStart: number
  sessionsIdleBefore: number
}

/**
 * Everything one commit writes, as plain data (it may cross to a writer thread): the state changes
 * since the last commit, pre-aggregated, and the log position they bring the state to.
 */
export interface CommitPlan {
  advances: Advance[]
  /** Count deltas, column by column. */
  counts: { site: string[]; kind: Kind[]; src: string[]; dst: string[]; day: number[]; n: number[] }
  sessions: Array<[site: string, session: string, point: SessionPoint]>
  profiles: Array<[site: string, user: string, day: number, profile: DailyProfile]>
  trending: EpochSave[]
  rows: StoredRow[]
  rowsVersion: number
  position: number
}

/** The stores a plan is written to. */
export interface PlanTargets {
  store: ModelStore
  rows: RowTable
  profiles?: ProfileStore
  trending?: TrendingStore
}

/** Writes a plan in one transaction: all of it lands, with its position, or none. */
export function applyPlan({ store, rows, profiles, trending }: PlanTargets, plan: CommitPlan): void {
  store.transaction(() => {
    for (const a of plan.advances) {
      store.setWatermark(a.site, a.day)
      store.dropCountsBefore(a.site, a.windowStart)
      store.dropSessionsBefore(a.site, a.sessionsIdleBefore)
      profiles?.dropBefore(a.site, a.windowStart)
    }
    const c = plan.counts
    for (let i = 0; i < c.site.length; i++) store.addCount(c.site[i]!, c.kind[i]!, c.src[i]!, c.dst[i]!, c.day[i]!, c.n[i]!)
    for (const [site, session, point] of plan.sessions) store.putSession(site, session, point)
    for (const [site, user, day, profile] of plan.profiles) profiles?.put(site, user, day, profile)
    for (const save of plan.trending) trending?.write(save)
    rows.write(plan.rows, plan.rowsVersion)
    store.setPosition('log', plan.position)
  })
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

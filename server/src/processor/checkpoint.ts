import type { DailyProfile } from '../profiles/daily-profile'
import type { ProfileStore } from '../profiles/profile-store'
import type { ModelStore } from '../state/model-store'
import type { RowTable } from '../state/row-table'
import type { TrendingStore } from '../trending/trending-store'
import type { SiteModel } from './site-model'

/** What a checkpoint writes besides the model: the row table and, when kept, profiles and take rates. */
export interface CheckpointTargets {
  store: ModelStore
  rows: RowTable
  profiles?: ProfileStore
  trending?: TrendingStore
}

/** A site's window moved: what to drop from the stored state. */
interface Advance {
  site: string
  day: number
  windowStart: number
  sessionsIdleBefore: number
}

/**
 * The state changes applied in memory since the last commit, pre-aggregated: each count cell, session,
 * profile and take-rate epoch once however often it changed (the count deltas are kept by the site
 * models, which track their changes). `commit()` writes them and the log position in one
 * transaction, so a restart resumes from a consistent point and replays the log after it (Kafka
 * Streams' commit interval, for the embedded log).
 */
export class Checkpoint {
  /** Per site, the sessions that moved (their latest point is read from the model at the commit). */
  readonly #sessions = new Map<string, Set<string>>()
  readonly #profiles = new Map<string, { site: string; user: string; day: number; profile: DailyProfile }>()
  readonly #epochs = new Map<string, Set<number>>()
  readonly #advances: Advance[] = []
  #records = 0

  /** Log records applied since the last commit. */
  get records(): number {
    return this.#records
  }

  /** Counts `records` more log records as applied. */
  applied(records: number): void {
    this.#records += records
  }

  /** A session moved. */
  session(site: string, session: string): void {
    let sessions = this.#sessions.get(site)
    if (!sessions) this.#sessions.set(site, (sessions = new Set()))
    sessions.add(session)
  }

  /** A user's profile of one day, read from the store on first use and kept until committed. */
  profile(site: string, user: string, day: number, read: () => DailyProfile): DailyProfile {
    const key = `${site}\0${user}\0${day}`
    let entry = this.#profiles.get(key)
    if (!entry) this.#profiles.set(key, (entry = { site, user, day, profile: read() }))
    return entry.profile
  }

  /** A take-rate epoch of a site changed. */
  epoch(site: string, epoch: number): void {
    let set = this.#epochs.get(site)
    if (!set) this.#epochs.set(site, (set = new Set()))
    set.add(epoch)
  }

  /** A site's window moved to end at `day`. */
  advance(advance: Advance): void {
    this.#advances.push(advance)
  }

  /** Writes everything held, the models' count changes and the position in one transaction, then forgets it. */
  commit({ store, rows, profiles, trending }: CheckpointTargets, models: ReadonlyMap<string, SiteModel>, position: number): void {
    store.transaction(() => {
      for (const a of this.#advances) {
        store.setWatermark(a.site, a.day)
        store.dropCountsBefore(a.site, a.windowStart)
        store.dropSessionsBefore(a.site, a.sessionsIdleBefore)
        profiles?.dropBefore(a.site, a.windowStart)
      }
      // (A day that left the window since it was counted is gone from the model with its changes.)
      for (const [site, model] of models) model.drainChanges((kind, src, dst, day, n) => store.addCount(site, kind, src, dst, day, n))
      for (const [site, sessions] of this.#sessions) {
        const model = models.get(site)
        for (const session of sessions) {
          // A session ended meanwhile (idle) is gone from the model and dropped from the store.
          const point = model?.session(session)
          if (point) store.putSession(site, session, point)
        }
      }
      for (const { site, user, day, profile } of this.#profiles.values()) profiles?.put(site, user, day, profile)
      for (const [site, epochs] of this.#epochs) trending?.save(site, epochs)
      rows.flush()
      store.setPosition('log', position)
    })
    this.clear()
  }

  /** Forgets everything held (after a commit, or when the state is reloaded from the last one). */
  clear(): void {
    this.#sessions.clear()
    this.#profiles.clear()
    this.#epochs.clear()
    this.#advances.length = 0
    this.#records = 0
  }
}

import type { DailyProfile } from '../profiles/daily-profile'
import type { ProfileStore } from '../profiles/profile-store'
import type { ModelStore } from '../state/model-store'
import type { RowTable } from '../state/row-table'
import type { TrendingStore } from '../trending/trending-store'
import type { Kind, SessionPoint } from './site-model'

/** What a checkpoint writes besides the model: the row table and, when kept, profiles and take rates. */
export interface CheckpointTargets {
  store: ModelStore
  rows: RowTable
  profiles?: ProfileStore
  trending?: TrendingStore
}

/** Count deltas of one site and day: per statistic, src → dst → n (nested maps: no key strings built per event). */
type DayDeltas = Record<Kind, Map<string, Map<string, number>>>

/** A site's window moved: what to drop from the stored state. */
interface Advance {
  site: string
  day: number
  windowStart: number
  sessionsIdleBefore: number
}

/**
 * The state changes applied in memory since the last commit, pre-aggregated: each count cell, session,
 * profile and take-rate epoch once however often it changed. `commit()` writes them and the log
 * position in one transaction, so a restart resumes from a consistent point and replays the log after
 * it (Kafka Streams' commit interval, for the embedded log).
 */
export class Checkpoint {
  readonly #cells = new Map<string, Map<number, DayDeltas>>()
  readonly #sessions = new Map<string, { site: string; session: string; point: SessionPoint }>()
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

  /** Adds `n` to a count cell. */
  count(site: string, kind: Kind, src: string, dst: string, day: number, n: number): void {
    let days = this.#cells.get(site)
    if (!days) this.#cells.set(site, (days = new Map()))
    let deltas = days.get(day)
    if (!deltas) days.set(day, (deltas = { next: new Map(), related: new Map() }))
    const table = deltas[kind]
    let row = table.get(src)
    if (!row) table.set(src, (row = new Map()))
    row.set(dst, (row.get(dst) ?? 0) + n)
  }

  /** A session's latest items. */
  session(site: string, session: string, point: SessionPoint): void {
    this.#sessions.set(`${site}\0${session}`, { site, session, point })
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

  /** Writes everything held and the position in one transaction, then forgets it. */
  commit({ store, rows, profiles, trending }: CheckpointTargets, position: number): void {
    const windowStart = new Map<string, number>()
    store.transaction(() => {
      for (const a of this.#advances) {
        store.setWatermark(a.site, a.day)
        store.dropCountsBefore(a.site, a.windowStart)
        store.dropSessionsBefore(a.site, a.sessionsIdleBefore)
        profiles?.dropBefore(a.site, a.windowStart)
        windowStart.set(a.site, a.windowStart)
      }
      for (const [site, days] of this.#cells) {
        for (const [day, deltas] of days) {
          // A day that left the window since it was counted is gone from memory too.
          if (day < (windowStart.get(site) ?? -Infinity)) continue
          for (const kind of ['next', 'related'] as const) {
            for (const [src, row] of deltas[kind]) for (const [dst, n] of row) store.addCount(site, kind, src, dst, day, n)
          }
        }
      }
      for (const { site, session, point } of this.#sessions.values()) store.putSession(site, session, point)
      for (const { site, user, day, profile } of this.#profiles.values()) profiles?.put(site, user, day, profile)
      for (const [site, epochs] of this.#epochs) trending?.save(site, epochs)
      rows.flush()
      store.setPosition('log', position)
    })
    this.clear()
  }

  /** Forgets everything held (after a commit, or when the state is reloaded from the last one). */
  clear(): void {
    this.#cells.clear()
    this.#sessions.clear()
    this.#profiles.clear()
    this.#epochs.clear()
    this.#advances.length = 0
    this.#records = 0
  }
}

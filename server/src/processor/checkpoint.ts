import type { DailyProfile } from '../profiles/daily-profile'
import type { Advance, CommitPlan, PlanTargets } from './commit-plan'
import type { SiteModel } from './site-model'

interface HeldProfile {
  site: string
  user: string
  day: number
  profile: DailyProfile
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
  readonly #profiles = new Map<string, HeldProfile>()
  readonly #epochs = new Map<string, Set<number>>()
  readonly #advances: Advance[] = []
  /** The profiles of the plans being written, oldest first. */
  readonly #writing: Array<Map<string, HeldProfile>> = []
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

  /**
   * A user's profile of one day, kept until committed: on first use, a copy of the one a plan being
   * written holds, else `read` from the store.
   */
  profile(site: string, user: string, day: number, read: () => DailyProfile): DailyProfile {
    const key = `${site}\0${user}\0${day}`
    let entry = this.#profiles.get(key)
    if (!entry) {
      let profile: DailyProfile | undefined
      for (let i = this.#writing.length - 1; i >= 0 && !profile; i--) profile = this.#writing[i]!.get(key)?.profile
      this.#profiles.set(key, (entry = { site, user, day, profile: profile ? structuredClone(profile) : read() }))
    }
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

  /**
   * Everything held, the models' count changes and `position` as one plan to write, then forgets it
   * (the profiles in it stay readable here until `written`).
   */
  plan({ rows, trending }: Pick<PlanTargets, 'rows' | 'trending'>, models: ReadonlyMap<string, SiteModel>, position: number): CommitPlan {
    const counts: CommitPlan['counts'] = { site: [], kind: [], src: [], dst: [], day: [], n: [] }
    // (A day that left the window since it was counted is gone from the model with its changes.)
    for (const [site, model] of models) {
      model.drainChanges((kind, src, dst, day, n) => {
        counts.site.push(site)
        counts.kind.push(kind)
        counts.src.push(src)
        counts.dst.push(dst)
        counts.day.push(day)
        counts.n.push(n)
      })
    }
    const sessions: CommitPlan['sessions'] = []
    for (const [site, ids] of this.#sessions) {
      const model = models.get(site)
      for (const session of ids) {
        // A session ended meanwhile (idle) is gone from the model and dropped from the store.
        const point = model?.session(session)
        if (point) sessions.push([site, session, point])
      }
    }
    const taken = rows.take()
    const plan: CommitPlan = {
      advances: [...this.#advances],
      counts,
      sessions,
      profiles: [...this.#profiles.values()].map(({ site, user, day, profile }) => [site, user, day, profile]),
      trending: trending ? [...this.#epochs].map(([site, epochs]) => trending.save(site, epochs)) : [],
      rows: taken.rows,
      rowsVersion: taken.version,
      position,
    }
    this.#writing.push(new Map(this.#profiles))
    this.#forgetHeld()
    return plan
  }

  /** The oldest plan is written: its profiles are read from the store from now on. */
  written(): void {
    this.#writing.shift()
  }

  /** Forgets everything held and being written (the state is reloaded from the last commit). */
  clear(): void {
    this.#forgetHeld()
    this.#writing.length = 0
  }

  #forgetHeld(): void {
    this.#sessions.clear()
    this.#profiles.clear()
    this.#epochs.clear()
    this.#advances.length = 0
    this.#records = 0
  }
}

import { dict, type CatalogItem, type ModelRow, type TrendingItem } from '@sequitur/sdk/protocol'
import { withAttributes } from './row-attributes'
import { dayOf } from '../clock'
import { emptyProfile, observeItem, type DailyProfile } from './daily-profile'
import { getOrAdd } from './get-or-add'
import type { Increments } from './increments'
import { RowCounts } from './row-counts'
import type { ModelOptions, SiteSettings } from './rules'
import type { Kind } from './session-links'
import type { StateEntry } from './state-codec'
import { MINUTE_MS, TakeRates } from './take-rates'

/** One site's counts, profiles and take rates, and what changed since the last drain. */
interface SiteCounts {
  time: number
  /** The site's own settings, and the ones last written to the state. */
  settings?: SiteSettings
  settingsMoved?: SiteSettings
  counts: RowCounts
  rates: TakeRates
  /** user → day → profile */
  profiles: Map<string, Map<number, DailyProfile>>
  clockMoved: boolean
  /** Rows that changed: item → latest event time behind the change (0: the window moved). */
  rows: Map<string, number>
  /** Cells that left the window. */
  dropped: Array<[Kind, string, string, number]>
  /** Profiles that changed (user, day), epochs whose state changed, and trending cells and minutes. */
  changedProfiles: Map<string, Set<number>>
  epochs: Set<number>
  cells: Map<number, Set<string>>
  minutes: Map<number, Set<string>>
  /** Validation requests (`offset:k`) still to get their second round, with the day each validates; and those that changed. */
  holds: Map<string, { offset: number; k: number; day: number }>
  holdsMoved: Map<string, { offset: number; k: number; day: number | null }>
}

/** Options of the count stage. */
export interface CountStageOptions {
  /** The catalog item behind an id: rows carry their items' attributes, profiles are made of them. */
  catalog?: (site: string, item: string) => CatalogItem | undefined
  /** Remember changes for `drainState` (off for an offline build that never persists). */
  trackChanges?: boolean
}

/**
 * Stage 2 of the model: follows what the session stage decided (`Increments`) for the rows, users
 * and items it owns: count cells in daily buckets over the window, daily profiles that live as long,
 * and take rates per epoch. Derives rows and serves trending and profiles. Pure and in memory; its
 * state goes out as `StateEntry`s (`drainState`) and comes back through `restore`.
 */
export class CountStage implements Increments {
  readonly #o: ModelOptions
  readonly #catalog: CountStageOptions['catalog']
  readonly #track: boolean
  readonly #sites = new Map<string, SiteCounts>()
  /** The row the next cells go to. */
  #current: SiteCounts | undefined
  #src = ''
  /** What removed sites leave to drain: state deletions, emptied rows, trending to forget. */
  readonly #gone: StateEntry[] = []
  readonly #goneRows = new Map<string, Map<string, number>>()
  readonly #goneTrending: string[] = []

  constructor(options: ModelOptions, { catalog, trackChanges = true }: CountStageOptions = {}) {
    this.#o = options
    this.#catalog = catalog
    this.#track = trackChanges
  }

  clock(site: string, time: number): void {
    const s = this.#site(site)
    if (time <= s.time) return
    const before = dayOf(s.time)
    s.time = time
    s.clockMoved = true
    const day = dayOf(time)
    for (const epoch of s.rates.advance(time)) if (this.#track) s.epochs.add(epoch)
    if (day <= before) return
    const dropped = this.#track ? (kind: Kind, src: string, dst: string, d: number) => s.dropped.push([kind, src, dst, d]) : undefined
    for (const src of s.counts.advance(day, dropped)) if (!s.rows.has(src)) s.rows.set(src, 0)
    this.#expireProfiles(s)
    // A hold whose second round never came (no validator ran for a whole window) lasts one window at most.
    const stale = [...s.holds.values()].filter((h) => h.day < s.counts.windowStart)
    for (const h of stale) this.#unhold(s, h)
    if (stale.length > 0) this.#keep(s)
  }

  site(site: string, settings: SiteSettings | null): void {
    if (settings) {
      const s = this.#site(site)
      s.settings = settings
      const dropped = this.#track ? (kind: Kind, src: string, dst: string, d: number) => s.dropped.push([kind, src, dst, d]) : undefined
      for (const src of s.counts.configure(settings, dropped)) if (!s.rows.has(src)) s.rows.set(src, 0)
      this.#expireProfiles(s)
      return
    }
    const s = this.#sites.get(site)
    if (!s) return
    this.#sites.delete(site)
    if (!this.#track) return
    // Everything the site stored goes, including what was waiting to be drained.
    const gone = this.#gone
    const rows = getOrAdd(this.#goneRows, site, () => new Map())
    for (const [stat, src, dst, day] of s.dropped) gone.push({ kind: 'cell', site, stat, src, dst, day, n: 0 })
    for (const src of s.counts.clear((stat, src, dst, day) => gone.push({ kind: 'cell', site, stat, src, dst, day, n: 0 }))) rows.set(src, 0)
    for (const src of s.rows.keys()) rows.set(src, 0)
    const profiles = new Map<string, Set<number>>(s.changedProfiles)
    for (const [user, days] of s.profiles) for (const day of days.keys()) getOrAdd(profiles, user, () => new Set()).add(day)
    for (const [user, days] of profiles) for (const day of days) gone.push({ kind: 'profile', site, user, day, profile: null })
    for (const epoch of new Set([...s.epochs, ...s.rates.epochs])) gone.push({ kind: 'epoch', site, epoch, state: null })
    for (const { offset, k } of new Map([...s.holdsMoved, ...s.holds]).values()) gone.push({ kind: 'hold', site, offset, k, day: null })
    gone.push({ kind: 'clock', site, time: null }, { kind: 'settings', site, settings: null })
    this.#goneTrending.push(site)
  }

  row(site: string, src: string, time: number): void {
    const s = (this.#current = this.#site(site))
    this.#src = src
    const before = s.rows.get(src)
    if (before === undefined || before < time) s.rows.set(src, time)
  }

  cell(kind: Kind, dst: string, day: number, n: number): void {
    this.#current!.counts.add(kind, this.#src, dst, day, n, this.#track)
  }

  take(site: string, kind: 'impression' | 'click', item: string, list: string | undefined, time: number): void {
    const s = this.#site(site)
    const joined = kind === 'impression' ? (s.rates.impression([item], list, time), true) : s.rates.click(item, list, time)
    if (!this.#track) return
    const epoch = s.rates.epochOf(time)
    s.epochs.add(epoch)
    if (kind === 'click') getOrAdd(s.minutes, Math.floor(time / MINUTE_MS), () => new Set()).add(item)
    if (joined) getOrAdd(s.cells, epoch, () => new Set()).add(item)
  }

  profile(site: string, user: string, day: number, item: string): void {
    const attributes = this.#catalog?.(site, item)
    if (!attributes) return
    const s = this.#site(site)
    const days = getOrAdd(s.profiles, user, () => new Map())
    observeItem(getOrAdd(days, day, emptyProfile), attributes)
    this.#profileChanged(s, user, day)
  }

  /** The row of `item` with its items' attributes, or null when nothing was clicked after or near it in the window. */
  rowOf(site: string, item: string): ModelRow | null {
    const counted = this.#sites.get(site)?.counts.row(item)
    if (!counted) return null
    const catalog = this.#catalog
    return catalog ? withAttributes(counted, item, (id) => catalog(site, id)) : counted
  }

  /** A site's rows as they were before `day`, from the daily buckets (valid until the counts change). */
  rowsBefore(site: string, day: number): (item: string) => ModelRow | undefined {
    return this.#sites.get(site)?.counts.rowsBefore(day) ?? (() => undefined)
  }

  /**
   * Holds the rows a validation request of `day` reads (`rowsBefore(site, day)`) until `release`: the
   * cells they are made of stay readable when they leave the window meanwhile (Kafka mode's second
   * round comes later than the first, maybe after the site's next day began).
   */
  hold(site: string, offset: number, k: number, day: number): void {
    const s = this.#site(site)
    const key = `${offset}:${k}`
    if (s.holds.has(key)) return
    s.holds.set(key, { offset, k, day })
    if (this.#track) s.holdsMoved.set(key, { offset, k, day })
    this.#keep(s)
  }

  /** Whether the request `offset:k` of a site is held (not answered yet). */
  held(site: string, offset: number, k: number): boolean {
    return this.#sites.get(site)?.holds.has(`${offset}:${k}`) ?? false
  }

  /** Ends the holds of the site's requests up to `offset:k` (a site's requests come in order): what only they kept goes. */
  release(site: string, offset: number, k: number): void {
    const s = this.#sites.get(site)
    if (!s) return
    for (const h of s.holds.values()) if (h.offset < offset || (h.offset === offset && h.k <= k)) this.#unhold(s, h)
    this.#keep(s)
  }

  #unhold(s: SiteCounts, { offset, k }: { offset: number; k: number }): void {
    const key = `${offset}:${k}`
    s.holds.delete(key)
    if (this.#track) s.holdsMoved.set(key, { offset, k, day: null })
  }

  /** Keeps the cells the site's held requests read, from the earliest day any reads. */
  #keep(s: SiteCounts): void {
    let from = Infinity
    for (const { day } of s.holds.values()) from = Math.min(from, s.counts.validationFrom(day))
    const dropped = this.#track ? (kind: Kind, src: string, dst: string, d: number) => s.dropped.push([kind, src, dst, d]) : undefined
    s.counts.keepFrom(from, dropped)
  }

  /** The rows that changed since the last call, per site: item → latest event time behind the change (0: the window moved). */
  drainRows(): Map<string, Map<string, number>> {
    const out = new Map<string, Map<string, number>>(this.#goneRows)
    this.#goneRows.clear()
    for (const [site, s] of this.#sites) {
      if (s.rows.size === 0) continue
      out.set(site, s.rows)
      s.rows = new Map()
    }
    return out
  }

  /** Every day of a user's profile, oldest first. */
  daily(site: string, user: string): Array<{ day: number; profile: DailyProfile }> {
    const days = this.#sites.get(site)?.profiles.get(user)
    return days ? [...days].sort((a, b) => a[0] - b[0]).map(([day, profile]) => ({ day, profile })) : []
  }

  /** The items with the highest smoothed take rate in a site's recent epochs. */
  trending(site: string, limit: number): TrendingItem[] {
    return this.#sites.get(site)?.rates.trending(limit) ?? []
  }

  /** Clicks per item in the site's last 10 minutes. */
  recent(site: string): Record<string, number> {
    return this.#sites.get(site)?.rates.recentClicks() ?? dict()
  }

  /** What the edges need of trending that changed since the last call: each site's time, its changed cells and minutes. */
  drainTrending(publish: (entry: StateEntry) => void): void {
    for (const site of this.#goneTrending.splice(0)) publish({ kind: 'clock', site, time: null })
    for (const [site, s] of this.#sites) {
      if (s.cells.size === 0 && s.minutes.size === 0 && !s.clockMoved) continue
      publish({ kind: 'clock', site, time: s.time })
      for (const [epoch, items] of s.cells) for (const item of items) publish({ kind: 'take', site, item, epoch, cell: s.rates.cell(epoch, item) })
      for (const [minute, items] of s.minutes) for (const item of items) publish({ kind: 'clicks', site, item, minute, clicks: s.rates.minuteClicks(minute, item) })
      s.cells.clear()
      s.minutes.clear()
    }
  }

  /** The state written since the last drain, as entries to store. */
  drainState(write: (entry: StateEntry) => void): void {
    for (const entry of this.#gone.splice(0)) write(entry)
    for (const [site, s] of this.#sites) {
      if (s.settings && s.settingsMoved !== s.settings) write({ kind: 'settings', site, settings: (s.settingsMoved = s.settings) })
      if (s.clockMoved) write({ kind: 'clock', site, time: s.time })
      s.clockMoved = false
      for (const [stat, src, dst, day] of s.dropped) write({ kind: 'cell', site, stat, src, dst, day, n: 0 })
      s.dropped.length = 0
      for (const hold of s.holdsMoved.values()) write({ kind: 'hold', site, ...hold })
      s.holdsMoved.clear()
      // Each cell that grew, at its new count (a cell of a day that left the window meanwhile is gone).
      s.counts.drainChanges((stat, src, dst, day, n) => write({ kind: 'cell', site, stat, src, dst, day, n }))
      for (const epoch of s.epochs) write({ kind: 'epoch', site, epoch, state: s.rates.exportEpoch(epoch) })
      s.epochs.clear()
      for (const [user, days] of s.changedProfiles) for (const day of days) write({ kind: 'profile', site, user, day, profile: s.profiles.get(user)?.get(day) ?? null })
      s.changedProfiles.clear()
    }
  }

  /** Puts back one stored entry of this stage (others are ignored); `restored` completes it. */
  restore(entry: StateEntry): void {
    if (entry.kind === 'clock') {
      if (entry.time !== null) this.#site(entry.site).time = Math.max(this.#site(entry.site).time, entry.time)
    } else if (entry.kind === 'settings' && entry.settings) {
      const s = this.#site(entry.site)
      s.counts.configure(entry.settings)
      s.settings = s.settingsMoved = entry.settings
    } else if (entry.kind === 'cell' && entry.n !== 0) this.#site(entry.site).counts.add(entry.stat, entry.src, entry.dst, entry.day, entry.n)
    else if (entry.kind === 'profile' && entry.profile) getOrAdd(this.#site(entry.site).profiles, entry.user, () => new Map()).set(entry.day, entry.profile)
    else if (entry.kind === 'epoch' && entry.state) this.#site(entry.site).rates.importEpoch(entry.epoch, entry.state)
    else if (entry.kind === 'hold' && entry.day !== null) {
      const s = this.#site(entry.site)
      s.holds.set(`${entry.offset}:${entry.k}`, { offset: entry.offset, k: entry.k, day: entry.day })
      this.#keep(s)
    }
  }

  /** Once every entry is back: what the restored clocks put outside the window goes (as when they moved). */
  restored(): void {
    for (const [site, s] of this.#sites) {
      const time = s.time
      s.time = -Infinity
      this.clock(site, time)
      s.rows.clear()
      s.clockMoved = false
    }
  }

  /** Daily profiles live as long as the site's window (their TTL). */
  #expireProfiles(s: SiteCounts): void {
    const start = s.counts.windowStart
    for (const [user, days] of s.profiles) {
      for (const d of days.keys()) {
        if (d >= start) continue
        days.delete(d)
        this.#profileChanged(s, user, d)
      }
      if (days.size === 0) s.profiles.delete(user)
    }
  }

  #profileChanged(s: SiteCounts, user: string, day: number): void {
    if (this.#track) getOrAdd(s.changedProfiles, user, () => new Set()).add(day)
  }

  #site(site: string): SiteCounts {
    const known = this.#sites.get(site)
    if (known) return known
    return getOrAdd(this.#sites, site, () => ({
      time: -Infinity,
      counts: new RowCounts(this.#o),
      rates: new TakeRates(this.#o),
      profiles: new Map(),
      clockMoved: false,
      rows: new Map(),
      dropped: [],
      changedProfiles: new Map(),
      epochs: new Set(),
      cells: new Map(),
      minutes: new Map(),
      holds: new Map(),
      holdsMoved: new Map(),
    }))
  }
}

import { isItemEvent } from '@sequitur/sdk/protocol'
import { DAY_MS, dayOf, systemClock, type Clock } from '../clock'
import type { RowChanges, RowFeed } from '../feed/row-feed'
import type { EventSource, LogRecord } from '../log/event-log'
import type { ModelStore } from '../state/model-store'
import type { RowMap, RowTable } from '../state/row-table'
import type { Catalog } from '../catalog/catalog'
import { withAttributes } from '../catalog/row-attributes'
import { emptyProfile, observeItem, type DailyProfile } from '../profiles/daily-profile'
import type { ProfileStore } from '../profiles/profile-store'
import type { TrendingStore } from '../trending/trending-store'
import { SiteModel, type ModelOptions, type SessionPoint } from './site-model'

/** Options of the stream processor. */
export interface ProcessorOptions extends ModelOptions {
  source: EventSource
  store: ModelStore
  rows: RowTable
  feed: RowFeed
  clock?: Clock
  /** Log records applied per transaction. */
  batchSize?: number
  /** Days an event id is remembered to ignore a repeat. */
  dedupeDays?: number
  /** Days the embedded log keeps records already applied. */
  logRetentionDays?: number
  /** Called when applying a batch failed (the state is then reloaded from disk). */
  onError?: (error: unknown) => void
  /** Users' daily profiles, updated from the catalog attributes of the items they interact with. */
  profiles?: ProfileStore
  /** The catalog the profiles read attributes from. */
  catalog?: Pick<Catalog, 'get'>
  /** Take rates (impressions joined to clicks by list) for trending. */
  trending?: TrendingStore
  /** Called with each event dropped for arriving later than the allowed lateness. */
  onLate?: () => void
}

const SOURCE = 'log'
const TRIM_EVERY_MS = 3_600_000

/**
 * Reads the log in order and turns it into the next-click model: each batch of records updates the
 * counts, the sessions, the derived rows and the log position in one transaction, then the changed
 * rows go to the feed.
 */
export class Processor {
  readonly #o: Required<Omit<ProcessorOptions, 'onError' | 'relatedK' | 'profiles' | 'catalog' | 'trending' | 'onLate'>> &
    Pick<ProcessorOptions, 'onError' | 'relatedK' | 'profiles' | 'catalog' | 'trending' | 'onLate'>
  readonly #models = new Map<string, SiteModel>()
  #position = 0
  #scheduled = false
  #lastTrim = 0
  #unsubscribe: (() => void) | undefined

  constructor({ clock = systemClock, batchSize = 1000, dedupeDays = 7, logRetentionDays = 7, ...rest }: ProcessorOptions) {
    this.#o = { clock, batchSize, dedupeDays, logRetentionDays, ...rest }
    this.#load()
  }

  /** The last log position applied. */
  get position(): number {
    return this.#position
  }

  /** Applies what the log holds and keeps following it. */
  start(): void {
    this.#unsubscribe ??= this.#o.source.onAppend(() => this.#schedule())
    this.#schedule()
  }

  /** Stops following the log. */
  stop(): void {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
  }

  /** Applies every record after the position, synchronously; returns how many were read. */
  drain(): number {
    let read = 0
    for (;;) {
      const records = this.#o.source.read(this.#position, this.#o.batchSize)
      if (records.length === 0) break
      this.#applySafely(records)
      read += records.length
    }
    this.#trim()
    return read
  }

  #schedule(): void {
    if (this.#scheduled || !this.#unsubscribe) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      if (!this.#unsubscribe) return undefined
      const records = this.#o.source.read(this.#position, this.#o.batchSize)
      if (records.length === 0) return this.#trim()
      this.#applySafely(records)
      this.#schedule()
    })
  }

  #applySafely(records: LogRecord[]): void {
    try {
      this.#o.feed.publish(this.#apply(records))
    } catch (error) {
      // The in-memory model may hold part of the failed batch: rebuild it from what was committed.
      this.#o.onError?.(error)
      this.#load()
    }
  }

  #apply(records: LogRecord[]): RowChanges[] {
    const { store, rows } = this.#o
    const version = records[records.length - 1]!.seq
    const dirty = new Map<string, Set<string>>()
    const sessions = new Map<string, Map<string, SessionPoint>>()
    const profiles = new Map<string, { site: string; user: string; day: number; profile: DailyProfile }>()
    const tomorrow = dayOf(this.#o.clock()) + 1
    return store.transaction(() => {
      const epochs = new Map<string, Set<number>>()
      for (const { site, event } of records) {
        const day = dayOf(event.ts)
        if (!store.markSeen(site, event.id, day) || day > tomorrow) continue
        if (this.#o.trending) {
          const rates = this.#o.trending.rates(site)
          const outcome = rates.observe(event)
          if (outcome === 'late') this.#o.onLate?.()
          if (outcome === 'counted' || outcome === 'recent') getOrAdd(epochs, site, () => new Set()).add(rates.epochOf(event.ts))
        }
        if (!isItemEvent(event)) continue
        const model = this.#model(site)
        if (day > model.watermark) this.#advance(site, model, day, getOrAdd(dirty, site, () => new Set()))
        const increments = model.observe(event.session, event.item, event.ts, day)
        getOrAdd(sessions, site, () => new Map()).set(event.session, model.session(event.session)!)
        for (const i of increments) {
          store.addCount(site, i.kind, i.src, i.dst, i.day, i.n)
          getOrAdd(dirty, site, () => new Set()).add(i.src)
        }
        if (event.user !== undefined && day >= model.windowStart) this.#profile(profiles, site, event.user, day, event.item)
      }
      for (const { site, user, day, profile } of profiles.values()) this.#o.profiles?.put(site, user, day, profile)
      for (const [site, touched] of epochs) this.#o.trending?.save(site, touched)
      for (const [site, points] of sessions) for (const [s, point] of points) store.putSession(site, s, point)
      const changes: RowChanges[] = []
      for (const [site, items] of dirty) {
        const model = this.#model(site)
        const changed: RowMap = {}
        const lookup = (id: string) => this.#o.catalog?.get(site, id)
        for (const item of items) {
          const counted = model.row(item)
          const row = counted ? withAttributes(counted, item, lookup) : null
          rows.put(site, item, version, row)
          changed[item] = row
        }
        changes.push({ site, version, rows: changed })
      }
      store.setPosition(SOURCE, version)
      this.#position = version
      return changes
    })
  }

  /** Adds an interaction with `item` to the user's profile of the day (held in `batch` until written). */
  #profile(batch: Map<string, { site: string; user: string; day: number; profile: DailyProfile }>, site: string, user: string, day: number, item: string): void {
    const attributes = this.#o.catalog?.get(site, item)
    if (!attributes || !this.#o.profiles) return
    const key = `${site}\0${user}\0${day}`
    let entry = batch.get(key)
    if (!entry) batch.set(key, (entry = { site, user, day, profile: this.#o.profiles.get(site, user, day) ?? emptyProfile() }))
    observeItem(entry.profile, attributes)
  }

  #advance(site: string, model: SiteModel, day: number, dirty: Set<string>): void {
    const { store, dedupeDays } = this.#o
    for (const item of model.advance(day)) dirty.add(item)
    store.setWatermark(site, day)
    store.dropCountsBefore(site, model.windowStart)
    store.pruneSeen(site, day - dedupeDays + 1)
    store.dropSessionsBefore(site, model.sessionsIdleBefore)
    // Daily profiles live as long as the window (their TTL).
    this.#o.profiles?.dropBefore(site, model.windowStart)
  }

  #model(site: string): SiteModel {
    return getOrAdd(this.#models, site, () => new SiteModel(this.#o))
  }

  #load(): void {
    this.#models.clear()
    this.#o.store.load({
      watermark: (site, day) => this.#model(site).restoreWatermark(day),
      count: (site, kind, src, dst, day, n) => this.#model(site).add(kind, src, dst, day, n),
      session: (site, session, point) => this.#model(site).restoreSession(session, point),
    })
    this.#position = this.#o.store.position(SOURCE)
  }

  #trim(): void {
    const now = this.#o.clock()
    if (now - this.#lastTrim < TRIM_EVERY_MS) return
    this.#lastTrim = now
    this.#o.source.trim(this.#position, now - this.#o.logRetentionDays * DAY_MS)
  }
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) map.set(key, (value = make()))
  return value
}

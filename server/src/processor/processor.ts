import { isItemEvent, type ModelRow } from '@sequitur/sdk/protocol'
import { DAY_MS, dayOf, systemClock, type Clock } from '../clock'
import type { RowChanges, RowFeed } from '../feed/row-feed'
import type { EventSource, LogRecord } from '../log/event-log'
import type { ModelStore } from '../state/model-store'
import type { RowMap, RowTable } from '../state/row-table'
import type { Catalog } from '../catalog/catalog'
import { withAttributes } from '../catalog/row-attributes'
import { emptyProfile, observeItem } from '../profiles/daily-profile'
import type { ProfileStore } from '../profiles/profile-store'
import type { TrendingStore } from '../trending/trending-store'
import { Checkpoint } from './checkpoint'
import { writeHere, type CommitPlan, type PlanWriter } from './commit-plan'
import { SiteModel, type ModelOptions } from './site-model'

/** Options of the stream processor. */
export interface ProcessorOptions extends Omit<ModelOptions, 'trackChanges'> {
  /** The log; each event id appears in it once per site (the embedded log's unique index). */
  source: EventSource
  store: ModelStore
  rows: RowTable
  feed: RowFeed
  clock?: Clock
  /** Log records read and applied per step. */
  batchSize?: number
  /** Commit at most this often (ms), and at the latest this long after the last record applied. */
  commitIntervalMs?: number
  /** Days the embedded log keeps records already applied. */
  logRetentionDays?: number
  /** Where commits are written (default: on this thread, at once). */
  writer?: PlanWriter
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
  /** Called after each applied batch with the number of log records in it. */
  onApplied?: (records: number) => void
  /**
   * Rows pushed to the feed as soon as a batch changed them (those some client holds); every other
   * changed row is derived when it is first read or at the next commit. Default: every row.
   */
  wanted?: (site: string, item: string) => boolean
}

type Optional = 'writer' | 'onError' | 'relatedK' | 'profiles' | 'catalog' | 'trending' | 'onLate' | 'onApplied' | 'wanted'

const SOURCE = 'log'
const TRIM_EVERY_MS = 3_600_000

/**
 * Reads the log in order and turns it into the next-click model. Each batch of records updates the
 * in-memory model and sends the changed rows to the feed at once; the state changes, pre-aggregated,
 * are committed with the log position in one transaction when the log is drained or every
 * `commitIntervalMs`. After a crash the processor reloads the last commit and replays the log after
 * it, which yields the same counts and row versions: nothing is lost or counted twice.
 */
export class Processor {
  readonly #o: Required<Omit<ProcessorOptions, Optional>> & Pick<ProcessorOptions, Optional>
  readonly #models = new Map<string, SiteModel>()
  readonly #pending = new Checkpoint()
  /** The last log position applied in memory, and the last committed. */
  #position = 0
  #committed = 0
  #lastCommit = 0
  #scheduled = false
  #lastTrim = 0
  #unsubscribe: (() => void) | undefined
  readonly #writer: PlanWriter
  /** The position of the last plan handed to the writer; plans in flight; the last write. */
  #planned = 0
  #inFlight = 0
  #writes: Promise<void> = Promise.resolve()
  /** Bumped at each reload: answers about plans of an earlier epoch are stale. */
  #epoch = 0
  #recovering = false
  #idleCommit: ReturnType<typeof setTimeout> | undefined

  constructor({ clock = systemClock, batchSize = 5000, commitIntervalMs = 250, logRetentionDays = 7, ...rest }: ProcessorOptions) {
    this.#o = { clock, batchSize, commitIntervalMs, logRetentionDays, ...rest }
    this.#lastCommit = clock()
    this.#writer = rest.writer ?? writeHere(this.#o)
    this.#o.rows.deriveWith(this.#derive)
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

  /** Stops following the log, committing what was applied; resolves once every plan is written. */
  async stop(): Promise<void> {
    this.#unsubscribe?.()
    this.#unsubscribe = undefined
    clearTimeout(this.#idleCommit)
    this.#idleCommit = undefined
    this.#commit()
    await this.#writes
  }

  /** Applies and commits every record after the position, synchronously; returns how many were read. */
  drain(): number {
    let read = 0
    for (;;) {
      if (this.#recovering) break
      const records = this.#o.source.read(this.#position, this.#o.batchSize)
      if (records.length === 0) break
      this.#applySafely(records)
      read += records.length
    }
    this.#commit()
    this.#trim()
    return read
  }

  #schedule(): void {
    if (this.#scheduled || !this.#unsubscribe) return
    this.#scheduled = true
    setImmediate(() => {
      this.#scheduled = false
      if (!this.#unsubscribe || this.#recovering) return undefined
      const records = this.#o.source.read(this.#position, this.#o.batchSize)
      if (records.length > 0) this.#applySafely(records)
      const wait = this.#o.commitIntervalMs - (this.#o.clock() - this.#lastCommit)
      if (records.length > 0) {
        if (wait <= 0) this.#commit()
        return this.#schedule()
      }
      // Caught up. Under load the log is often briefly empty: commit when the interval is up, so
      // that these pauses do not turn into a commit each.
      if (wait > 0) return this.#commitIn(wait)
      this.#commit()
      return this.#trim()
    })
  }

  #commitIn(ms: number): void {
    this.#idleCommit ??= setTimeout(() => {
      this.#idleCommit = undefined
      if (!this.#unsubscribe) return
      this.#commit()
      this.#trim()
    }, ms)
  }

  #applySafely(records: LogRecord[]): void {
    try {
      const changes = this.#apply(records)
      this.#o.feed.publish(changes)
      this.#o.onApplied?.(records.length)
    } catch (error) {
      this.#recover(error)
    }
  }

  /** Hands what was applied since the last plan to the writer, as one plan with its position. */
  #commit(): void {
    this.#lastCommit = this.#o.clock()
    if (this.#position === this.#planned || this.#recovering) return
    const position = this.#position
    const epoch = this.#epoch
    let plan: CommitPlan
    try {
      plan = this.#pending.plan(this.#o, this.#models, position)
    } catch (error) {
      return this.#recover(error)
    }
    this.#planned = position
    this.#inFlight++
    this.#writes = this.#writer.write(plan, epoch).then(
      () => {
        this.#inFlight--
        if (epoch !== this.#epoch) return
        this.#o.rows.written()
        this.#pending.written()
        this.#committed = position
      },
      (error: unknown) => {
        this.#inFlight--
        if (epoch === this.#epoch) this.#recover(error)
      },
    )
  }

  /**
   * The in-memory state may hold changes that were not committed: rebuild it from the last commit,
   * once every plan handed out has been written or refused (the writer refuses the plans after a
   * failed one), so that the reload sees all that will ever land of them.
   */
  #recover(error: unknown): void {
    this.#o.onError?.(error)
    this.#epoch++
    this.#pending.clear()
    this.#o.rows.discard()
    if (this.#inFlight === 0) return this.#reload()
    this.#recovering = true
    void this.#writes.finally(() => {
      this.#recovering = false
      this.#reload()
      this.#schedule()
    })
  }

  #reload(): void {
    this.#o.trending?.reload()
    this.#load()
  }

  #apply(records: LogRecord[]): RowChanges[] {
    const pending = this.#pending
    const version = records[records.length - 1]!.seq
    const dirty = new Map<string, Set<string>>()
    const tomorrow = dayOf(this.#o.clock()) + 1
    for (const { site, event } of records) {
      const day = dayOf(event.ts)
      if (day > tomorrow) continue
      if (this.#o.trending) {
        const rates = this.#o.trending.rates(site)
        const outcome = rates.observe(event)
        if (outcome === 'late') this.#o.onLate?.()
        if (outcome === 'counted' || outcome === 'recent') pending.epoch(site, rates.epochOf(event.ts))
      }
      if (!isItemEvent(event)) continue
      const model = this.#model(site)
      if (day > model.watermark) this.#advance(site, model, day, getOrAdd(dirty, site, () => new Set()))
      // The model remembers what it counted until the commit drains it.
      const increments = model.observe(event.session, event.item, event.ts, day)
      pending.session(site, event.session)
      if (increments.length > 0) {
        const touched = getOrAdd(dirty, site, () => new Set())
        for (const i of increments) touched.add(i.src)
      }
      if (event.user !== undefined && day >= model.windowStart) this.#profile(site, event.user, day, event.item)
    }
    const changes: RowChanges[] = []
    const { rows, wanted } = this.#o
    for (const [site, items] of dirty) {
      const changed: RowMap = {}
      let pushed = 0
      for (const item of items) {
        if (wanted && !wanted(site, item)) {
          rows.stale(site, item, version)
          continue
        }
        const row = this.#derive(site, item)
        rows.put(site, item, version, row)
        changed[item] = row
        pushed++
      }
      if (pushed > 0) changes.push({ site, version, rows: changed })
    }
    pending.applied(records.length)
    this.#position = version
    return changes
  }

  /** The row of `item` as the model holds it now, with its items' catalog attributes; null when empty. */
  readonly #derive = (site: string, item: string): ModelRow | null => {
    const counted = this.#model(site).row(item)
    return counted ? withAttributes(counted, item, (id) => this.#o.catalog?.get(site, id)) : null
  }

  /** Adds an interaction with `item` to the user's profile of the day (held until committed). */
  #profile(site: string, user: string, day: number, item: string): void {
    const { catalog, profiles } = this.#o
    const attributes = catalog?.get(site, item)
    if (!attributes || !profiles) return
    observeItem(this.#pending.profile(site, user, day, () => profiles.get(site, user, day) ?? emptyProfile()), attributes)
  }

  #advance(site: string, model: SiteModel, day: number, dirty: Set<string>): void {
    for (const item of model.advance(day)) dirty.add(item)
    // Daily profiles live as long as the window (their TTL); the commit drops them with the counts.
    this.#pending.advance({ site, day, windowStart: model.windowStart, sessionsIdleBefore: model.sessionsIdleBefore })
  }

  #model(site: string): SiteModel {
    return getOrAdd(this.#models, site, () => new SiteModel({ ...this.#o, trackChanges: true }))
  }

  #load(): void {
    this.#models.clear()
    this.#o.store.load({
      watermark: (site, day) => this.#model(site).restoreWatermark(day),
      count: (site, kind, src, dst, day, n) => this.#model(site).restore(kind, src, dst, day, n),
      session: (site, session, point) => this.#model(site).restoreSession(session, point),
    })
    this.#position = this.#committed = this.#planned = this.#o.store.position(SOURCE)
  }

  #trim(): void {
    const now = this.#o.clock()
    if (now - this.#lastTrim < TRIM_EVERY_MS) return
    this.#lastTrim = now
    this.#o.source.trim(this.#committed, now - this.#o.logRetentionDays * DAY_MS)
  }
}

function getOrAdd<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key)
  if (value === undefined) map.set(key, (value = make()))
  return value
}

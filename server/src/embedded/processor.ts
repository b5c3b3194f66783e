import { dict, type TrendingItem } from '@sequitur/sdk/protocol'
import { DAY_MS, systemClock, type Clock } from '../clock'
import type { Catalog } from '../catalog'
import type { RowChanges, RowFeed } from '../feed'
import type { EventSource, LogRecord } from '../log'

import { encodeEntry, Model, restoreEntries, type DailyProfile, type EncodedEntry, type ModelOptions, type SiteSettings, type SiteValidation } from '../model'
import type { ProfileView } from '../profiles'
import type { KvStore, RowMap, RowTable } from '../state'
import type { TrendingView } from '../trending'
import type { ValidationView } from '../validation'
import { writeHere, type PlanWriter } from './commit-plan'

/** Options of the embedded processor. */
export interface ProcessorOptions {
  /** The log; each event id appears in it once per site (the embedded log's unique index). */
  source: EventSource
  /** The model's stored state (read at start and after a failure; written by `writer`). */
  store: KvStore
  rows: RowTable
  feed: RowFeed
  /** The model's options (defaults: `DEFAULT_MODEL_OPTIONS`). */
  model?: Partial<ModelOptions>
  /** The catalog rows and profiles read attributes from. */
  catalog?: Pick<Catalog, 'get'>
  clock?: Clock
  /** Log records read and applied per step. */
  batchSize?: number
  /** Commit at most this often (ms), and at the latest this long after the last record applied. */
  commitIntervalMs?: number
  /** Days the embedded log keeps records already applied (and remembers their ids). */
  logRetentionDays?: number
  /** Sites that keep their records fewer days than `logRetentionDays` (their registry settings). */
  siteRetention?: () => Iterable<[site: string, days: number]>
  /** Where commits are written (default: on this thread, at once). */
  writer?: PlanWriter
  /** Called when applying a batch failed (the state is then reloaded from disk). */
  onError?: (error: unknown) => void
  /** Called with each impression or click dropped from trending for arriving too late. */
  onLate?: () => void
  /** Called after each applied batch with the number of log records in it and when the log received the last one. */
  onApplied?: (records: number, receivedAt: number) => void
  /**
   * Rows pushed to the feed as soon as a batch changed them (those some client holds); every other
   * changed row is derived when it is first read or at the next commit. Default: every row.
   */
  wanted?: (site: string, item: string) => boolean
}

const TRIM_EVERY_MS = 3_600_000

/**
 * Embedded mode's runtime of the model: reads the log in order and runs both stages of the model
 * core (`Model`) in process. Each batch updates the model in memory and sends the changed rows to
 * the feed at once; the state entries that changed, and the log position, are committed in one
 * transaction when the log is drained or every `commitIntervalMs`. After a crash the processor
 * reloads the last commit and replays the log after it: nothing is lost or counted twice.
 */
export class Processor implements ProfileView, TrendingView, ValidationView {
  readonly #o: ProcessorOptions & Required<Pick<ProcessorOptions, 'clock' | 'batchSize' | 'commitIntervalMs' | 'logRetentionDays'>>
  #model!: Model
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
  /** Each site's settings from the registry (applied again after a reload), and whether a commit owes them. */
  readonly #settings = new Map<string, SiteSettings>()
  #configured = false

  constructor({ clock = systemClock, batchSize = 5000, commitIntervalMs = 250, logRetentionDays = 7, ...rest }: ProcessorOptions) {
    this.#o = { clock, batchSize, commitIntervalMs, logRetentionDays, ...rest }
    this.#lastCommit = clock()
    this.#writer = rest.writer ?? writeHere(rest)
    rest.rows.deriveWith((site, item) => this.#model.counts.rowOf(site, item))
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

  /**
   * Applies a site's settings from the registry (its window and top k), or (`null`) forgets a
   * removed site: its counts, sessions, profiles and trending go, and its rows are pushed empty.
   */
  configure(site: string, settings: SiteSettings | null): void {
    if (settings) this.#settings.set(site, settings)
    else this.#settings.delete(site)
    this.#model.configure(site, settings)
    this.#o.feed.publish(this.#drainRows(this.#position))
    this.#configured = true
    this.#commitIn(0)
  }

  daily(site: string, user: string): Array<{ day: number; profile: DailyProfile }> {
    return this.#model.counts.daily(site, user)
  }

  trending(site: string, limit: number): TrendingItem[] {
    return this.#model.counts.trending(site, limit)
  }

  recent(site: string): Record<string, number> {
    return this.#model.counts.recent(site)
  }

  /** The site's latest self-validation (its chosen parameters), if any. */
  validation(site: string): SiteValidation | undefined {
    return this.#model.validation(site)
  }

  /** Every site's latest validated figures (for `/metrics`). */
  validatedFigures(): Array<{ site: string; hr: number; mrr: number }> {
    return [...this.#model.validations()].map(([site, { hr, mrr }]) => ({ site, hr, mrr }))
  }

  /** Validates the site now on its last finished day; the result is committed with the state. */
  validate(site: string): SiteValidation | undefined {
    const result = this.#model.validate(site)
    if (result) {
      this.#configured = true
      this.#commitIn(0)
    }
    return result
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
      this.#o.feed.publish(this.#apply(records))
      this.#o.onApplied?.(records.length, records[records.length - 1]!.receivedAt)
    } catch (error) {
      this.#recover(error)
    }
  }

  #apply(records: LogRecord[]): RowChanges[] {
    const model = this.#model
    for (const { site, event, receivedAt } of records) if (model.observe(site, event, receivedAt) === 'late') this.#o.onLate?.()
    const version = records[records.length - 1]!.seq
    const changes = this.#drainRows(version)
    this.#position = version
    return changes
  }

  /** The rows that changed, to the row table at `version`; those some client holds, as changes to push. */
  #drainRows(version: number): RowChanges[] {
    const model = this.#model
    const changes: RowChanges[] = []
    const { rows, wanted } = this.#o
    for (const [site, items] of model.counts.drainRows()) {
      const changed: RowMap = dict()
      let pushed = 0
      for (const item of items.keys()) {
        if (wanted && !wanted(site, item)) {
          rows.stale(site, item, version)
          continue
        }
        const row = model.counts.rowOf(site, item)
        rows.put(site, item, version, row)
        changed[item] = row
        pushed++
      }
      if (pushed > 0) changes.push({ site, version, rows: changed })
    }
    return changes
  }

  /** Hands what was applied since the last plan to the writer, as one plan with its position. */
  #commit(): void {
    this.#lastCommit = this.#o.clock()
    if ((this.#position === this.#planned && !this.#configured) || this.#recovering) return
    this.#configured = false
    const position = this.#position
    const epoch = this.#epoch
    const writes: EncodedEntry[] = []
    try {
      this.#model.drainState((entry) => writes.push(encodeEntry(entry)))
      writes.push(encodeEntry({ kind: 'position', next: position }))
    } catch (error) {
      return this.#recover(error)
    }
    const taken = this.#o.rows.take()
    this.#planned = position
    this.#inFlight++
    this.#writes = this.#writer.write({ writes, rows: taken.rows, rowsVersion: taken.version }, epoch).then(
      () => {
        this.#inFlight--
        if (epoch !== this.#epoch) return
        this.#o.rows.written()
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
    this.#o.rows.discard()
    if (this.#inFlight === 0) return this.#load()
    this.#recovering = true
    void this.#writes.finally(() => {
      this.#recovering = false
      this.#load()
      this.#schedule()
    })
  }

  #load(): void {
    const catalog = this.#o.catalog
    const model = new Model(this.#o.model, { catalog: catalog && ((site, id) => catalog.get(site, id)), validation: {} })
    const position = restoreEntries(this.#o.store.entries(), model)
    for (const [site, settings] of this.#settings) model.configure(site, settings)
    this.#configured = this.#settings.size > 0
    this.#model = model
    this.#position = this.#committed = this.#planned = position
  }

  #trim(): void {
    const now = this.#o.clock()
    if (now - this.#lastTrim < TRIM_EVERY_MS) return
    this.#lastTrim = now
    this.#o.source.trim(this.#committed, now - this.#o.logRetentionDays * DAY_MS)
    for (const [site, days] of this.#o.siteRetention?.() ?? []) {
      if (days < this.#o.logRetentionDays) this.#o.source.trim(this.#committed, now - days * DAY_MS, site)
    }
  }
}

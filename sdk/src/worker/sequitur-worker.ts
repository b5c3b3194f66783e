import { contextOf, hubsOf, paramsOf, rank, recommend, sessionFeatures, sessionProfile, type ChannelParams, type Ranked, type SessionProfile } from '../model'
import type { ItemAttributes, RowsMessage, TrendingItem } from '../protocol'
import { advancePosition, formatCursor, formatPosition, parsePosition, positionOf, type StreamPosition } from '../protocol/cursor'
import { createLog, randomId, type DraftEvent, type Log, type SessionInfo, type WorkerApi, type WorkerConfig, type WorkerEvents } from '../shared'
import { broadcast, fetchJson, webLock } from './adapters'
import { clockOffset } from './clock-offset'
import { decode, encode } from './codec'
import type { Consent, SdkStats } from '../api'
import { NotStartedError, StorageError } from './errors'
import { memoryStorage } from './memory-storage'
import { openStorage } from './open-storage'
import { Outbox } from './outbox'
import type { Clock, HttpTransport, OpenSocket } from './ports'
import { RowCache } from './row-cache'
import { touchSession } from './session'
import type { StoredSession, Touch } from './session-store'
import type { Storage } from './storage'
import { StreamClient } from './stream-client'
import { validateEvent } from './validate-event'

/** What the worker is built from; the entry passes the real ones. */
export interface WorkerDeps {
  /** POSTs event batches. */
  transport: HttpTransport
  /** Opens the stream socket. */
  openSocket: OpenSocket
  /** Time and timers. */
  clock: Clock
  /** Makes session ids. */
  newId?: () => string
  /** Opens the site's storage (IndexedDB, or memory when it is unavailable). */
  openStorage?: (site: string) => Promise<Storage>
  /** Outbox bounds: most unsent events and bytes kept (defaults 5,000 and 5 MB). */
  maxQueued?: number
  maxQueuedBytes?: number
  /** How many of the session's latest distinct items have their rows subscribed and cached. */
  depth?: number
  /** Runs `run` holding the lock `name` across the origin's tabs; default Web Locks where present. */
  exclusive?: <T>(name: string, run: () => Promise<T>) => Promise<T>
  /** Tells the site's other tabs that the trail changed, and hears them; default `BroadcastChannel` where present. */
  channel?: (name: string, heard: () => void) => (() => void) | undefined
  /** GETs JSON (trending); resolves `undefined` on any failure. */
  getJson?: (url: string) => Promise<unknown>
}

/** How often the trending list (the cold visitor's ranking and the recent clicks) is refreshed. */
const TRENDING_EVERY_MS = 60_000
/** How long opening storage and reading the session may take before memory is used instead. */
const STORAGE_TIMEOUT_MS = 3000

interface Parts {
  db: Storage
  config: WorkerConfig
  events: WorkerEvents
  outbox: Outbox
  stream: StreamClient
  touch: Touch
}

/** The worker side of the SDK, served to the loader by `serveWorker`. */
export class SequiturWorker implements WorkerApi {
  #deps: WorkerDeps
  #parts: Parts | undefined
  #starting: Promise<SessionInfo> | undefined
  #log: Log = () => {}
  #session: SessionInfo = { session: '', lastActivity: 0 }
  #trail: string[] = []
  #times: number[] = []
  /** Clicks per item in the last 10 minutes, from the trending answer. */
  #recent = new Map<string, number>()
  #wanted: string[] = []
  readonly #rows = new RowCache()
  /** Take rates of trending items: how a visitor with no signal yet is ranked. */
  #trending = new Map<string, number>()
  /** The site's scorer parameters, as its self-validation chose them (`GET /v1/model`); the defaults until then. */
  #params: Partial<ChannelParams> = {}
  /** The stream position held: the element-wise maximum of the cursors received from its rows log. */
  #position: StreamPosition | undefined
  #tail: Promise<unknown> = Promise.resolve()
  #consent: Consent = 'granted'
  /** Tells the other tabs of the site that the trail changed. */
  #tell: (() => void) | undefined
  /** ms to add to the device clock to get the server's (0 until measured, or when they agree). */
  #offset = 0

  constructor(deps: WorkerDeps) {
    this.#deps = deps
  }

  start(config: WorkerConfig, events: WorkerEvents): Promise<SessionInfo> {
    this.#starting ??= this.#start(config, events)
    return this.#starting
  }

  async track(draft: DraftEvent): Promise<void> {
    const { db, outbox, touch } = await this.#ready()
    // Stamped by the server's clock: a device clock hours off would put the event in the wrong window.
    const event = { ...validateEvent(draft), ts: draft.ts + this.#offset }
    // Denied: the event shapes the trail here and never leaves the device.
    const queue = this.#consent !== 'denied'
    const record = () => db.record(event, touch, queue)
    const stored = await this.#serial(() =>
      record().catch(async (error: unknown) => {
        if ((error as Error | undefined)?.name !== 'QuotaExceededError') throw error
        // Storage full: make room by dropping the older half of the unsent events, then try once more;
        // an event that still does not fit is dropped too, and counted.
        const { maxQueued = 5000, maxQueuedBytes = 5_000_000 } = this.#deps
        const queued = (await db.outbox.head(maxQueued)).length
        outbox.dropped('quota', await db.outbox.trim(Math.floor(queued / 2), maxQueuedBytes / 2))
        return record().catch((again: unknown) => {
          if (queue && (again as Error | undefined)?.name === 'QuotaExceededError') outbox.dropped('quota', 1)
          throw again
        })
      }),
    ).catch((error: unknown) => {
      throw new StorageError(`storing the event failed: ${String(error)}`)
    })
    if (queue) outbox.queued()
    this.#tell?.()
    this.#adopt(stored)
  }

  /** Takes the session and trail as stored, reporting what changed. */
  #adopt(stored: Omit<StoredSession, 'rotated'>): void {
    const { events } = this.#parts!
    const { session, lastActivity } = stored.meta
    const changed = session !== this.#session.session
    this.#session = { session, lastActivity }
    if (changed) void events.session(this.#session)
    if (changed || !sameItems(this.#trail, stored.trail)) {
      this.#trail = stored.trail
      this.#times = stored.times
      this.#syncRows()
      void events.change({ reason: 'trail' })
    }
  }

  rerank(items: string[], debug = false): Ranked[] {
    const attributes = (item: string) => this.#attributes(item)
    const ranked = rank(this.#trail, (item) => this.#rows.get(item), items, {
      ...this.#params,
      fallback: (item) => this.#trending.get(item),
      attributes,
    })
    if (!debug) return ranked
    const session = sessionFeatures(this.#trail, this.#times, attributes)
    return ranked.map((r) => ({ ...r, features: { clicks10m: this.#recent.get(r.item) ?? 0, session } }))
  }

  profile(): SessionProfile {
    return sessionProfile(this.#trail, (item) => this.#attributes(item))
  }

  /** An item's catalog attributes, from whichever cached row carries them. */
  #attributes(item: string): ItemAttributes | undefined {
    return this.#rows.attributes(item)
  }

  recommend(k: number): Ranked[] {
    return recommend(this.#trail, (item) => this.#rows.get(item), k, this.#params)
  }

  trail(): string[] {
    return [...this.#trail]
  }

  async consent(state: Consent): Promise<void> {
    const { outbox } = await this.#ready()
    this.#consent = state
    outbox.hold(state !== 'granted')
    // Denied: what waited for consent is deleted, after any write still under way.
    if (state === 'denied') await this.#serial(() => outbox.discard('consent'))
  }

  async stats(): Promise<SdkStats> {
    const { db, outbox } = await this.#ready()
    return { ...outbox.stats(), storage: db.kind, consent: this.#consent }
  }

  async flush(): Promise<void> {
    const { outbox } = await this.#ready()
    await this.#tail
    await outbox.flush()
  }

  async #start(config: WorkerConfig, events: WorkerEvents): Promise<SessionInfo> {
    const { transport, openSocket, clock, newId = randomId, maxQueued, maxQueuedBytes } = this.#deps
    const log = (this.#log = createLog(config.debug))
    const touch: Touch = (meta) => touchSession(meta, clock.now(), newId)
    this.#consent = config.consent ?? 'granted'
    const open = this.#deps.openStorage ?? ((site) => openStorage(site, { after: clock.after }))
    // Without IndexedDB (or when it fails at once) the page is still personalized, from memory. A first read
    // that never answers counts as failing: WebKit keeps a page left mid-write in its back/forward cache with the
    // worker's transaction suspended, and the origin's IndexedDB then stalls for the next page.
    const opened = open(config.site).then(async (db) => ({ db, stored: await db.open(touch) }))
    const { db, stored } = await new Promise<Awaited<typeof opened>>((resolve, reject) => {
      const cancel = clock.after(STORAGE_TIMEOUT_MS, () => reject(new Error('IndexedDB did not answer')))
      opened.finally(cancel).then(resolve, reject)
    })
      .catch(async (error: unknown) => {
        log('IndexedDB failed; keeping the session in memory', error)
        const db = memoryStorage()
        return { db, stored: await db.open(touch) }
      })
    this.#session = { session: stored.meta.session, lastActivity: stored.meta.lastActivity }
    this.#trail = stored.trail
    this.#times = stored.times
    this.#position = stored.meta.cursor === undefined ? undefined : parsePosition(stored.meta.cursor)
    this.#rows.load(stored.rows)
    const outbox = new Outbox({
      url: `${config.endpoint}/v1/events`,
      site: config.site,
      key: config.key,
      store: db.outbox,
      transport,
      held: this.#consent !== 'granted',
      maxQueued,
      maxQueuedBytes,
      onAnswer: (answer, sentAt, receivedAt) => this.#serverDate(answer.date, sentAt, receivedAt),
      exclusive: (run) => (this.#deps.exclusive ?? webLock)(`sequitur:${config.site}:outbox`, run),
      clock,
      encode,
      log,
      onSettled: (ids) => void events.settled(ids),
    })
    const stream = new StreamClient({
      url: `${config.endpoint.replace(/^http/, 'ws')}/v1/stream${keyQuery(config, '?')}`,
      site: config.site,
      openSocket,
      clock,
      encode,
      decode,
      log,
      held: (item) => this.#rows.has(item),
      resume: () => {
        const held = this.#position
        return held && { cursor: formatCursor(held.offsets), ...(held.epoch !== undefined && { epoch: held.epoch }) }
      },
      onRows: (message) => this.#applyRows(message),
    })
    this.#parts = { db, config, events, outbox, stream, touch }
    // Another tab of the site wrote the trail: read it back so that this tab ranks by the same one.
    this.#tell = (this.#deps.channel ?? broadcast)(`sequitur:${config.site}`, () => {
      this.#serial(() => db.read()).then(
        (stored) => stored && this.#adopt(stored),
        (error: unknown) => log('reading the trail failed', error),
      )
    })
    outbox.resume()
    this.#syncRows()
    void this.#refreshTrending()
    if (this.#trail.length > 0) void events.change({ reason: 'trail' })
    return this.#session
  }

  /** Fetches the site's trending items now and every few minutes; a failure keeps the last list. */
  async #refreshTrending(): Promise<void> {
    const { config, events } = this.#parts!
    const { clock } = this.#deps
    // The first answer the worker gets (before any event is sent): it sets the clock offset early.
    const getJson = this.#deps.getJson ?? ((url: string) => fetchJson(url, (date, sentAt, at) => this.#serverDate(date, sentAt, at)))
    // A `TrendingAnswer` once checked: until then any field may be missing or of another type.
    const answer = (await getJson(`${config.endpoint}/v1/trending?site=${encodeURIComponent(config.site)}&limit=200${keyQuery(config, '&')}`)) as
      | { items?: Array<Partial<Record<keyof TrendingItem, unknown>>>; recent?: Record<string, unknown> }
      | undefined
    if (answer?.recent && typeof answer.recent === 'object') {
      this.#recent = new Map(Object.entries(answer.recent).filter((e): e is [string, number] => typeof e[1] === 'number'))
    }
    if (Array.isArray(answer?.items)) {
      this.#trending = new Map(
        answer.items.filter((t) => typeof t.item === 'string' && typeof t.rate === 'number').map((t) => [t.item as string, t.rate as number]),
      )
      if (this.#trending.size > 0) void events.change({ reason: 'rows' })
    }
    // The site's parameters change at most daily: refreshed with trending, kept on a failure.
    const model = await getJson(`${config.endpoint}/v1/model?site=${encodeURIComponent(config.site)}${keyQuery(config, '&')}`)
    if (model !== undefined) {
      const hop = this.#params.hop
      this.#params = paramsOf(model)
      if (this.#params.hop !== hop) this.#syncRows()
    }
    clock.after(TRENDING_EVERY_MS, () => void this.#refreshTrending())
  }

  /** Adopts the server's clock from a `Date` header. */
  #serverDate(date: string | null | undefined, sentAt: number, receivedAt: number): void {
    const offset = clockOffset(date, sentAt, receivedAt)
    if (offset !== undefined) this.#offset = offset
  }

  async #ready(): Promise<Parts> {
    await this.#starting
    if (!this.#parts) throw new NotStartedError()
    return this.#parts
  }

  /**
   * Subscribes to the rows the session's ranking reads — its latest items', and with the second hop
   * the last item's hubs' (known once its row is held) — and forgets the rows of the others.
   */
  #syncRows(): void {
    const { db, stream } = this.#parts!
    const context = contextOf(this.#trail, this.#deps.depth ?? 10)
    const hubs = (this.#params.hop ?? 0) > 0 && context.length > 0 ? hubsOf(this.#rows.get(context[0]!)) : []
    this.#wanted = [...new Set([...context, ...hubs])]
    const gone = this.#rows.keep(this.#wanted)
    if (gone.length > 0) this.#persist(() => db.saveRows([], gone))
    stream.want(this.#wanted)
  }

  #applyRows(message: RowsMessage): void {
    const { db, config, events } = this.#parts!
    if (message.site !== config.site) return
    const got = positionOf(message.cursor, message.epoch)
    const held = this.#position
    const p = message.partition
    // A pushed change is news only past the held cursor in its partition: an edge that lags (after
    // a reconnect to another edge) pushes changes the worker already holds. An answer always applies,
    // and so does anything from another rows log (epoch).
    if (got && held && got.epoch === held.epoch && p !== undefined && !((got.offsets[p] ?? 0) > (held.offsets[p] ?? 0))) return
    const { put, removed } = this.#rows.apply(
      message.rows,
      (item) => this.#wanted.includes(item),
      (item, row) => this.#log(`ignoring a malformed row for ${item}`, row),
    )
    const next = got && advancePosition(held, got)
    const merged = next && formatPosition(next)
    const advanced = merged !== undefined && merged !== (held && formatPosition(held))
    if (advanced) this.#position = next
    if (put.length > 0 || removed.length > 0 || advanced) {
      this.#persist(() => db.saveRows(put, removed, advanced ? merged : undefined))
    }
    if (put.length > 0 || removed.length > 0) void events.change({ reason: 'rows' })
    // The last item's row names the hubs whose rows the second hop reads.
    const last = this.#trail[this.#trail.length - 1]
    if ((this.#params.hop ?? 0) > 0 && last !== undefined && (put.some((r) => r.item === last) || removed.includes(last))) this.#syncRows()
  }

  #persist(write: () => Promise<void>): void {
    this.#serial(write).catch((error: unknown) => this.#log('caching rows failed', error))
  }

  /** Runs storage writes one after another, in call order. */
  #serial<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(op)
    this.#tail = run.catch(() => {})
    return run
  }
}

/** The write key as a query parameter after `sep`, or nothing. */
const keyQuery = (config: WorkerConfig, sep: string): string => (config.key ? `${sep}key=${encodeURIComponent(config.key)}` : '')

function sameItems(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, i) => item === b[i])
}

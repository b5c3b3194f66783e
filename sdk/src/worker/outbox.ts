import { LIMITS, type Event } from '../protocol'
import type { Log } from '../shared'
import { backoffDelay, parseRetryAfter, type BackoffOptions } from './backoff'
import { takeBatch, verdictOf } from './batching'
import type { Clock, HttpAnswer, HttpTransport } from './ports'

/** One stored, unsent event. */
export interface OutboxEntry {
  /** The store's key: insertion order. */
  key: number
  /** The event, session stamped. */
  event: Event
}

/** Where unsent events wait: written before anything is sent, removed only once settled. */
export interface OutboxStore {
  /** The oldest `limit` entries, oldest first. */
  head(limit: number): Promise<OutboxEntry[]>
  /** Deletes these entries. */
  remove(keys: number[]): Promise<void>
  /** Deletes every entry; resolves how many there were. */
  clear(): Promise<number>
  /** Drops the oldest entries until at most `maxEvents` of at most `maxBytes` remain; resolves how many went. */
  trim(maxEvents: number, maxBytes: number): Promise<number>
}

/** Why events were dropped unsent. */
export type DropReason = 'full' | 'refused' | 'consent' | 'quota'

/** What the outbox did since the worker started. */
export interface OutboxStats {
  /** Events POSTed (each attempt counts). */
  sent: number
  /** Events the server acknowledged. */
  acknowledged: number
  /** Events dropped unsent, by reason: outbox `full`, `refused` by the server, `consent` denied, storage `quota`. */
  dropped: Record<DropReason, number>
  /** Retries in a row since the last answer that was not "retry". */
  retries: number
}

/** Options of `new Outbox()`. */
export interface OutboxOptions {
  /** Where batches go: `${endpoint}/v1/events`. */
  url: string
  /** The site id sent with every batch. */
  site: string
  /** The site's write key, sent with every batch when set. */
  key?: string | undefined
  /** The persistent queue. */
  store: OutboxStore
  /** How batches are POSTed. */
  transport: HttpTransport
  /** Timers and time. */
  clock: Clock
  /** Encodes a batch body (MessagePack). */
  encode: (value: unknown) => Uint8Array<ArrayBuffer>
  /** Told the ids of events the server acknowledged, or refused for good. */
  onSettled: (ids: string[]) => void
  /** Where failures are reported. */
  log?: Log
  /** Wait after the first queued event before sending, in ms. */
  delay?: number
  /** Most events in one batch; capped at `LIMITS.batchEvents`. */
  maxEvents?: number
  /** Largest encoded batch, in bytes; capped below `LIMITS.batchBytes`. */
  maxBytes?: number
  /** Retry tuning. */
  backoff?: BackoffOptions
  /** Most unsent events kept; the oldest beyond are dropped (counted as `full`). Default 5,000. */
  maxQueued?: number
  /** Most bytes of unsent events kept (JSON size); the oldest beyond are dropped. Default 5 MB. */
  maxQueuedBytes?: number
  /** Start holding events (consent pending or denied): nothing is sent until `hold(false)`. */
  held?: boolean
  /**
   * Runs a drain while no other tab of the site drains (Web Locks in the worker): the next tab then reads
   * the store after the first removed what it sent, so nothing is sent twice. Default: runs it at once.
   */
  exclusive?: <T>(run: () => Promise<T>) => Promise<T>
  /** Told each answer with when its request left and when it came back (for the server's clock). */
  onAnswer?: (answer: HttpAnswer, sentAt: number, receivedAt: number) => void
}

const CONTENT_TYPE = 'application/msgpack'
const ENVELOPE_BYTES = 1024

/** Sends stored events in batches; keeps what the server did not acknowledge and retries it with backoff. */
export class Outbox {
  #options: OutboxOptions
  #maxEvents: number
  #maxBytes: number
  #queued = 0
  #dirty = false
  #attempt = 0
  #retrying = false
  #cancel: (() => void) | undefined
  #running: Promise<boolean> | undefined
  #held: boolean
  #unbounded = 0
  #trimming: Promise<void> | undefined
  readonly #stats: OutboxStats = { sent: 0, acknowledged: 0, dropped: { full: 0, refused: 0, consent: 0, quota: 0 }, retries: 0 }

  constructor(options: OutboxOptions) {
    this.#options = options
    this.#held = options.held ?? false
    this.#maxEvents = Math.min(options.maxEvents ?? 50, LIMITS.batchEvents)
    this.#maxBytes = Math.min(options.maxBytes ?? Infinity, LIMITS.batchBytes - ENVELOPE_BYTES)
  }

  /** Counts so far (a copy). */
  stats(): OutboxStats {
    return { ...this.#stats, dropped: { ...this.#stats.dropped } }
  }

  /** Counts `count` events dropped unsent for `reason`. */
  dropped(reason: DropReason, count: number): void {
    this.#stats.dropped[reason] += count
  }

  /** Holds (consent not granted) or releases the events: released, they are sent after the usual delay. */
  hold(held: boolean): void {
    this.#held = held
    if (held) this.#clear()
    else this.resume()
  }

  /** Deletes every unsent event, counting them as dropped for `reason`. */
  async discard(reason: DropReason): Promise<void> {
    this.dropped(reason, await this.#options.store.clear())
    this.#queued = 0
  }

  /** Sends what an earlier page left in the store, after the usual delay; trims it to the bounds first. */
  resume(): void {
    this.#dirty = true
    void this.#trim()
    if (!this.#held) this.#schedule(this.#options.delay ?? 500)
  }

  /** Reports that `count` events were just written to the store. */
  queued(count = 1): void {
    this.#queued += count
    this.#dirty = true
    // Trimming reads the whole store: do it once every tenth of the bound, not on every event.
    this.#unbounded += count
    if (this.#unbounded >= Math.max(1, (this.#options.maxQueued ?? 5000) / 10)) void this.#trim()
    if (this.#running || this.#retrying || this.#held) return
    if (this.#queued >= this.#maxEvents) {
      this.#clear()
      void this.#run()
    } else this.#schedule(this.#options.delay ?? 500)
  }

  /** Drops the oldest unsent events beyond the bounds, counting them as `full`. */
  #trim(): Promise<void> {
    const { store, maxQueued = 5000, maxQueuedBytes = 5_000_000, log } = this.#options
    this.#unbounded = 0
    this.#trimming ??= store
      .trim(maxQueued, maxQueuedBytes)
      .then(
        (count) => this.dropped('full', count),
        (error: unknown) => log?.('trimming the outbox failed', error),
      )
      .finally(() => (this.#trimming = undefined))
    return this.#trimming
  }

  /** Sends everything now, ignoring any backoff; resolves when the store is empty or an attempt failed. */
  async flush(): Promise<void> {
    if (this.#held) return
    this.#clear()
    this.#dirty = true
    await this.#run()
  }

  #schedule(ms: number): void {
    this.#cancel ??= this.#options.clock.after(ms, () => {
      this.#cancel = undefined
      this.#retrying = false
      void this.#run()
    })
  }

  #clear(): void {
    this.#cancel?.()
    this.#cancel = undefined
    this.#retrying = false
  }

  #run(): Promise<boolean> {
    if (this.#held) return Promise.resolve(false)
    const { exclusive = (run) => run() } = this.#options
    this.#running ??= exclusive(() => this.#drain()).finally(() => {
      this.#running = undefined
    })
    return this.#running
  }

  async #drain(): Promise<boolean> {
    const { store, encode, log } = this.#options
    try {
      for (;;) {
        this.#dirty = false
        const entries = await store.head(this.#maxEvents)
        const batch = takeBatch(entries, (entry) => encode(entry.event).byteLength, {
          maxEvents: this.#maxEvents,
          maxBytes: this.#maxBytes,
        })
        if (batch.length === 0) {
          if (this.#dirty) continue
          this.#queued = 0
          return true
        }
        // Consent withdrawn while the batch was being read: it must not leave.
        if (this.#held) return false
        this.#stats.sent += batch.length
        const answer = await this.#post(batch.map((entry) => entry.event))
        const verdict = verdictOf(answer?.status ?? 0)
        if (verdict === 'retry') {
          this.#retry(answer)
          return false
        }
        if (verdict === 'drop') {
          log?.(`the server refused ${batch.length} events (${answer?.status}); dropping them`)
          this.dropped('refused', batch.length)
        } else this.#stats.acknowledged += batch.length
        this.#attempt = this.#stats.retries = 0
        await store.remove(batch.map((entry) => entry.key))
        this.#queued = Math.max(0, this.#queued - batch.length)
        this.#options.onSettled(batch.map((entry) => entry.event.id))
      }
    } catch (error) {
      log?.('the outbox failed', error)
      this.#retry(undefined)
      return false
    }
  }

  async #post(events: Event[]): Promise<HttpAnswer | undefined> {
    const { url, site, key, transport, encode, log } = this.#options
    try {
      const sentAt = this.#options.clock.now()
      const answer = await transport.post(url, encode(key ? { site, key, events } : { site, events }), CONTENT_TYPE)
      this.#options.onAnswer?.(answer, sentAt, this.#options.clock.now())
      return answer
    } catch (error) {
      log?.('sending events failed', error)
      return undefined
    }
  }

  #retry(answer: HttpAnswer | undefined): void {
    const { clock, backoff, log } = this.#options
    this.#stats.retries = ++this.#attempt
    const wait = backoffDelay(this.#attempt, parseRetryAfter(answer?.retryAfter, clock.now()), backoff)
    log?.(`events not sent (${answer?.status ?? 'no answer'}); retry ${this.#attempt} in ${Math.round(wait)} ms`)
    this.#clear()
    if (this.#held) return
    this.#retrying = true
    this.#schedule(wait)
  }
}

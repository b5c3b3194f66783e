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
}

/** Options of `new Outbox()`. */
export interface OutboxOptions {
  /** Where batches go: `${endpoint}/v1/events`. */
  url: string
  /** The site id sent with every batch. */
  site: string
  /** The site's write key, sent with every batch when set. */
  key?: string
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

  constructor(options: OutboxOptions) {
    this.#options = options
    this.#maxEvents = Math.min(options.maxEvents ?? 50, LIMITS.batchEvents)
    this.#maxBytes = Math.min(options.maxBytes ?? Infinity, LIMITS.batchBytes - ENVELOPE_BYTES)
  }

  /** Sends what an earlier page left in the store, after the usual delay. */
  resume(): void {
    this.#dirty = true
    this.#schedule(this.#options.delay ?? 500)
  }

  /** Reports that `count` events were just written to the store. */
  queued(count = 1): void {
    this.#queued += count
    this.#dirty = true
    if (this.#running || this.#retrying) return
    if (this.#queued >= this.#maxEvents) {
      this.#clear()
      void this.#run()
    } else this.#schedule(this.#options.delay ?? 500)
  }

  /** Sends everything now, ignoring any backoff; resolves when the store is empty or an attempt failed. */
  async flush(): Promise<void> {
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
    this.#running ??= this.#drain().finally(() => {
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
        const answer = await this.#post(batch.map((entry) => entry.event))
        const verdict = verdictOf(answer?.status ?? 0)
        if (verdict === 'retry') {
          this.#retry(answer)
          return false
        }
        if (verdict === 'drop') log?.(`the server refused ${batch.length} events (${answer?.status}); dropping them`)
        this.#attempt = 0
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
      return await transport.post(url, encode({ site, key, events }), CONTENT_TYPE)
    } catch (error) {
      log?.('sending events failed', error)
      return undefined
    }
  }

  #retry(answer: HttpAnswer | undefined): void {
    const { clock, backoff, log } = this.#options
    const wait = backoffDelay(++this.#attempt, parseRetryAfter(answer?.retryAfter, clock.now()), backoff)
    log?.(`events not sent (${answer?.status ?? 'no answer'}); retry ${this.#attempt} in ${Math.round(wait)} ms`)
    this.#clear()
    this.#retrying = true
    this.#schedule(wait)
  }
}

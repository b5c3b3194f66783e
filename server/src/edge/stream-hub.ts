import {
  ClientMessageSchema,
  dict,
  formatCursor,
  LIMITS,
  parseCursor,
  PROTOCOL_VERSION,
  type ServerMessage,
  type Subscribe,
} from '@sequitur/sdk/protocol'
import * as v from 'valibot'
import type { RowChanges } from '../feed'
import type { RowMap, RowView } from '../state'
import { fieldIssues } from '../field-issues'
import type { Clock } from '../clock'
import { originAllowed, type SiteRegistry } from '../sites'

/** Where a connection's messages go; the transport encodes them. */
export type Send = (message: ServerMessage) => void

/** One client connection of `/v1/stream`. */
export interface StreamConnection {
  /** Handles a decoded message from the client. */
  receive(message: unknown): void
  /** Forgets the connection's subscriptions. */
  close(): void
}

/** Options of the stream hub. */
export interface StreamHubOptions {
  view: RowView
  /** The sites a client may subscribe to, with their keys and origins. */
  sites: Pick<SiteRegistry, 'get' | 'keyValid'>
  /** Decides whether a rotated-out key is still in its grace period. */
  clock: Clock
  /** Rows one connection may hold; a subscribe beyond it is refused with an `error` (the connection stays). */
  maxRowsPerConnection?: number
  /**
   * Names the rows log the view's cursor is of (the state file, the cluster's rows topic): sent with
   * every cursor, and a subscribe whose cursor names another epoch gets every current row.
   */
  epoch?: string
}

/** Who opened a connection: the `?key=` of its URL and its `Origin` header. */
export interface StreamClient {
  key?: string | undefined
  origin?: string | undefined
}

/**
 * Keeps who is subscribed to which rows and pushes each changed row to exactly those connections.
 */
export class StreamHub {
  readonly #view: RowView
  readonly #sites: StreamHubOptions['sites']
  readonly #clock: Clock
  readonly #maxRows: number
  readonly #epoch: { epoch?: string }
  /** `site \0 item` → the connections holding that row. */
  readonly #subscribers = new Map<string, Set<Subscriber>>()
  /** site → the connections subscribed to any of its rows (the site's `quota.connections`). */
  readonly #siteConnections = new Map<string, Set<Subscriber>>()

  constructor({ view, sites, clock, maxRowsPerConnection = LIMITS.itemsPerSocket, epoch }: StreamHubOptions) {
    this.#epoch = epoch === undefined ? {} : { epoch }
    this.#view = view
    this.#sites = sites
    this.#clock = clock
    this.#maxRows = maxRowsPerConnection
  }

  /** Opens a connection; its first message is a `hello` with the current version. */
  connect(send: Send, client: StreamClient = {}): StreamConnection {
    const subscriber = new Subscriber(send, client)
    send({ type: 'hello', protocol: PROTOCOL_VERSION, version: this.#view.version(), cursor: formatCursor(this.#view.cursor()), ...this.#epoch })
    return {
      receive: (message) => this.#receive(subscriber, message),
      close: () => {
        const released = new Map<string, string[]>()
        for (const [key, { site, item }] of subscriber.keys) {
          if (!this.#remove(key, subscriber)) continue
          const items = released.get(site)
          if (items) items.push(item)
          else released.set(site, [item])
        }
        subscriber.keys.clear()
        for (const [site, items] of released) this.#view.release?.(site, items)
        for (const site of subscriber.sites) {
          const set = this.#siteConnections.get(site)
          set?.delete(subscriber)
          if (set?.size === 0) this.#siteConnections.delete(site)
        }
      },
    }
  }

  /**
   * Pushes changed rows to their subscribers, one message per connection, with the edge's cursor
   * after them and the rows partition they came from. Embedded mode's changes name none: one log and
   * one server, so nothing lags, and a site's new settings re-push rows at the version they had.
   */
  publish({ site, version, rows, partition, cursor = [version] }: RowChanges): void {
    // A removed site's rows may still come from the model; its subscribers get nothing more.
    if (!this.#sites.get(site)) return
    const out = new Map<Subscriber, RowMap>()
    // Own keys only: `for…in` also walks a prototype, and a map built as `{}` whose `__proto__` row was
    // assigned has that row as its prototype, so its fields (`total`, `next`, …) would go out as rows.
    for (const [item, row] of Object.entries(rows)) {
      for (const subscriber of this.#subscribers.get(keyOf(site, item)) ?? []) {
        let batch = out.get(subscriber)
        if (!batch) out.set(subscriber, (batch = dict()))
        batch[item] = row
      }
    }
    const at = formatCursor(cursor)
    const from = partition === undefined ? {} : { partition }
    for (const [subscriber, batch] of out) subscriber.send({ type: 'rows', site, version, rows: batch, cursor: at, ...this.#epoch, ...from })
  }

  /** Whether any connection holds the row of `item`. */
  wants(site: string, item: string): boolean {
    return this.#subscribers.has(keyOf(site, item))
  }

  /** Connections currently open with at least one subscription (for metrics and tests). */
  get subscriptions(): number {
    return this.#subscribers.size
  }

  #receive(subscriber: Subscriber, raw: unknown): void {
    const parsed = v.safeParse(ClientMessageSchema, raw)
    if (!parsed.success) {
      return subscriber.send({ type: 'error', error: 'invalid message', code: 'invalid_message', details: fieldIssues(parsed.issues) })
    }
    const message = parsed.output
    const record = this.#sites.get(message.site)
    if (!record) {
      return subscriber.send({ type: 'error', error: `unknown site '${message.site}'`, code: 'unknown_site' })
    }
    if (!this.#sites.keyValid(message.site, subscriber.client.key, this.#clock())) {
      return subscriber.send({ type: 'error', error: `site '${message.site}' needs a valid key (?key= on the stream URL)`, code: 'invalid_key' })
    }
    if (!originAllowed(record, subscriber.client.origin)) {
      return subscriber.send({ type: 'error', error: `site '${message.site}' does not allow origin ${subscriber.client.origin}`, code: 'origin_not_allowed' })
    }
    if (message.type === 'unsubscribe') {
      const released: string[] = []
      for (const item of message.items) {
        const key = keyOf(message.site, item)
        if (!subscriber.keys.delete(key)) continue
        if (this.#remove(key, subscriber)) released.push(item)
      }
      if (released.length > 0) this.#view.release?.(message.site, released)
      return undefined
    }
    return this.#subscribe(subscriber, message, record.quota.connections)
  }

  #subscribe(subscriber: Subscriber, { site, items, since, cursor, epoch }: Subscribe, connections: number | null): void {
    const fresh = items.filter((item) => !subscriber.keys.has(keyOf(site, item)))
    if (subscriber.keys.size + fresh.length > this.#maxRows) {
      return subscriber.send({
        type: 'error',
        error: `a connection may hold at most ${this.#maxRows} rows`,
        code: 'too_many_subscriptions',
      })
    }
    let ofSite = this.#siteConnections.get(site)
    if (!ofSite?.has(subscriber)) {
      if (connections !== null && (ofSite?.size ?? 0) >= connections) {
        return subscriber.send({ type: 'error', error: `site '${site}' allows at most ${connections} stream connections per edge`, code: 'too_many_connections' })
      }
      if (!ofSite) this.#siteConnections.set(site, (ofSite = new Set()))
      ofSite.add(subscriber)
      subscriber.sites.add(site)
    }
    const held: string[] = []
    for (const item of fresh) {
      const key = keyOf(site, item)
      if (subscriber.keys.has(key)) continue
      subscriber.keys.set(key, { site, item })
      let set = this.#subscribers.get(key)
      if (!set) {
        this.#subscribers.set(key, (set = new Set()))
        held.push(item)
      }
      set.add(subscriber)
    }
    // Rows some connection holds stay in the view's memory until the last one lets go.
    if (held.length > 0) this.#view.hold?.(site, held)
    const version = this.#view.version()
    const at = this.#view.cursor()
    const rows = this.#view.changedSince(site, items, resumeFrom(at, version, { since, cursor, epoch }, this.#epoch.epoch))
    return subscriber.send({ type: 'rows', site, version, rows, cursor: formatCursor(at), ...this.#epoch })
  }

  /** Drops one connection's hold on a row; true when it was the last. */
  #remove(key: string, subscriber: Subscriber): boolean {
    const set = this.#subscribers.get(key)
    if (!set) return false
    set.delete(subscriber)
    if (set.size > 0) return false
    this.#subscribers.delete(key)
    return true
  }
}

class Subscriber {
  /** `site \0 item` → the row it holds. */
  readonly keys = new Map<string, { site: string; item: string }>()
  readonly sites = new Set<string>()
  constructor(
    readonly send: Send,
    readonly client: StreamClient,
  ) {}
}

const keyOf = (site: string, item: string) => `${site}\0${item}`

/**
 * From where a subscribe's answer holds changes, given the edge's cursor `at` and the epoch of its
 * rows log: a cursor's offsets (rows at or past their partition's entry; a cursor of another epoch,
 * or naming more partitions than the topic has, is of another log: every row); a protocol 1 `since`
 * on one partition as before partitions (a client ahead of the edge, whose state was reset, gets
 * every row rather than none); on several partitions a `since` cannot say what a client holds:
 * every row.
 */
export function resumeFrom(
  at: readonly number[],
  version: number,
  { since, cursor, epoch }: Pick<Subscribe, 'since' | 'cursor' | 'epoch'>,
  ownEpoch: string | undefined,
): number | number[] | undefined {
  if (cursor !== undefined) {
    if (epoch !== undefined && epoch !== ownEpoch) return undefined
    const offsets = parseCursor(cursor)
    return offsets && offsets.length <= Math.max(1, at.length) ? offsets : undefined
  }
  return since !== undefined && at.length <= 1 && since <= version ? since : undefined
}

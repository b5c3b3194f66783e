import type { Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { type Clock, systemClock } from '../clock'
import { openDb, type Db } from '../state'
import type { AppendResult, EventSink, EventSource, LogRecord } from './event-log'
import { LogTail } from './log-tail'

/** Options of the embedded log. */
export interface SqliteLogOptions {
  /** The database file, or `:memory:` in tests. */
  file: string
  /** The clock stamping append times (used by retention). */
  clock?: Clock
  /** Keep the records this process appends in memory for `read` (default true). */
  tail?: boolean
}

interface PendingAppend {
  site: string
  ids: readonly string[]
  /** The stored bytes of event `i`. */
  body(i: number): Uint8Array
  /** The events, when this process keeps its tail. */
  events?: readonly Event[]
  resolve(seqs: Float64Array): void
  reject(error: unknown): void
}

/** How many of `seqs` are new records (a 0 marks an id the log already held). */
export function appendResult(seqs: Float64Array): AppendResult {
  let accepted = 0
  for (const seq of seqs) if (seq > 0) accepted++
  return { accepted, duplicates: seqs.length - accepted }
}

/** The records of a batch the log took, given each event's position (0: not taken). */
export function recordsOf(site: string, events: readonly Event[], seqs: Float64Array, receivedAt: number): LogRecord[] {
  const records: LogRecord[] = []
  events.forEach((event, i) => {
    if (seqs[i]! > 0) records.push({ seq: seqs[i]!, site, event, receivedAt })
  })
  return records
}

/**
 * The embedded durable log: an append-only SQLite table. An event id is stored once per site
 * (a unique index), so a re-sent batch is acknowledged without being appended twice. Appends that
 * arrive in the same turn of the event loop are committed together (group commit: one transaction,
 * one fsync), and each is answered once that commit is durable.
 */
export class SqliteLog implements EventSink, EventSource {
  readonly #db: Db
  readonly #clock: Clock
  readonly #listeners = new Set<() => void>()
  readonly #insert
  readonly #read
  readonly #trim
  readonly #trimSite
  readonly #removeSite
  readonly #appendAll
  readonly #tail: LogTail | undefined
  #pending: PendingAppend[] = []

  constructor({ file, clock = systemClock, tail = true }: SqliteLogOptions) {
    this.#db = openDb(file)
    this.#clock = clock
    this.#tail = tail ? new LogTail() : undefined
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        site TEXT NOT NULL,
        id TEXT NOT NULL,
        appended_at INTEGER NOT NULL,
        body BLOB NOT NULL,
        UNIQUE (site, id)
      )`)
    this.#insert = this.#db.prepare('INSERT OR IGNORE INTO log (site, id, appended_at, body) VALUES (?, ?, ?, ?)')
    this.#read = this.#db.prepare('SELECT seq, site, body, appended_at FROM log WHERE seq > ? ORDER BY seq LIMIT ?')
    this.#trim = this.#db.prepare('DELETE FROM log WHERE seq <= ? AND appended_at < ?')
    this.#trimSite = this.#db.prepare('DELETE FROM log WHERE site = ? AND seq <= ? AND appended_at < ?')
    this.#removeSite = this.#db.prepare('DELETE FROM log WHERE site = ?')
    this.#appendAll = this.#db.transaction((group: readonly PendingAppend[], now: number) =>
      group.map(({ site, ids, body }) =>
        Float64Array.from(ids, (id, i) => {
          const { changes, lastInsertRowid } = this.#insert.run(site, id, now, body(i))
          return changes === 0 ? 0 : Number(lastInsertRowid)
        }),
      ),
    )
  }

  async append(site: string, events: readonly Event[]): Promise<AppendResult> {
    return appendResult(await this.appendPositions(site, events))
  }

  /** Appends a batch durably; resolves with each event's position, 0 where the log already held its id. */
  appendPositions(site: string, events: readonly Event[]): Promise<Float64Array> {
    return this.#enqueue({ site, ids: events.map((e) => e.id), body: (i) => pack(events[i]), events })
  }

  /**
   * `appendPositions` of events given as their msgpack encodings: event `i` (id `ids[i]`) is
   * `bytes[spans[2i]..spans[2i+1]]`, stored as it is. For a log without a tail (the writer thread).
   */
  appendEncoded(site: string, ids: readonly string[], bytes: Uint8Array, spans: Int32Array): Promise<Float64Array> {
    return this.#enqueue({ site, ids, body: (i) => bytes.subarray(spans[2 * i]!, spans[2 * i + 1]!) })
  }

  #enqueue(append: Omit<PendingAppend, 'resolve' | 'reject'>): Promise<Float64Array> {
    return new Promise((resolve, reject) => {
      if (this.#pending.push({ ...append, resolve, reject }) === 1) setImmediate(() => this.#commit())
    })
  }

  #commit(): void {
    const group = this.#pending
    this.#pending = []
    let seqs: Float64Array[]
    const now = this.#clock()
    try {
      seqs = this.#appendAll(group, now) as Float64Array[]
    } catch (error) {
      for (const append of group) append.reject(error)
      return
    }
    if (this.#tail) this.#tail.push(group.flatMap(({ site, events = [] }, i) => recordsOf(site, events, seqs[i]!, now)))
    group.forEach((append, i) => append.resolve(seqs[i]!))
    if (seqs.some((positions) => positions.some((seq) => seq > 0))) for (const listener of this.#listeners) listener()
  }

  read(after: number, max: number): LogRecord[] {
    const held = this.#tail?.read(after, max)
    if (held) return held
    const rows = this.#read.all(after, max) as Array<{ seq: number; site: string; body: Buffer; appended_at: number }>
    return rows.map(({ seq, site, body, appended_at }) => ({ seq, site, event: unpack(body) as Event, receivedAt: appended_at }))
  }

  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  trim(upTo: number, appendedBefore: number, site?: string): number {
    return (site === undefined ? this.#trim.run(upTo, appendedBefore) : this.#trimSite.run(site, upTo, appendedBefore)).changes
  }

  /** Deletes every record of a site (the site was removed); returns how many. */
  removeSite(site: string): number {
    this.#tail?.removeSite(site)
    return this.#removeSite.run(site).changes
  }

  close(): void {
    if (this.#pending.length > 0) this.#commit()
    this.#listeners.clear()
    this.#db.close()
  }
}

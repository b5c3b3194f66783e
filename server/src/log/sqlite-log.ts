import type { Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import type { Clock } from '../clock'
import { systemClock } from '../clock'
import { openDb, type Db } from '../state/sqlite'
import type { AppendResult, EventSink, EventSource, LogRecord } from './event-log'

/** Options of the embedded log. */
export interface SqliteLogOptions {
  /** The database file, or `:memory:` in tests. */
  file: string
  /** The clock stamping append times (used by retention). */
  clock?: Clock
}

/** Records kept in memory for the reader (trimmed to half when over). */
const TAIL_RECORDS = 50_000

interface PendingAppend {
  site: string
  events: readonly Event[]
  resolve(result: AppendResult): void
  reject(error: unknown): void
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
  readonly #appendAll
  #pending: PendingAppend[] = []
  /** The latest records appended by this process, so that the processor reads them without SQL or decoding. */
  #tail: LogRecord[] = []

  constructor({ file, clock = systemClock }: SqliteLogOptions) {
    this.#db = openDb(file)
    this.#clock = clock
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
    this.#read = this.#db.prepare('SELECT seq, site, body FROM log WHERE seq > ? ORDER BY seq LIMIT ?')
    this.#trim = this.#db.prepare('DELETE FROM log WHERE seq <= ? AND appended_at < ?')
    this.#appendAll = this.#db.transaction((group: readonly PendingAppend[], now: number, appended: LogRecord[]) =>
      group.map(({ site, events }) => {
        let accepted = 0
        for (const event of events) {
          const { changes, lastInsertRowid } = this.#insert.run(site, event.id, now, pack(event))
          if (changes === 0) continue
          accepted++
          appended.push({ seq: Number(lastInsertRowid), site, event })
        }
        return accepted
      }),
    )
  }

  append(site: string, events: readonly Event[]): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      if (this.#pending.push({ site, events, resolve, reject }) === 1) setImmediate(() => this.#commit())
    })
  }

  #commit(): void {
    const group = this.#pending
    this.#pending = []
    let accepted: number[]
    const appended: LogRecord[] = []
    try {
      accepted = this.#appendAll(group, this.#clock(), appended) as number[]
    } catch (error) {
      for (const append of group) append.reject(error)
      return
    }
    this.#remember(appended)
    group.forEach((append, i) => append.resolve({ accepted: accepted[i]!, duplicates: append.events.length - accepted[i]! }))
    if (accepted.some((n) => n > 0)) for (const listener of this.#listeners) listener()
  }

  read(after: number, max: number): LogRecord[] {
    // The tail holds every record this process appended since it began (seqs rising, with gaps where
    // a repeated id was ignored): serve from it when `after` is not before it.
    const tail = this.#tail
    if (tail.length > 0 && after >= tail[0]!.seq - 1) {
      let lo = 0
      let hi = tail.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if (tail[mid]!.seq <= after) lo = mid + 1
        else hi = mid
      }
      return tail.slice(lo, lo + max)
    }
    const rows = this.#read.all(after, max) as Array<{ seq: number; site: string; body: Buffer }>
    return rows.map(({ seq, site, body }) => ({ seq, site, event: unpack(body) as Event }))
  }

  /** Keeps the records just appended, dropping the older half of the tail when it is full. */
  #remember(appended: LogRecord[]): void {
    for (const r of appended) this.#tail.push(r)
    if (this.#tail.length > TAIL_RECORDS) this.#tail = this.#tail.slice(-TAIL_RECORDS / 2)
  }

  onAppend(listener: () => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  trim(upTo: number, appendedBefore: number): number {
    return this.#trim.run(upTo, appendedBefore).changes
  }

  close(): void {
    if (this.#pending.length > 0) this.#commit()
    this.#listeners.clear()
    this.#db.close()
  }
}

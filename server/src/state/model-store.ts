import type { Db } from './sqlite'
import type { Kind, SessionPoint } from '../processor/site-model'

/** The layout of the state tables; a file written by another layout is refused, not misread. */
const SCHEMA_VERSION = 2

/** Thrown when the state file was written by an incompatible version. */
export class SchemaError extends Error {
  override name = 'SchemaError'
}

const KIND_CODE: Record<Kind, number> = { next: 0, related: 1 }
const KINDS: Kind[] = ['next', 'related']

/** What `load()` feeds back to rebuild the in-memory model after a restart. */
export interface ModelSink {
  watermark(site: string, day: number): void
  count(site: string, kind: Kind, src: string, dst: string, day: number, n: number): void
  session(site: string, session: string, point: SessionPoint): void
}

/**
 * The processor's durable state in SQLite: transition counts per day, sessions' last items,
 * watermarks, and the position in the log. The processor writes them in
 * one transaction with the rows it derives, so a restart neither loses nor double-counts an event.
 */
export class ModelStore {
  readonly #db: Db
  readonly #s

  constructor(db: Db) {
    this.#db = db
    const version = db.pragma('user_version', { simple: true }) as number
    const fresh = db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'counts'`).pluck().get() === 0
    if (!fresh && version !== SCHEMA_VERSION) {
      throw new SchemaError(
        `${db.name} holds model state of layout ${version}, this version needs ${SCHEMA_VERSION}: move it away and re-load history with \`npm run bootstrap\``,
      )
    }
    db.pragma(`user_version = ${SCHEMA_VERSION}`)
    db.exec(`
      CREATE TABLE IF NOT EXISTS counts (
        site TEXT NOT NULL, kind INTEGER NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, day INTEGER NOT NULL,
        n INTEGER NOT NULL, PRIMARY KEY (site, kind, src, dst, day)) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS counts_by_day ON counts (site, day);
      CREATE TABLE IF NOT EXISTS sessions (
        site TEXT NOT NULL, session TEXT NOT NULL, items TEXT NOT NULL, ts REAL NOT NULL,
        PRIMARY KEY (site, session)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS watermarks (site TEXT PRIMARY KEY, day INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS positions (source TEXT PRIMARY KEY, seq INTEGER NOT NULL);`)
    this.#s = {
      count: db.prepare(
        `INSERT INTO counts (site, kind, src, dst, day, n) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (site, kind, src, dst, day) DO UPDATE SET n = n + excluded.n`,
      ),
      dropCounts: db.prepare('DELETE FROM counts WHERE site = ? AND day < ?'),
      session: db.prepare(
        `INSERT INTO sessions (site, session, items, ts) VALUES (?, ?, ?, ?)
         ON CONFLICT (site, session) DO UPDATE SET items = excluded.items, ts = excluded.ts`,
      ),
      dropSessions: db.prepare('DELETE FROM sessions WHERE site = ? AND ts < ?'),
      watermark: db.prepare(
        'INSERT INTO watermarks (site, day) VALUES (?, ?) ON CONFLICT (site) DO UPDATE SET day = excluded.day',
      ),
      position: db.prepare('SELECT seq FROM positions WHERE source = ?').pluck(),
      setPosition: db.prepare(
        'INSERT INTO positions (source, seq) VALUES (?, ?) ON CONFLICT (source) DO UPDATE SET seq = excluded.seq',
      ),
    }
  }

  /** Runs `fn` in one transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T {
    return this.#db.transaction(fn)()
  }

  /** Adds `n` to a statistic. */
  addCount(site: string, kind: Kind, src: string, dst: string, day: number, n: number): void {
    this.#s.count.run(site, KIND_CODE[kind], src, dst, day, n)
  }

  /** Drops the counts of days before `day`. */
  dropCountsBefore(site: string, day: number): void {
    this.#s.dropCounts.run(site, day)
  }

  /** Stores a session's latest items. */
  putSession(site: string, session: string, point: SessionPoint): void {
    this.#s.session.run(site, session, JSON.stringify(point.items), point.ts)
  }

  /** Forgets sessions idle since before `ts`. */
  dropSessionsBefore(site: string, ts: number): void {
    this.#s.dropSessions.run(site, ts)
  }

  /** Stores a site's watermark day. */
  setWatermark(site: string, day: number): void {
    this.#s.watermark.run(site, day)
  }

  /** The last log position applied from `source` (0 when none). */
  position(source: string): number {
    return (this.#s.position.get(source) as number | undefined) ?? 0
  }

  /** Stores the last log position applied from `source`. */
  setPosition(source: string, seq: number): void {
    this.#s.setPosition.run(source, seq)
  }

  /** Replays the stored state into `sink`. */
  load(sink: ModelSink): void {
    for (const w of this.#db.prepare('SELECT site, day FROM watermarks').iterate() as Iterable<{ site: string; day: number }>)
      sink.watermark(w.site, w.day)
    type C = { site: string; kind: number; src: string; dst: string; day: number; n: number }
    for (const c of this.#db.prepare('SELECT site, kind, src, dst, day, n FROM counts').iterate() as Iterable<C>)
      sink.count(c.site, KINDS[c.kind]!, c.src, c.dst, c.day, c.n)
    type S = { site: string; session: string; items: string; ts: number }
    for (const s of this.#db.prepare('SELECT site, session, items, ts FROM sessions').iterate() as Iterable<S>)
      sink.session(s.site, s.session, { items: JSON.parse(s.items) as string[], ts: s.ts })
  }
}

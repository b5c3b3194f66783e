import { DAY_MS } from '../clock'
import { encodeEntry, type StateEntry } from '../model'
import type { DailyProfile } from '../model'
import { KvStore, openDb, type Db } from '../state'

/** The layout of the model's state: 3 is the state codec's entries in one table. */
const LAYOUT = 3

/** Thrown when the state file was written by a layout this version cannot read. */
export class SchemaError extends Error {
  override name = 'SchemaError'
}

/**
 * Opens embedded mode's state file (`state.db`: the model's state, the rows, the catalog). A file of
 * layout 2 (the tables of Sequitur before 2026-12-04) is converted in place, once; trending's last
 * two hours are not carried over.
 */
export function openStateFile(file: string): { db: Db; store: KvStore } {
  const db = openDb(file)
  const layout = db.pragma('user_version', { simple: true }) as number
  const old = db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'counts'`).pluck().get() !== 0
  if (old && layout !== 2) throw new SchemaError(`${db.name} holds model state of layout ${layout}; this version reads 2 and ${LAYOUT}: move it away and re-load history with \`npm run bootstrap\``)
  const store = new KvStore(db)
  if (old) db.transaction(() => convertLayout2(db, store))()
  db.pragma(`user_version = ${LAYOUT}`)
  return { db, store }
}

function convertLayout2(db: Db, store: KvStore): void {
  const entries: StateEntry[] = []
  const all = <T>(sql: string) => db.prepare(sql).all() as T[]
  for (const w of all<{ site: string; day: number }>('SELECT site, day FROM watermarks')) entries.push({ kind: 'clock', site: w.site, time: w.day * DAY_MS })
  for (const c of all<{ site: string; kind: number; src: string; dst: string; day: number; n: number }>('SELECT * FROM counts')) {
    entries.push({ kind: 'cell', site: c.site, stat: c.kind === 0 ? 'next' : 'related', src: c.src, dst: c.dst, day: c.day, n: c.n })
  }
  for (const s of all<{ site: string; session: string; items: string; ts: number }>('SELECT * FROM sessions')) {
    entries.push({ kind: 'session', site: s.site, session: s.session, point: { items: JSON.parse(s.items) as string[], ts: s.ts } })
  }
  const hasProfiles = db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'profiles'`).pluck().get() !== 0
  if (hasProfiles) {
    for (const p of all<{ site: string; user: string; day: number; data: string }>('SELECT * FROM profiles')) {
      entries.push({ kind: 'profile', site: p.site, user: p.user, day: p.day, profile: JSON.parse(p.data) as DailyProfile })
    }
  }
  const position = db.prepare(`SELECT seq FROM positions WHERE source = 'log'`).pluck().get() as number | undefined
  entries.push({ kind: 'position', next: position ?? 0 })
  store.write(entries.map(encodeEntry))
  db.exec('DROP TABLE counts; DROP TABLE sessions; DROP TABLE watermarks; DROP TABLE positions; DROP TABLE IF EXISTS profiles; DROP TABLE IF EXISTS trending')
}

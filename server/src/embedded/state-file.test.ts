import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { decodeEntry, type StateEntry } from '../model'
import { openDb } from '../state'
import { openStateFile, SchemaError } from './state-file'

/** A state file as the version before the one model core wrote it (layout 2). */
function layout2(file: string): void {
  const db = openDb(file)
  db.exec(`
    CREATE TABLE counts (site TEXT, kind INTEGER, src TEXT, dst TEXT, day INTEGER, n INTEGER, PRIMARY KEY (site, kind, src, dst, day)) WITHOUT ROWID;
    CREATE TABLE sessions (site TEXT, session TEXT, items TEXT, ts REAL, PRIMARY KEY (site, session)) WITHOUT ROWID;
    CREATE TABLE watermarks (site TEXT PRIMARY KEY, day INTEGER);
    CREATE TABLE positions (source TEXT PRIMARY KEY, seq INTEGER);
    CREATE TABLE profiles (site TEXT, user TEXT, day INTEGER, data TEXT, PRIMARY KEY (site, user, day)) WITHOUT ROWID;
    CREATE TABLE trending (site TEXT, epoch INTEGER, state TEXT, watermark REAL, PRIMARY KEY (site, epoch)) WITHOUT ROWID;
    INSERT INTO counts VALUES ('demo', 0, 'A', 'B', 20000, 3), ('demo', 1, 'A', 'B', 20000, 90);
    INSERT INTO sessions VALUES ('demo', 's1', '["A","B"]', ${20_000 * DAY_MS});
    INSERT INTO watermarks VALUES ('demo', 20000);
    INSERT INTO positions VALUES ('log', 17);
    INSERT INTO profiles VALUES ('demo', 'u1', 20000, '{"counts":{"category":{"lamps":2}},"numbers":{}}');
    INSERT INTO trending VALUES ('demo', 960000, '{}', 0);
    PRAGMA user_version = 2;`)
  db.close()
}

describe('the embedded state file', () => {
  it('converts a file of the previous layout in place, once, keeping counts, sessions, clocks, profiles and the log position', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-state-')), 'state.db')
    layout2(file)
    const { db, store } = openStateFile(file)
    const entries = [...store.entries()].map(({ key, value }) => decodeEntry(key, value))
    expect(entries).toEqual(
      expect.arrayContaining<StateEntry>([
        { kind: 'cell', site: 'demo', stat: 'next', src: 'A', dst: 'B', day: 20_000, n: 3 },
        { kind: 'cell', site: 'demo', stat: 'related', src: 'A', dst: 'B', day: 20_000, n: 90 },
        { kind: 'session', site: 'demo', session: 's1', point: { items: ['A', 'B'], ts: 20_000 * DAY_MS } },
        { kind: 'clock', site: 'demo', time: 20_000 * DAY_MS },
        { kind: 'profile', site: 'demo', user: 'u1', day: 20_000, profile: { counts: { category: { lamps: 2 } }, numbers: {} } },
        { kind: 'position', next: 17 },
      ]),
    )
    expect(entries).toHaveLength(6)
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name IN ('counts', 'trending')`).pluck().get()).toBe(0)
    db.close()
    // Opened again: nothing left to convert, the same entries.
    const again = openStateFile(file)
    expect([...again.store.entries()]).toHaveLength(6)
    again.db.close()
  })

  it('refuses a file of an unknown layout with a message that says what to do', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-state-')), 'state.db')
    layout2(file)
    const db = openDb(file)
    db.pragma('user_version = 1')
    db.close()
    expect(() => openStateFile(file)).toThrow(SchemaError)
    expect(() => openStateFile(file)).toThrow(/npm run bootstrap/)
  })
})

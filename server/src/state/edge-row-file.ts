import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Db } from './sqlite'

/** A row as the rows topic carries it: its record key, the version that wrote it, its encoded value (`null`: emptied). */
export interface EncodedRow {
  key: string
  version: number
  value: Buffer | null
}

/**
 * An edge's materialized copy of the rows topic in SQLite: every row's latest value by its record
 * key, and the topic offset it reflects, written together once per fetched batch. A restarted edge
 * reads the topic on from that offset instead of from its start. The topic is the durable copy, so
 * the file may lose its last batches on power loss (it then resumes from an earlier offset).
 */
export class EdgeRowFile {
  readonly #db: Db
  readonly #put
  readonly #delete
  readonly #get
  readonly #position
  readonly #setPosition
  readonly #write

  constructor(file: string) {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    const db = (this.#db = new Database(file, { timeout: 100 }))
    try {
      // One edge per file: two edges writing one file would each move the other's offset. The lock of
      // a crashed edge goes with its process, so a lock still held is another edge's: fail at once.
      db.pragma('locking_mode = EXCLUSIVE')
      db.pragma('journal_mode = WAL')
      db.exec('BEGIN IMMEDIATE; COMMIT')
    } catch (error) {
      db.close()
      throw new Error(`${file} is in use by another edge: give each edge its own SEQUITUR_DATA_DIR (${String(error)})`)
    }
    // The topic is the durable copy: a batch lost on power loss is read again.
    db.pragma('synchronous = NORMAL')
    // Values are up to a few KB: a rowid table keeps them out of the key's index pages.
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS rows (key TEXT PRIMARY KEY, version INTEGER NOT NULL, value BLOB);
      CREATE TABLE IF NOT EXISTS position (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL, version INTEGER NOT NULL);`)
    this.#put = this.#db.prepare(
      'INSERT INTO rows (key, version, value) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET version = excluded.version, value = excluded.value',
    )
    this.#delete = this.#db.prepare('DELETE FROM rows')
    this.#get = this.#db.prepare('SELECT key, version, value FROM rows WHERE key IN (SELECT value FROM json_each(?))')
    this.#position = this.#db.prepare('SELECT next, version FROM position WHERE id = 1')
    this.#setPosition = this.#db.prepare(
      'INSERT INTO position (id, next, version) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET next = excluded.next, version = excluded.version',
    )
    this.#write = this.#db.transaction((rows: readonly EncodedRow[], next: number, version: number) => {
      for (const r of rows) this.#put.run(r.key, r.version, r.value)
      this.#setPosition.run(next, version)
    })
  }

  /** The next topic offset to read and the latest row version held (both 0 when empty). */
  position(): { next: number; version: number } {
    return (this.#position.get() as { next: number; version: number } | undefined) ?? { next: 0, version: 0 }
  }

  /** Stores a fetched batch's rows (later ones win) and the position it reaches, in one transaction. */
  write(rows: readonly EncodedRow[], next: number, version: number): void {
    this.#write(rows, next, version)
  }

  /** The stored rows of `keys` (a key never written is missing). */
  get(keys: readonly string[]): EncodedRow[] {
    if (keys.length === 0) return []
    return this.#get.all(JSON.stringify(keys)) as EncodedRow[]
  }

  /** Deletes every row and the position (the topic no longer matches them). */
  wipe(): void {
    this.#db.transaction(() => {
      this.#delete.run()
      this.#db.exec('DELETE FROM position')
    })()
  }

  /** Closes the file. */
  close(): void {
    this.#db.close()
  }
}

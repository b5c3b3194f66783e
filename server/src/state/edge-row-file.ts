import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Db } from './sqlite'

/** A row as the rows topic carries it: its record key, the version that wrote it (offset + 1 in its partition), its encoded value (`null`: emptied). */
export interface EncodedRow {
  key: string
  version: number
  value: Buffer | null
  /** Its rows partition. */
  partition: number
}

/** Where the file's copy of the rows topic reached: the next offset of each partition, and the latest row version. */
export interface FilePosition {
  positions: number[]
  version: number
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
      CREATE TABLE IF NOT EXISTS rows (key TEXT PRIMARY KEY, version INTEGER NOT NULL, value BLOB, partition INTEGER NOT NULL DEFAULT 0);
      CREATE TABLE IF NOT EXISTS partitions (partition INTEGER PRIMARY KEY, next INTEGER NOT NULL, version INTEGER NOT NULL);`)
    migrate(this.#db)
    this.#put = this.#db.prepare(
      `INSERT INTO rows (key, version, value, partition) VALUES (?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET version = excluded.version, value = excluded.value, partition = excluded.partition`,
    )
    this.#delete = this.#db.prepare('DELETE FROM rows')
    this.#get = this.#db.prepare('SELECT key, version, value, partition FROM rows WHERE key IN (SELECT value FROM json_each(?))')
    this.#position = this.#db.prepare('SELECT partition, next, version FROM partitions ORDER BY partition')
    this.#setPosition = this.#db.prepare(
      'INSERT INTO partitions (partition, next, version) VALUES (?, ?, ?) ON CONFLICT (partition) DO UPDATE SET next = excluded.next, version = excluded.version',
    )
    this.#write = this.#db.transaction((rows: readonly EncodedRow[], partition: number, next: number, version: number) => {
      for (const r of rows) this.#put.run(r.key, r.version, r.value, r.partition)
      this.#setPosition.run(partition, next, version)
    })
  }

  /** The next offset of each partition to read (0 for one never read) and the latest row version held. */
  position(): FilePosition {
    const positions: number[] = []
    let version = 0
    for (const p of this.#position.all() as Array<{ partition: number; next: number; version: number }>) {
      while (positions.length < p.partition) positions.push(0)
      positions[p.partition] = p.next
      version = Math.max(version, p.version)
    }
    return { positions, version }
  }

  /** Stores a fetched batch's rows of `partition` (later ones win) and the offset it reaches there, in one transaction. */
  write(rows: readonly EncodedRow[], partition: number, next: number, version: number): void {
    this.#write(rows, partition, next, version)
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
      this.#db.exec('DELETE FROM partitions')
    })()
  }

  /** Closes the file. */
  close(): void {
    this.#db.close()
  }
}

/**
 * A file of an edge from before partitioned rows: one `position` row (the topic had one partition)
 * becomes partition 0's, and its rows, written without a partition, are partition 0's.
 */
function migrate(db: Db): void {
  const columns = db.prepare('PRAGMA table_info(rows)').all() as Array<{ name: string }>
  if (!columns.some((c) => c.name === 'partition')) db.exec('ALTER TABLE rows ADD COLUMN partition INTEGER NOT NULL DEFAULT 0')
  const old = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'position'`).get()
  if (!old) return
  db.transaction(() => {
    db.exec('INSERT OR IGNORE INTO partitions (partition, next, version) SELECT 0, next, version FROM position WHERE id = 1')
    db.exec('DROP TABLE position')
  })()
}

import type { EncodedEntry } from '../model/state-codec'
import type { Db } from './sqlite'

/**
 * The model's state in SQLite as the state codec encodes it: one row per key, its latest value.
 * Embedded mode keeps its whole model here; each Kafka stage keeps one per input partition.
 */
export class KvStore {
  readonly #put
  readonly #delete
  readonly #all

  constructor(readonly db: Db) {
    db.exec('CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID')
    this.#put = db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.#delete = db.prepare('DELETE FROM state WHERE key = ?')
    this.#all = db.prepare('SELECT key, value FROM state')
  }

  /** Every stored entry. */
  entries(): Iterable<{ key: string; value: Buffer }> {
    return this.#all.iterate() as Iterable<{ key: string; value: Buffer }>
  }

  /** Stores each entry's value, or deletes its key (call inside a transaction). */
  write(writes: Iterable<EncodedEntry>): void {
    for (const [key, value] of writes) {
      if (value) this.#put.run(key, value)
      else this.#delete.run(key)
    }
  }

  /** Deletes everything. */
  clear(): void {
    this.db.exec('DELETE FROM state')
  }
}

import { openDb, type Db } from '../state/sqlite'
import { unbundle, type ChangelogRecord } from './stage'

/**
 * A stage's state for one input partition in an embedded SQLite file: the latest value of every
 * changelog key, and the changelog offset it reflects. A new owner loads it and replays the changelog
 * only from there; it is written after each committed transaction, so at worst it lags and the replay
 * is longer (applying a changelog record twice sets the same value).
 */
export class PartitionStore {
  readonly #db: Db
  readonly #put
  readonly #delete
  readonly #setCheckpoint
  readonly #apply

  constructor(file: string) {
    this.#db = openDb(file)
    // The changelog in Kafka is the durable copy: this file may lose its last writes on power loss.
    this.#db.pragma('synchronous = NORMAL')
    this.#db.exec(`
      CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL);`)
    this.#put = this.#db.prepare('INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
    this.#delete = this.#db.prepare('DELETE FROM state WHERE key = ?')
    this.#setCheckpoint = this.#db.prepare(
      'INSERT INTO checkpoint (id, next) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET next = excluded.next',
    )
    this.#apply = this.#db.transaction((records: readonly ChangelogRecord[], next: number) => {
      for (const record of records) {
        for (const { key, value } of unbundle(record)) {
          if (value) this.#put.run(key, value)
          else this.#delete.run(key)
        }
      }
      this.#setCheckpoint.run(next)
    })
  }

  /** The next changelog offset to replay from (0 when the store is empty). */
  checkpoint(): number {
    return (this.#db.prepare('SELECT next FROM checkpoint WHERE id = 1').pluck().get() as number | undefined) ?? 0
  }

  /** Every stored key with its value. */
  entries(): Iterable<{ key: string; value: Buffer }> {
    return this.#db.prepare('SELECT key, value FROM state').iterate() as Iterable<{ key: string; value: Buffer }>
  }

  /** Applies changelog records in order and moves the checkpoint to `next`, in one transaction. */
  apply(records: readonly ChangelogRecord[], next: number): void {
    this.#apply(records, next)
  }

  /** Forgets everything (the changelog no longer reaches back to the checkpoint). */
  wipe(): void {
    this.#db.exec('DELETE FROM state; DELETE FROM checkpoint;')
  }

  close(): void {
    this.#db.close()
  }
}

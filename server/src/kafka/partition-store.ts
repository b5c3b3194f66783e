import type { EncodedEntry } from '../model'
import { KvStore, openDb, type Db } from '../state'
import { unbundle, type ChangelogRecord } from './stage'

/** Replaces a store's state with a snapshot's, atomically: the file holds the old state or the new, never part. */
export interface StoreReplacement {
  /** Adds entries of the snapshot (each key once). */
  add(entries: Iterable<EncodedEntry>): void
  /** Ends it: the state is the entries added, at changelog offset `next`. */
  commit(next: number): void
  /** Gives up: the state is as before. */
  rollback(): void
}

/** How long a store holds back what it was given at most, and how many keys. */
export interface PartitionStoreOptions {
  flushEveryMs?: number
  maxPending?: number
}

/**
 * A stage's state for one input partition in an embedded SQLite file: the latest value of every
 * changelog key, and the changelog offset it reflects. A new owner loads it and replays the changelog
 * only from there. It is given each committed transaction's writes but writes them behind, within a
 * second, each key once at its latest value (a hot key changes in many transactions): so it lags, and
 * a new owner after a crash replays a second more, since applying a changelog record twice sets the
 * same value.
 */
export class PartitionStore {
  readonly #db: Db
  /** Writes not in the file yet: the latest value of each key (`null` deletes it), up to `#pendingNext`. */
  readonly #pending = new Map<string, Buffer | null>()
  #pendingNext = -1
  #timer: NodeJS.Timeout | undefined
  readonly #flushEveryMs: number
  readonly #maxPending: number
  readonly #kv: KvStore
  readonly #setCheckpoint
  readonly #apply
  readonly #all

  /** The SQLite file (a snapshot reads it through a connection of its own). */
  readonly file: string

  constructor(file: string, { flushEveryMs = 1000, maxPending = 100_000 }: PartitionStoreOptions = {}) {
    this.#flushEveryMs = flushEveryMs
    this.#maxPending = maxPending
    this.file = file
    this.#db = openDb(file)
    // The changelog in Kafka is the durable copy: this file may lose its last writes on power loss.
    this.#db.pragma('synchronous = NORMAL')
    this.#kv = new KvStore(this.#db)
    this.#all = this.#db.prepare('SELECT key, value FROM state').raw()
    this.#db.exec('CREATE TABLE IF NOT EXISTS checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), next INTEGER NOT NULL)')
    this.#setCheckpoint = this.#db.prepare(
      'INSERT INTO checkpoint (id, next) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET next = excluded.next',
    )
    this.#apply = this.#db.transaction((writes: Map<string, Buffer | null>, next: number) => {
      this.#kv.write(writes)
      this.#setCheckpoint.run(next)
    })
  }

  /** The next changelog offset to replay from (0 when the store is empty). */
  checkpoint(): number {
    if (this.#pendingNext >= 0) return this.#pendingNext
    return (this.#db.prepare('SELECT next FROM checkpoint WHERE id = 1').pluck().get() as number | undefined) ?? 0
  }

  /** Every stored key with its value. */
  *entries(): Iterable<{ key: string; value: Buffer }> {
    this.flush()
    // Rows as arrays: better-sqlite3 makes them ~4× faster than as objects, and a restore reads millions.
    for (const [key, value] of this.#all.iterate() as Iterable<[string, Buffer]>) yield { key, value }
  }

  /**
   * Takes changelog records in order (bundles as the writes they hold) that bring the state to
   * changelog offset `next`; they reach the file, with `next`, at the next flush.
   */
  apply(records: readonly ChangelogRecord[], next: number): void {
    for (const record of records) for (const { key, value } of unbundle(record)) this.#pending.set(key, value)
    this.#pendingNext = next
    if (this.#pending.size >= this.#maxPending) this.flush()
    else if (!this.#timer && Number.isFinite(this.#flushEveryMs)) {
      this.#timer = setTimeout(() => this.flush(), this.#flushEveryMs)
      this.#timer.unref()
    }
  }

  /** Writes what it holds back, and the checkpoint it reaches, in one SQLite transaction. */
  flush(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
    if (this.#pendingNext < 0) return
    this.#apply(this.#pending, this.#pendingNext)
    this.#pending.clear()
    this.#pendingNext = -1
  }

  /** Forgets everything (the changelog no longer reaches back to the checkpoint). */
  wipe(): void {
    this.#pending.clear()
    this.#pendingNext = -1
    this.#kv.clear()
    this.#db.exec('DELETE FROM checkpoint')
  }

  /** Starts replacing the whole state with a snapshot's (what it holds back is written first, so a rollback keeps it). */
  replace(): StoreReplacement {
    this.flush()
    this.#db.exec('BEGIN')
    this.#kv.clear()
    this.#db.exec('DELETE FROM checkpoint')
    return {
      add: (entries) => this.#kv.write(entries),
      commit: (next) => {
        this.#setCheckpoint.run(next)
        this.#db.exec('COMMIT')
      },
      rollback: () => this.#db.exec('ROLLBACK'),
    }
  }

  /** Writes what it holds back, then closes the file. */
  close(): void {
    this.flush()
    this.#db.close()
  }
}

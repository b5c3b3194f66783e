import { openSequiturDb, type SequiturDb } from './db'
import { idbOutbox } from './idb-outbox'
import { memoryStorage } from './memory-storage'
import { openSession, readSession, recordEvent, saveRows } from './session-store'
import type { Storage } from './storage'

/** Whether `error` says the connection is gone (WebKit's "Connection to Indexed Database server lost", a closed db). */
export const isConnectionLost = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'InvalidStateError' || error.name === 'UnknownError' || /connection.*lost/i.test(error.message))

/**
 * The site's IndexedDB as `Storage`. An operation that finds the connection lost reopens the database
 * (once per failure, shared by the operations that failed together) and is retried once.
 */
export function idbStorage(db: SequiturDb, reopen?: () => Promise<SequiturDb>): Storage {
  let current = Promise.resolve(db)
  const run = async <T>(op: (db: SequiturDb) => Promise<T>): Promise<T> => {
    const used = current
    try {
      return await op(await used)
    } catch (error) {
      if (!reopen || !isConnectionLost(error)) throw error
      if (current === used) current = reopen()
      return op(await current)
    }
  }
  const outbox = (db: SequiturDb) => idbOutbox(db)
  return {
    kind: 'indexeddb',
    open: (touch) => run((db) => openSession(db, touch)),
    record: (event, touch, queue) => run((db) => recordEvent(db, event, touch, queue)),
    read: () => run((db) => readSession(db)),
    saveRows: (put, remove, version) => run((db) => saveRows(db, put, remove, version)),
    outbox: {
      head: (limit) => run((db) => outbox(db).head(limit)),
      remove: (keys) => run((db) => outbox(db).remove(keys)),
      clear: () => run((db) => outbox(db).clear()),
      trim: (maxEvents, maxBytes) => run((db) => outbox(db).trim(maxEvents, maxBytes)),
    },
  }
}

/** Options of `openStorage()`. */
export interface OpenStorageOptions {
  /** Opens the site's database. */
  openDb?: (site: string) => Promise<SequiturDb>
  /** How long opening may take before memory is used instead, in ms: a blocked open may never answer. */
  timeoutMs?: number
  /** Starts the timeout. */
  after?: (ms: number, fn: () => void) => void
}

/** Opens IndexedDB, or memory storage when it throws, rejects or does not answer in time. */
export async function openStorage(site: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const { openDb = openSequiturDb, timeoutMs = 3000, after = (ms, fn) => void setTimeout(fn, ms) } = options
  try {
    const db = await new Promise<SequiturDb>((resolve, reject) => {
      after(timeoutMs, () => reject(new Error('IndexedDB did not answer')))
      openDb(site).then(resolve, reject)
    })
    return idbStorage(db, () => openDb(site))
  } catch {
    return memoryStorage()
  }
}

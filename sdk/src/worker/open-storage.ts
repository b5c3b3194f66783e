import { openSequiturDb, type SequiturDb } from './db'
import { idbOutbox } from './idb-outbox'
import { memoryStorage } from './memory-storage'
import { openSession, readSession, recordEvent, saveRows, type StoredSession } from './session-store'
import type { Storage } from './storage'

/** Whether `error` says the connection is gone (WebKit's "Connection to Indexed Database server lost", a closed db). */
export const isConnectionLost = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'InvalidStateError' || error.name === 'UnknownError' || /connection.*lost/i.test(error.message))

/**
 * The site's IndexedDB as `Storage`. An operation that finds the connection lost reopens the database
 * (once per failure, shared by the operations that failed together) and is retried once. When that
 * fails too (WebKit refuses every reopen in a page whose storage process died: "Refresh the page to
 * try again"), the page goes on in memory from the session as last seen; events already stored stay
 * in IndexedDB for the next page load (the server counts a repeated event id once).
 */
export function idbStorage(db: SequiturDb, reopen?: () => Promise<SequiturDb>): Storage {
  let current = Promise.resolve(db)
  let memory: Storage | undefined
  let last: StoredSession | undefined
  const run = async <T>(op: (db: SequiturDb) => Promise<T>, inMemory: (memory: Storage) => Promise<T>): Promise<T> => {
    if (memory) return inMemory(memory)
    const used = current
    try {
      return await op(await used)
    } catch (error) {
      if (!reopen || !isConnectionLost(error)) throw error
      if (current === used) current = reopen()
      try {
        return await op(await current)
      } catch (again) {
        if (!isConnectionLost(again)) throw again
        memory ??= memoryStorage(last && { meta: last.meta, trail: last.trail.map((item, i) => ({ item, ts: last!.times[i] ?? 0 })) })
        return inMemory(memory)
      }
    }
  }
  const seen = <T extends Omit<StoredSession, 'rotated'> | undefined>(session: T): T => {
    if (session) last = { ...session, rotated: false }
    return session
  }
  const outbox = (db: SequiturDb) => idbOutbox(db)
  return {
    get kind() {
      return memory ? 'memory' : 'indexeddb'
    },
    open: (touch) => run((db) => openSession(db, touch), (m) => m.open(touch)).then(seen),
    record: (event, touch, queue) => run((db) => recordEvent(db, event, touch, queue), (m) => m.record(event, touch, queue)).then(seen),
    read: () => run((db) => readSession(db), (m) => m.read()).then(seen),
    saveRows: (put, remove, version) => run((db) => saveRows(db, put, remove, version), (m) => m.saveRows(put, remove, version)),
    outbox: {
      head: (limit) => run((db) => outbox(db).head(limit), (m) => m.outbox.head(limit)),
      remove: (keys) => run((db) => outbox(db).remove(keys), (m) => m.outbox.remove(keys)),
      clear: () => run((db) => outbox(db).clear(), (m) => m.outbox.clear()),
      trim: (maxEvents, maxBytes) => run((db) => outbox(db).trim(maxEvents, maxBytes), (m) => m.outbox.trim(maxEvents, maxBytes)),
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

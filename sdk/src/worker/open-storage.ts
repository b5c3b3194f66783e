import { openSequiturDb, type SequiturDb } from './db'
import { idbOutbox } from './idb-outbox'
import { memoryStorage } from './memory-storage'
import { openSession, readSession, recordEvent, saveRows, type StoredSession } from './session-store'
import type { Storage } from './storage'

/** Whether `error` says the connection is gone (WebKit's "Connection to Indexed Database server lost", a closed db). */
export const isConnectionLost = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'InvalidStateError' || error.name === 'UnknownError' || /connection.*lost/i.test(error.message))

/** Raised when an IndexedDB operation does not settle in time. */
class StalledError extends Error {}

/** Options of `idbStorage`. */
export interface IdbStorageOptions {
  /** How long one operation may take before IndexedDB counts as stalled, in ms (default 30 s: a real stall lasts, a loaded machine is slow). */
  stallMs?: number
  /** Starts a timer; answers its cancel. */
  after?: (ms: number, fn: () => void) => () => void
}

/**
 * The site's IndexedDB as `Storage`. An operation that finds the connection lost reopens the database
 * (once per failure, shared by the operations that failed together) and is retried once. When that
 * fails too (WebKit refuses every reopen in a page whose storage process died: "Refresh the page to
 * try again"), or an operation stalls (WebKit holds an origin's IndexedDB while a page of it sits in
 * the back/forward cache mid-write), the page goes on in memory from the session as last seen; events
 * already stored stay in IndexedDB for the next page load (the server counts a repeated event id once).
 */
export function idbStorage(db: SequiturDb, reopen?: () => Promise<SequiturDb>, options: IdbStorageOptions = {}): Storage {
  const { stallMs = 30_000, after = (ms, fn) => ((timer) => () => clearTimeout(timer))(setTimeout(fn, ms)) } = options
  let current = Promise.resolve(db)
  let memory: Storage | undefined
  let last: StoredSession | undefined
  const inTime = <T>(pending: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const cancel = after(stallMs, () => reject(new StalledError(`IndexedDB did not answer in ${stallMs} ms`)))
      pending.then(resolve, reject).finally(cancel)
    })
  const toMemory = () => (memory ??= memoryStorage(last && { meta: last.meta, trail: last.trail.map((item, i) => ({ item, ts: last!.times[i] ?? 0 })) }))
  const run = async <T>(op: (db: SequiturDb) => Promise<T>, inMemory: (memory: Storage) => Promise<T>): Promise<T> => {
    if (memory) return inMemory(memory)
    const used = current
    try {
      return await inTime(used.then(op))
    } catch (error) {
      if (error instanceof StalledError) return inMemory(toMemory())
      if (!reopen || !isConnectionLost(error)) throw error
      if (current === used) current = reopen()
      try {
        return await inTime(current.then(op))
      } catch (again) {
        if (!(again instanceof StalledError) && !isConnectionLost(again)) throw again
        return inMemory(toMemory())
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

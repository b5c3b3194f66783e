import { openSequiturDb, type SequiturDb } from './db'
import { idbOutbox } from './idb-outbox'
import { memoryStorage } from './memory-storage'
import { openSession, recordEvent, saveRows } from './session-store'
import type { Storage } from './storage'

/** The site's IndexedDB as `Storage`. */
export function idbStorage(db: SequiturDb): Storage {
  return {
    kind: 'indexeddb',
    open: (touch) => openSession(db, touch),
    record: (event, touch, queue) => recordEvent(db, event, touch, queue),
    saveRows: (put, remove, version) => saveRows(db, put, remove, version),
    outbox: idbOutbox(db),
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
    return idbStorage(db)
  } catch {
    return memoryStorage()
  }
}

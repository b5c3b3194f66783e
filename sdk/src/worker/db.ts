import { openDB, type DBSchema, type IDBPDatabase } from 'idb'
import type { Event, ModelRow as Row } from '../protocol'
import type { SessionMeta } from './session'

/** One step of the session's trail. */
export interface TrailEntry {
  /** The item interacted with. */
  item: string
  /** When (ms since the epoch). */
  ts: number
}

/** A cached model row. */
export interface CachedRow {
  /** The item whose row this is (the key). */
  item: string
  /** Its next-click row as last pushed. */
  row: Row
}

/** The worker's IndexedDB: one database per site. */
export interface SequiturSchema extends DBSchema {
  /** The session and the stream version, under the one key `state`. */
  meta: { key: 'state'; value: SessionMeta }
  /** The session's item events, oldest first (autoIncrement keys). */
  trail: { key: number; value: TrailEntry }
  /** Rows of the items the session subscribes to, by item. */
  rows: { key: string; value: CachedRow }
  /** Events not yet acknowledged by the server, oldest first (autoIncrement keys). */
  outbox: { key: number; value: Event }
}

/** An open Sequitur database. */
export type SequiturDb = IDBPDatabase<SequiturSchema>

/** Opens (creating on first use) the database of `site`. */
export function openSequiturDb(site: string): Promise<SequiturDb> {
  return openDB<SequiturSchema>(`sequitur:${site}`, 1, {
    upgrade(db) {
      db.createObjectStore('meta')
      db.createObjectStore('trail', { autoIncrement: true })
      db.createObjectStore('rows', { keyPath: 'item' })
      db.createObjectStore('outbox', { autoIncrement: true })
    },
  })
}

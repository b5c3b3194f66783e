import type { Event } from '../protocol'
import type { CachedRow } from './db'
import type { OutboxStore } from './outbox'
import type { StoredSession, Touch } from './session-store'

/** Where the worker keeps the session, its trail, cached rows and unsent events. */
export interface Storage {
  /** `indexeddb`, or `memory` when IndexedDB is unavailable or was lost mid-page: this page only, lost on leaving. */
  kind: 'indexeddb' | 'memory'
  /** Restores the session at start (rotating it if it expired) with its trail and cached rows. */
  open(touch: Touch): Promise<StoredSession & { rows: CachedRow[] }>
  /** Records one event: touches the session, appends item events to the trail and, if `queue`, the event to the outbox. */
  record(event: Event, touch: Touch, queue: boolean): Promise<StoredSession>
  /** The session and trail as stored now (another tab may have written them); undefined before any session. */
  read(): Promise<Omit<StoredSession, 'rotated'> | undefined>
  /** Writes row changes and the new stream cursor together. */
  saveRows(put: CachedRow[], remove: string[], cursor?: string): Promise<void>
  /** The unsent events. */
  outbox: OutboxStore
}

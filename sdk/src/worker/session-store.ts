import { isItemEvent, type Event } from '../protocol'
import type { CachedRow, SequiturDb } from './db'
import type { SessionMeta } from './session'

/** Longest trail kept: the scorer looks at the last few items only. */
export const MAX_TRAIL = 100

/** Decides the session from what is stored (see `touchSession`). */
export type Touch = (meta: SessionMeta | undefined) => { meta: SessionMeta; rotated: boolean }

/** The session as stored after an update. */
export interface StoredSession {
  meta: SessionMeta
  rotated: boolean
  /** The trail's item ids, oldest first. */
  trail: string[]
  /** When each of them happened (ms), oldest first. */
  times: number[]
}

/** Restores the session at start (rotating it if it expired) with its trail and cached rows. */
export async function openSession(db: SequiturDb, touch: Touch): Promise<StoredSession & { rows: CachedRow[] }> {
  const tx = db.transaction(['meta', 'trail', 'rows'], 'readwrite')
  const { meta, rotated } = touch(await tx.objectStore('meta').get('state'))
  if (rotated) await Promise.all([tx.objectStore('trail').clear(), tx.objectStore('rows').clear()])
  await tx.objectStore('meta').put(meta, 'state')
  const [trail, rows] = await Promise.all([tx.objectStore('trail').getAll(), tx.objectStore('rows').getAll()])
  await tx.done
  return { meta, rotated, trail: trail.map((entry) => entry.item), times: trail.map((entry) => entry.ts), rows }
}

/**
 * Records one event in a single transaction: touches the session (a new one clears the trail), stamps the
 * event with it, appends it to the outbox (if `queue`) and, for item events, to the trail. Reading the session back
 * from storage keeps tabs of one site on one session.
 */
export async function recordEvent(db: SequiturDb, event: Event, touch: Touch, queue = true): Promise<StoredSession> {
  const tx = db.transaction(['meta', 'trail', 'outbox'], 'readwrite')
  const trail = tx.objectStore('trail')
  const { meta, rotated } = touch(await tx.objectStore('meta').get('state'))
  if (rotated) await trail.clear()
  await tx.objectStore('meta').put(meta, 'state')
  const stamped = { ...event, session: meta.session }
  if (queue) await tx.objectStore('outbox').add(stamped)
  if (isItemEvent(stamped)) await trail.add({ item: stamped.item, ts: stamped.ts })
  const keys = await trail.getAllKeys()
  for (const key of keys.slice(0, Math.max(0, keys.length - MAX_TRAIL))) await trail.delete(key)
  const entries = await trail.getAll()
  await tx.done
  return { meta, rotated, trail: entries.map((entry) => entry.item), times: entries.map((entry) => entry.ts) }
}

/** Reads the session and its trail without touching them. */
export async function readSession(db: SequiturDb): Promise<Omit<StoredSession, 'rotated'> | undefined> {
  const tx = db.transaction(['meta', 'trail'])
  const [meta, trail] = await Promise.all([tx.objectStore('meta').get('state'), tx.objectStore('trail').getAll()])
  await tx.done
  return meta && { meta, trail: trail.map((entry) => entry.item), times: trail.map((entry) => entry.ts) }
}

/** Writes row changes and the new stream cursor in one transaction, so held rows are always current up to it. */
export async function saveRows(db: SequiturDb, put: CachedRow[], remove: string[], cursor?: string): Promise<void> {
  const tx = db.transaction(['meta', 'rows'], 'readwrite')
  const rows = tx.objectStore('rows')
  await Promise.all([...put.map((row) => rows.put(row)), ...remove.map((item) => rows.delete(item))])
  if (cursor !== undefined) {
    const meta = await tx.objectStore('meta').get('state')
    if (meta) await tx.objectStore('meta').put({ ...meta, cursor }, 'state')
  }
  await tx.done
}

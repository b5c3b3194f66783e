import { isItemEvent, type Event } from '../protocol'
import type { CachedRow, TrailEntry } from './db'
import type { OutboxEntry } from './outbox'
import type { SessionMeta } from './session'
import { MAX_TRAIL } from './session-store'
import type { Storage } from './storage'
import { trimEntries } from './trim'

/**
 * Storage in the worker's memory, for when IndexedDB is unavailable (private mode, blocked, never
 * answers) or was lost mid-page: then it goes on from the session as `from` holds it.
 */
export function memoryStorage(from?: { meta: SessionMeta; trail: TrailEntry[] }): Storage {
  let meta: SessionMeta | undefined = from?.meta
  let trail: TrailEntry[] = from?.trail ?? []
  let outbox: OutboxEntry[] = []
  let key = 0
  const rows = new Map<string, CachedRow>()
  const stored = (rotated: boolean) => ({
    meta: meta!,
    rotated,
    trail: trail.map((entry) => entry.item),
    times: trail.map((entry) => entry.ts),
  })
  return {
    kind: 'memory',
    async open(touch) {
      const touched = touch(meta)
      meta = touched.meta
      if (touched.rotated) (trail = []), rows.clear()
      return { ...stored(touched.rotated), rows: [...rows.values()] }
    },
    async record(event: Event, touch, queue) {
      const touched = touch(meta)
      meta = touched.meta
      if (touched.rotated) trail = []
      const stamped = { ...event, session: meta.session }
      if (queue) outbox.push({ key: ++key, event: stamped })
      if (isItemEvent(stamped)) trail = [...trail, { item: stamped.item, ts: stamped.ts }].slice(-MAX_TRAIL)
      return stored(touched.rotated)
    },
    read: async () => (meta ? stored(false) : undefined),
    async saveRows(put, remove, cursor) {
      for (const row of put) rows.set(row.item, row)
      for (const item of remove) rows.delete(item)
      if (meta && cursor !== undefined) meta = { ...meta, cursor }
    },
    outbox: {
      head: async (limit) => outbox.slice(0, limit),
      async remove(keys) {
        const gone = new Set(keys)
        outbox = outbox.filter((entry) => !gone.has(entry.key))
      },
      async clear() {
        const count = outbox.length
        outbox = []
        return count
      },
      async trim(maxEvents, maxBytes) {
        const drop = trimEntries(outbox.map((entry) => entry.event), maxEvents, maxBytes)
        outbox = outbox.slice(drop)
        return drop
      },
    },
  }
}

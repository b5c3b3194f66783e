import type { SequiturDb } from './db'
import type { OutboxEntry, OutboxStore } from './outbox'
import { trimEntries } from './trim'

/** The outbox kept in IndexedDB. */
export function idbOutbox(db: SequiturDb): OutboxStore {
  return {
    async head(limit) {
      const store = db.transaction('outbox').store
      const [keys, events] = await Promise.all([store.getAllKeys(null, limit), store.getAll(null, limit)])
      return events.map((event, i): OutboxEntry => ({ key: keys[i]!, event }))
    },
    async remove(keys) {
      const tx = db.transaction('outbox', 'readwrite')
      await Promise.all(keys.map((key) => tx.store.delete(key)))
      await tx.done
    },
    async clear() {
      const tx = db.transaction('outbox', 'readwrite')
      const count = await tx.store.count()
      await tx.store.clear()
      await tx.done
      return count
    },
    async trim(maxEvents, maxBytes) {
      const tx = db.transaction('outbox', 'readwrite')
      const [keys, events] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()])
      const drop = trimEntries(events, maxEvents, maxBytes)
      await Promise.all(keys.slice(0, drop).map((key) => tx.store.delete(key)))
      await tx.done
      return drop
    },
  }
}

import type { SequiturDb } from './db'
import type { OutboxEntry, OutboxStore } from './outbox'

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
  }
}

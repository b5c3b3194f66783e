import { dict } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import type { Consumer, Kafka } from 'kafkajs'
import type { RowChanges } from '../feed'
import type { MemoryRowView } from '../state'
import { EVENT_TS_HEADER } from './count-task'
import { decodeEntry } from '../model'
import { FOLLOW_WAIT_MS } from './topic-follower'

/** Options of the edge's row materializer. */
export interface RowMaterializerOptions {
  kafka: Kafka
  /** The rows topic (one partition: its offsets are the row versions). */
  topic: string
  view: MemoryRowView
  /** Called with each batch of changed rows, after the view holds them. */
  onChanges: (changes: RowChanges, eventTs: number) => void
}

/**
 * Keeps an edge's copy of every row: reads the compacted rows topic from its start (committed
 * transactions only), so any edge answers `GET /v1/rows` and pushes to its own subscribers. A row's
 * version is its offset + 1, the same on every edge, so a client may resume on any of them.
 */
export class RowMaterializer {
  readonly #o: RowMaterializerOptions
  #consumer: Consumer | undefined
  #stopped = false

  constructor(options: RowMaterializerOptions) {
    this.#o = options
  }

  /** Starts following the topic; resolves once the rows present at start are loaded (or after 10 s). */
  async start(admin: { fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; high: string }>> }): Promise<void> {
    const { topic } = this.#o
    const [{ high } = { high: '0' }] = await admin.fetchTopicOffsets(topic)
    let resolve!: () => void
    const caughtUp = new Promise<void>((r) => (resolve = r))
    if (Number(high) === 0) resolve()
    await this.#follow((batchEnd) => {
      // Control records (transaction markers) sit past the last row: within 2 of the start's end is caught up.
      if (batchEnd + 2 >= Number(high)) resolve()
    })
    // Serve while catching up rather than hang if the topic ends in aborted transactions.
    await Promise.race([caughtUp, new Promise((r) => setTimeout(r, 10_000).unref())])
  }

  /** Reads the topic from its start with a fresh consumer; starts over if kafkajs gives up on it. */
  async #follow(onBatch: (batchEnd: number) => void): Promise<void> {
    const { kafka, topic, view, onChanges } = this.#o
    const consumer = (this.#consumer = kafka.consumer({ groupId: `sequitur-edge-${randomUUID()}`, maxWaitTimeInMs: FOLLOW_WAIT_MS, readUncommitted: false }))
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.#stopped) return
      setTimeout(() => {
        void consumer.disconnect().catch(() => {})
        if (!this.#stopped) void this.#follow(() => {}).catch(() => {})
      }, 1000)
    })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const bySite = new Map<string, RowChanges>()
        let eventTs = 0
        for (const m of batch.messages) {
          // A row's `attrs` are keyed by item ids, `__proto__` included: the codec keeps every key.
          const entry = m.key && decodeEntry(m.key.toString(), m.value)
          if (entry?.kind !== 'row') continue
          const { site, item, row } = entry
          const version = Number(m.offset) + 1
          view.put(site, item, version, row)
          let changes = bySite.get(site)
          if (!changes) bySite.set(site, (changes = { site, version, rows: dict() }))
          changes.version = version
          changes.rows[item] = row
          eventTs = Math.max(eventTs, Number(m.headers?.[EVENT_TS_HEADER]?.toString() ?? 0))
        }
        for (const changes of bySite.values()) onChanges(changes, eventTs)
        onBatch(Number(batch.lastOffset()))
      },
    })
  }

  /** Stops following the topic. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#consumer?.disconnect().catch(() => {})
  }
}

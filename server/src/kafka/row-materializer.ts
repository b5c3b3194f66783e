import { dict, formatCursor } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import type { Consumer, Kafka } from 'kafkajs'
import type { RowChanges } from '../feed'
import type { MaterializedRows, RowRecord } from '../state'
import { EVENT_TS_HEADER } from './count-task'
import { decodeEntry } from '../model'
import { FOLLOW_WAIT_MS, NO_RESTART } from './topic-follower'

/** Options of the edge's row materializer. */
export interface RowMaterializerOptions {
  kafka: Kafka
  /** The rows topic: a row's version is its offset + 1 in its partition. */
  topic: string
  /** Where the rows go; it also says from which offset to read on. */
  rows: MaterializedRows
  /** Called with each batch of changed rows, after `rows` holds them. */
  onChanges: (changes: RowChanges, eventTs: number) => void
  /** Where to say from which offset it reads. */
  log?: (line: string) => void
}

/**
 * Keeps an edge's copy of the rows topic: reads each partition (committed transactions only) from the
 * offset its copy reached, or from its start, so any edge answers `GET /v1/rows` and pushes to its
 * own subscribers. A row's partition and offset are the same on every edge, so a client holding a
 * cursor (the next offset of each partition) may resume on any of them.
 */
export class RowMaterializer {
  readonly #o: RowMaterializerOptions
  #consumer: Consumer | undefined
  #stopped = false

  constructor(options: RowMaterializerOptions) {
    this.#o = options
  }

  /** Starts following the topic; resolves once the rows present at start are loaded (or after 10 s). */
  async start(admin: { fetchTopicOffsets(topic: string): Promise<Array<{ partition: number; high: string; low: string }>> }): Promise<void> {
    const { topic, rows, log } = this.#o
    const ends = (await admin.fetchTopicOffsets(topic)).sort((a, b) => a.partition - b.partition)
    const held = rows.positions()
    // A copy past a partition's end is of a topic since deleted; one before its start has missed
    // records; one of more partitions than the topic has is of another topic.
    const stale =
      held.slice(ends.length).some((next) => next > 0) ||
      ends.some(({ partition, high, low }) => {
        const from = held[partition] ?? 0
        return from > Number(high) || (from > 0 && from < Number(low))
      })
    const range = ends.map(({ low, high }) => `${low}–${high}`).join(', ')
    if (stale) {
      log?.(`rows: the copy reached offsets ${formatCursor(held)}, the topic holds ${range}: reading it again from its start`)
      rows.wipe()
    } else if (held.some((next) => next > 0)) {
      log?.(`rows: resuming at offsets ${formatCursor(held)} of ${range} from the edge's copy`)
    }
    rows.partitions(ends.length)
    let resolve!: () => void
    const caughtUp = new Promise<void>((r) => (resolve = r))
    // Control records (transaction markers) sit past the last row: within 2 of the start's end is caught up.
    const done = () => {
      const positions = rows.positions()
      return ends.every(({ partition, high }) => {
        const next = positions[partition] ?? 0
        return Number(high) === 0 || (next > 0 && next + 1 >= Number(high))
      })
    }
    if (done()) resolve()
    await this.#follow(() => done() && resolve())
    // Serve while catching up rather than hang if the topic ends in aborted transactions.
    await Promise.race([caughtUp, new Promise((r) => setTimeout(r, 10_000).unref())])
  }

  /**
   * Reads the topic with a fresh consumer from where the copy is; starts over with a new one (a new
   * group) whenever the consumer crashes. Each time the consumer joins its group it seeks each
   * partition to the copy's offset, and records before it are skipped: a re-read would otherwise put
   * older versions over newer ones.
   */
  async #follow(onBatch: () => void): Promise<void> {
    const { kafka, topic, rows, onChanges } = this.#o
    const consumer = (this.#consumer = kafka.consumer({
      groupId: `sequitur-edge-${randomUUID()}`,
      maxWaitTimeInMs: FOLLOW_WAIT_MS,
      readUncommitted: false,
      // Not kafkajs's own restart: it rejoins the same group, whose coordinator waits for the crashed
      // member's session to expire (30 s) before the join completes. A new group joins at once.
      retry: NO_RESTART,
    }))
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.#stopped) return
      setTimeout(() => {
        void consumer.disconnect().catch(() => {})
        if (!this.#stopped) void this.#follow(() => {}).catch(() => {})
      }, 1000)
    })
    // Emitted once the group is joined, before the first fetch.
    consumer.on(consumer.events.GROUP_JOIN, () => {
      rows.positions().forEach((next, partition) => next > 0 && consumer.seek({ topic, partition, offset: String(next) }))
    })
    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const partition = batch.partition
        const at = rows.positions()[partition] ?? 0
        const next = Number(batch.lastOffset()) + 1
        if (next <= at) return
        const bySite = new Map<string, RowChanges>()
        const records: RowRecord[] = []
        let eventTs = 0
        for (const m of batch.messages) {
          if (Number(m.offset) < at) continue
          // A row's `attrs` are keyed by item ids, `__proto__` included: the codec keeps every key.
          const key = m.key?.toString()
          const entry = key ? decodeEntry(key, m.value) : undefined
          if (!key || entry?.kind !== 'row') continue
          const { site, item, row } = entry
          const version = Number(m.offset) + 1
          records.push({ key, version, value: m.value, site, item, row })
          let changes = bySite.get(site)
          if (!changes) bySite.set(site, (changes = { site, version, rows: dict(), partition }))
          changes.version = version
          changes.rows[item] = row
          eventTs = Math.max(eventTs, Number(m.headers?.[EVENT_TS_HEADER]?.toString() ?? 0))
        }
        rows.apply(records, next, partition)
        // Subscribers merge the cursor after the batch; on several partitions `version` is its sum.
        const cursor = rows.cursor()
        for (const changes of bySite.values()) onChanges({ ...changes, cursor, ...(cursor.length > 1 ? { version: rows.version() } : {}) }, eventTs)
        onBatch()
      },
    })
  }

  /** Stops following the topic. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#consumer?.disconnect().catch(() => {})
  }
}

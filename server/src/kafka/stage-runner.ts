import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Admin, Consumer, Kafka, Producer, TopicMessages } from 'kafkajs'
import { PartitionStore } from './partition-store'
import { PartitionSnapshots, type SnapshotState } from './partition-snapshots'
import { sendWaves } from './record-size'
import { snapshotDue, type SnapshotPolicy } from './snapshot-policy'
import { restorePartition } from './restore-partition'
import { encodeEntry } from '../model'
import { bundleOf, MARKER_KEY, type ChangelogRecord, type InputRecord, type StageResult, type StageTask } from './stage'
import { retryUntilRunning } from './retry-until-running'

/** How long a transaction may stay open; a crashed owner's open transaction is aborted after it. */
const TRANSACTION_TIMEOUT_MS = 10_000

/**
 * How often a partition's progress goes to the consumer group's offsets. They are only where a new
 * owner's consumer starts reading (the changelog's position decides what was applied), and lag is read
 * from them: outside the transaction, which then takes two round trips fewer.
 */
const OFFSET_COMMIT_INTERVAL_MS = 1000

/** After a snapshot failed, the next waits this long. */
const SNAPSHOT_RETRY_MS = 60_000

/** Rejects when `promise` takes longer than a transaction may stay open. */
function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('transaction timed out')), TRANSACTION_TIMEOUT_MS)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

/** Options of a transactional stage. */
export interface StageRunnerOptions {
  kafka: Kafka
  /** The consumer group; every instance of the stage joins it. */
  groupId: string
  /** The input topic. */
  input: string
  /** The compacted changelog topic, partitioned like the input. */
  changelog: string
  /** Prefix of the transactional ids: one per input partition, so a new owner fences the old one. */
  transactionalIdPrefix: string
  /** Makes the logic of one input partition. */
  createTask: (partition: number) => StageTask
  /**
   * Write each transaction's changelog records as one record (`bundleOf`): far cheaper than one
   * record per key, but only for a changelog whose retention bounds it, since compaction keeps every
   * bundle. A new owner without its embedded store then replays the whole retention, unless `snapshots`.
   */
  bundleChangelog?: boolean
  /**
   * Snapshots of each partition's state to a compacted topic (partitioned like the input), taken by
   * `policy`: a new owner without its embedded store loads the latest and replays only the changelog
   * after it.
   */
  snapshots?: { topic: string; policy?: SnapshotPolicy }
  /** The clock (ms) of the snapshot policy. */
  now?: () => number
  /** Folder of the embedded stores, one SQLite file per assigned partition. */
  stateDir: string
  /** Called after each committed batch. */
  onCommit?: (info: { partition: number; records: number; result: StageResult; next: number }) => void
  log?: (line: string) => void
  /** Traces each batch's way through its transaction. */
  debug?: (line: string) => void
}

interface OpenTask {
  task: StageTask
  producer: Producer
  store: PartitionStore
  /** The next input offset the state reflects; 0 before the first transaction. */
  next: number
  /** When `next` last went to the group's offsets, and the timer that will send it next. */
  offsetsAt: number
  offsetsTimer?: NodeJS.Timeout
  /** Its snapshots, when the stage takes them. */
  snapshots?: SnapshotState
}

/**
 * Runs a stage as a consumer group member with exactly-once output. Per input partition: a
 * transactional producer (id = prefix + partition) whose connect fences any previous owner and
 * aborts its open transaction; the state is restored from the changelog up to a marker the new owner
 * writes, so nothing committed is missed; each batch's outputs, changelog writes, the next input
 * offset (in the changelog) and the consumer offset commit in one transaction. The offset kept in
 * the changelog, not the group's committed offset, decides what was applied: records the consumer
 * delivers from before it (a rebalance race, kafkajs #1046) are skipped. With `snapshots`, each
 * partition's store is also snapshotted now and then, and a new owner without a store starts from
 * the latest snapshot (`restore-partition.ts`).
 */
export class StageRunner {
  readonly #o: StageRunnerOptions
  readonly #debug: (line: string) => void
  readonly #tasks = new Map<number, OpenTask>()
  readonly #admin: Admin
  readonly #snapshots: PartitionSnapshots | undefined
  readonly #now: () => number
  #consumer: Consumer | undefined
  #stopped = false

  constructor(options: StageRunnerOptions) {
    this.#o = options
    this.#debug = options.debug ?? (() => {})
    this.#now = options.now ?? Date.now
    this.#admin = options.kafka.admin()
    if (options.snapshots) {
      const { kafka, groupId } = options
      this.#snapshots = new PartitionSnapshots({ kafka, admin: this.#admin, topic: options.snapshots.topic, groupPrefix: `${groupId}-snapshot` })
    }
    mkdirSync(options.stateDir, { recursive: true })
  }

  /** Joins the group and processes until stopped. */
  async start(): Promise<void> {
    await this.#admin.connect()
    await this.#run()
  }

  async #run(): Promise<void> {
    const { input, groupId, log } = this.#o
    // A short session timeout hands a crashed member's partitions to the others within seconds.
    const consumer = (this.#consumer = this.#o.kafka.consumer({
      groupId,
      maxWaitTimeInMs: 50,
      // Let the broker gather a few KB per fetch: one transaction then carries more records.
      minBytes: 16 * 1024,
      // A transaction's cost is mostly fixed (five round trips), so a backlog goes in large ones. Its
      // thousands of session and row records are grouped in linear time since kafkajs is patched
      // (patches/kafkajs+2.2.4.patch).
      maxBytesPerPartition: 2 * 1024 * 1024,
      readUncommitted: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1000,
    }))
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      log?.(`${groupId}: consumer crashed (${payload.error.message}); kafkajs restarts it: ${payload.restart}`)
      if (payload.restart || this.#stopped) return
      // kafkajs gave up (e.g. no coordinator while the broker restarts): start over with a new consumer.
      setTimeout(() => void this.#restart(), 1000)
    })
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const kept = new Set(payload.memberAssignment[input] ?? [])
      for (const partition of [...this.#tasks.keys()]) if (!kept.has(partition)) void this.#close(partition)
    })
    await consumer.connect()
    await consumer.subscribe({ topic: input, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      // Partitions have their own task and producer: their transactions may run side by side.
      partitionsConsumedConcurrently: 8,
      eachBatch: async ({ batch, isStale, heartbeat }) => {
        if (batch.messages.length === 0 || isStale()) return
        const partition = batch.partition
        let open = this.#tasks.get(partition)
        if (!open) this.#tasks.set(partition, (open = await this.#open(partition, heartbeat)))
        if (isStale()) return this.#debug(`${this.#o.groupId} p${partition}: stale batch at ${batch.firstOffset()}`)
        // Offsets have gaps (transaction markers, compaction): only records before `next` were applied.
        const first = Number(batch.messages[0]!.offset)
        const records: InputRecord[] = []
        for (const m of batch.messages) {
          if (m.value && Number(m.offset) >= open.next) records.push({ offset: Number(m.offset), value: m.value, timestamp: Number(m.timestamp) })
        }
        if (records.length === 0) return this.#debug(`${this.#o.groupId} p${partition}: batch ${first} already applied`)
        const next = Number(batch.messages[batch.messages.length - 1]!.offset) + 1
        try {
          const result = open.task.process(records)
          this.#debug(`${this.#o.groupId} p${partition}: commit ${first}..${next} (${records.length} records, the first appended ${Date.now() - records[0]!.timestamp} ms ago)`)
          await this.#commit(open, partition, result, next)
          open.next = next
          this.#debug(`${this.#o.groupId} p${partition}: committed ${next}`)
          this.#commitOffsetsSoon(open, partition)
          this.#o.onCommit?.({ partition, records: records.length, result, next })
        } catch (error) {
          // The state holds (part of) a batch Kafka does not: rebuild it from the changelog before going on.
          this.#o.log?.(`${this.#o.groupId}: partition ${partition}: batch failed (${(error as Error).message}); restoring`)
          await this.#close(partition)
          throw error
        }
      },
    })
  }

  #restart(): Promise<void> {
    const { groupId: name, log } = this.#o
    return retryUntilRunning(
      async () => {
        await this.#consumer?.disconnect().catch(() => {})
        await Promise.all([...this.#tasks.keys()].map((p) => this.#close(p)))
        await this.#run()
      },
      { stopped: () => this.#stopped, name, ...(log ? { log } : {}) },
    )
  }

  /** Leaves the group and closes every producer. */
  async stop(): Promise<void> {
    this.#stopped = true
    await this.#consumer?.disconnect().catch(() => {})
    await Promise.all([...this.#tasks.keys()].map((p) => this.#close(p)))
    await this.#snapshots?.stop()
    await this.#admin.disconnect().catch(() => {})
  }

  /** Sends the partition's progress to the group's offsets at most every `OFFSET_COMMIT_INTERVAL_MS`, the last one too. */
  #commitOffsetsSoon(open: OpenTask, partition: number): void {
    if (open.offsetsTimer) return
    const send = () => {
      open.offsetsTimer = undefined
      open.offsetsAt = Date.now()
      // A commit refused after a rebalance is harmless: the new owner restores its position from the changelog.
      void this.#consumer?.commitOffsets([{ topic: this.#o.input, partition, offset: String(open.next) }]).catch(() => {})
    }
    open.offsetsTimer = setTimeout(send, Math.max(0, open.offsetsAt + OFFSET_COMMIT_INTERVAL_MS - Date.now()))
  }

  async #commit(open: OpenTask, partition: number, result: StageResult, next: number): Promise<void> {
    const { changelog, groupId } = this.#o
    const byTopic = new Map<string, TopicMessages>()
    for (const o of result.outputs) {
      let t = byTopic.get(o.topic)
      if (!t) byTopic.set(o.topic, (t = { topic: o.topic, messages: [] }))
      t.messages.push({ key: o.key, value: o.value, ...(o.partition === undefined ? {} : { partition: o.partition }), ...(o.headers ? { headers: o.headers } : {}) })
    }
    const [key, value] = encodeEntry({ kind: 'position', next })
    const writes: ChangelogRecord[] = [...result.changelog, { key, value }]
    const log = this.#o.bundleChangelog ? bundleOf(writes, next) : writes
    byTopic.set(changelog, { topic: changelog, messages: log.map((r) => ({ ...r, partition })) })
    const tx = await open.producer.transaction()
    let base = -1
    try {
      await withTimeout(
        (async () => {
          // A large transaction goes in several requests (each partition's batch under the broker's limit).
          for (const wave of sendWaves([...byTopic.values()])) {
            const sent = await tx.sendBatch({ topicMessages: wave })
            const mine = sent.find((m) => m.topicName === changelog && m.partition === partition)
            // Only this producer writes the partition: its records of one transaction are consecutive.
            if (base < 0 && mine) base = Number(mine.baseOffset ?? -1)
          }
          this.#debug(`${groupId} p${partition}: sent`)
          await tx.commit()
        })(),
      )
    } catch (error) {
      // An abort that hangs is left to the next owner's fencing (or the transaction timeout).
      await withTimeout(tx.abort()).catch(() => {})
      throw error
    }
    // Committed: the embedded store follows (the changelog offsets of this batch are base, base + 1, ...).
    if (base >= 0) open.store.apply(writes, base + log.length)
    if (open.snapshots) {
      for (const r of log) open.snapshots.bytes += r.key.length + (r.value?.length ?? 0)
      this.#snapshotIfDue(open, partition)
    }
  }

  /** Starts writing a snapshot of the partition's store in the background when the policy says so. */
  #snapshotIfDue(open: OpenTask, partition: number): void {
    const snap = open.snapshots
    const now = this.#now()
    if (!snap || !this.#snapshots || snap.writing || snap.aborted || now < snap.notBefore) return
    if (!snapshotDue({ bytes: snap.bytes, ms: now - snap.at, stateBytes: snap.latest?.manifest.bytes ?? 0 }, this.#o.snapshots?.policy)) return
    const { groupId, log } = this.#o
    // The snapshot is of the file: what the store holds back goes in first.
    open.store.flush()
    const bytes = snap.bytes
    snap.writing = this.#snapshots
      .write(partition, open.store.file, snap, this.#now)
      .then(
        (manifest) => {
          if (!manifest) return
          snap.bytes -= bytes
          snap.at = manifest.at
          log?.(
            `${groupId}: partition ${partition}: snapshot of ${manifest.entries} keys (${(manifest.bytes / 1e6).toFixed(1)} MB, ${manifest.chunks} chunks) at changelog offset ${manifest.next} in ${this.#now() - manifest.at} ms`,
          )
        },
        (error: unknown) => {
          snap.notBefore = this.#now() + SNAPSHOT_RETRY_MS
          if (!snap.aborted) log?.(`${groupId}: partition ${partition}: snapshot failed (${(error as Error).message}); next try in a minute`)
        },
      )
      .finally(() => (snap.writing = undefined))
  }

  async #open(partition: number, heartbeat: () => Promise<void>): Promise<OpenTask> {
    const { kafka, transactionalIdPrefix, changelog } = this.#o
    const producer = kafka.producer({
      transactionalId: `${transactionalIdPrefix}-${partition}`,
      maxInFlightRequests: 1,
      idempotent: true,
      // A crashed owner's open transaction blocks read-committed readers until aborted: keep it short.
      transactionTimeout: TRANSACTION_TIMEOUT_MS,
      // The broker answers CONCURRENT_TRANSACTIONS while it still writes the last transaction's markers
      // (a few ms): retry soon, as the Java client does (20 ms), not after the client's 100 ms doubling
      // to 2 s, which put seconds into the tail of freshness under load. Retries stop with the
      // transaction's timeout, as before.
      retry: { initialRetryTime: 10, maxRetryTime: 200, multiplier: 1.5, retries: Number.MAX_SAFE_INTEGER },
    })
    const token = randomUUID()
    try {
      // Connecting fences the previous owner and aborts its open transaction.
      await producer.connect()
      const tx = await producer.transaction()
      try {
        await tx.send({ topic: changelog, messages: [{ key: MARKER_KEY, value: token, partition }] })
        await tx.commit()
      } catch (error) {
        await tx.abort().catch(() => {})
        throw error
      }
    } catch (error) {
      this.#o.log?.(`${this.#o.groupId}: partition ${partition}: cannot take ownership (${(error as Error).message})`)
      await producer.disconnect().catch(() => {})
      throw error
    }
    const task = this.#o.createTask(partition)
    const store = new PartitionStore(join(this.#o.stateDir, `${this.#o.groupId}-${partition}.db`))
    const beat = setInterval(() => void heartbeat().catch(() => {}), 2000)
    try {
      const snapshots = await this.#snapshots?.find(partition, this.#now())
      const { kafka, changelog, groupId, log } = this.#o
      const next = await restorePartition({
        kafka,
        admin: this.#admin,
        changelog,
        groupId,
        partition,
        token,
        task,
        store,
        ...(snapshots && this.#snapshots ? { snapshots: { topic: this.#snapshots, state: snapshots } } : {}),
        now: this.#now,
        ...(log ? { log } : {}),
      })
      return { task, producer, store, next, offsetsAt: 0, ...(snapshots ? { snapshots } : {}) }
    } catch (error) {
      store.close()
      await producer.disconnect().catch(() => {})
      throw error
    } finally {
      clearInterval(beat)
    }
  }

  async #close(partition: number): Promise<void> {
    const open = this.#tasks.get(partition)
    this.#tasks.delete(partition)
    clearTimeout(open?.offsetsTimer)
    if (open?.snapshots) open.snapshots.aborted = true
    open?.store.close()
    await open?.producer.disconnect().catch(() => {})
  }
}

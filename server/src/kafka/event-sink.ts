import type { Event } from '@sequitur/sdk/protocol'
import type { Kafka, Producer } from 'kafkajs'
import { LogUnavailableError, type AppendResult, type EventSink } from '../log'
import { encodeEvents, encodeSiteChange, encodeValidateCommand, siteKey, type SiteChange, type SiteEvent } from './event-records'
import { keyPartitioner } from './key-partitions'
import { packInChunks, sendWaves } from './record-size'

/** Most events in one send (they go as one record per partition, or a few when large). */
const MAX_GROUP_EVENTS = 2000

/** Events that go to the broker in one send, by partition. */
interface SendGroup {
  partitions: Map<number, SiteEvent[]>
  events: number
  /** Settles when the broker acknowledged (or refused) them. */
  sent: Promise<void>
  resolve(): void
  reject(error: unknown): void
}

/** Options of the Kafka event sink. */
export interface KafkaEventSinkOptions {
  kafka: Kafka
  topic: string
  /** How many partitions the topic has (read at start-up: adding partitions needs a restart of the edges). */
  partitions: number
  /** Longest wait for the broker's acknowledgement before failing with `LogUnavailableError`. */
  timeoutMs?: number
  /** Seconds a client is told to wait after a `LogUnavailableError` (its `retryAfterSeconds`). */
  retryAfterSeconds?: number
}

/**
 * The event log on Kafka: an idempotent producer with acks from every in-sync replica. Each event goes
 * to the partition of its site, so a site's events stay in order on one partition;
 * the events of one send that share a partition travel as one record (`event-records.ts`). The edge answers 202 only after
 * that acknowledgement; when the broker does not answer in time `append` fails with `LogUnavailableError` (a 503 with `Retry-After`).
 * A batch that timed out may still land; the client then sends it again and the processor drops the
 * repeated ids, so nothing counts twice. Repeated ids are found by the processor, not here: the
 * answer always reports `duplicates: 0`. The idempotent producer has one request in flight, so the
 * batches that arrive while one is sent go together in the next request (group commit), as a few
 * large records rather than one record per event: Kafka's cost is mostly per record.
 */
export class KafkaEventSink implements EventSink {
  readonly #o: Required<KafkaEventSinkOptions>
  readonly #partitionOf: (key: string) => number
  #producer: Promise<Producer> | undefined
  /** Messages waiting for the next send, and the promise that send settles. */
  readonly #waiting: SendGroup[] = []
  #sending = false

  constructor({ timeoutMs = 5000, retryAfterSeconds = 2, ...rest }: KafkaEventSinkOptions) {
    this.#o = { timeoutMs, retryAfterSeconds, ...rest }
    this.#partitionOf = keyPartitioner(rest.topic, rest.partitions)
  }

  async append(site: string, events: readonly Event[]): Promise<AppendResult> {
    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs)
      })
      const send = this.#enqueue(site, events)
      await Promise.race([send, timeout])
      return { accepted: events.length, duplicates: 0 }
    } catch (error) {
      // A producer that failed may hold a broken sequence: start a fresh one for the next batch.
      void this.close()
      throw new LogUnavailableError(String((error as Error).message ?? error), { retryAfterSeconds: this.#o.retryAfterSeconds, cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Adds a batch to the next send; resolves when the broker acknowledged it. */
  #enqueue(site: string, events: readonly Event[]): Promise<void> {
    let group = this.#waiting.at(-1)
    if (!group || group.events >= MAX_GROUP_EVENTS) {
      let settle!: Pick<SendGroup, 'resolve' | 'reject'>
      const sent = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
      this.#waiting.push((group = { partitions: new Map(), events: 0, sent, ...settle }))
    }
    // A batch is of one site: one partition.
    const partition = this.#partitionOf(siteKey(site))
    let list = group.partitions.get(partition)
    if (!list) group.partitions.set(partition, (list = []))
    for (const event of events) list.push([site, event])
    group.events += events.length
    if (!this.#sending) setImmediate(() => void this.#next())
    return group.sent
  }

  /** Sends the groups waiting, one at a time (the idempotent producer has one request in flight). */
  async #next(): Promise<void> {
    if (this.#sending) return
    this.#sending = true
    for (let group = this.#waiting.shift(); group; group = this.#waiting.shift()) {
      const { partitions, resolve, reject } = group
      const messages = [...partitions].flatMap(([partition, events]) =>
        packInChunks(events, encodeEvents).map((value) => ({ partition, key: null, value })),
      )
      await this.#connected()
        .then(async (producer) => {
          for (const wave of sendWaves([{ topic: this.#o.topic, messages }])) await producer.sendBatch({ topicMessages: wave, acks: -1 })
        })
        .then(() => resolve(), reject)
    }
    this.#sending = false
  }

  /** Appends a change of a site's settings (or its removal) to the site's partition, for the model to follow. */
  async changeSite(change: SiteChange): Promise<void> {
    const producer = await this.#connected()
    const partition = this.#partitionOf(siteKey(change.site))
    await producer.send({ topic: this.#o.topic, messages: [{ partition, key: null, value: encodeSiteChange(change) }], acks: -1 })
  }

  /** Appends an operator's request to validate a site now to the site's partition, for stage 1 to follow. */
  async requestValidation(site: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs)
      })
      const send = this.#connected().then((producer) =>
        producer.send({ topic: this.#o.topic, messages: [{ partition: this.#partitionOf(siteKey(site)), key: null, value: encodeValidateCommand({ validate: site }) }], acks: -1 }),
      )
      await Promise.race([send, timeout])
    } catch (error) {
      throw new LogUnavailableError(String((error as Error).message ?? error), { retryAfterSeconds: this.#o.retryAfterSeconds, cause: error })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Disconnects the producer. */
  async close(): Promise<void> {
    const producer = this.#producer
    this.#producer = undefined
    await producer?.then((p) => p.disconnect()).catch(() => {})
  }

  #connected(): Promise<Producer> {
    if (!this.#producer) {
      const producer = this.#o.kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 3, initialRetryTime: 100 } })
      this.#producer = producer.connect().then(() => producer)
      this.#producer.catch(() => (this.#producer = undefined))
    }
    return this.#producer
  }
}

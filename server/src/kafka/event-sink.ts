import type { Event } from '@sequitur/sdk/protocol'
import type { Kafka, Message, Producer } from 'kafkajs'
import { pack } from 'msgpackr'
import { ApiError } from '../errors'
import type { AppendResult, EventSink } from '../log/event-log'

/**
 * Most messages in one send: kafkajs groups a send's messages per partition in quadratic time
 * (`groupMessagesPerPartition`), so a backlog is sent in several requests rather than one.
 */
const MAX_GROUP_MESSAGES = 2000

/** Messages that go to the broker in one send. */
interface SendGroup {
  messages: Message[]
  /** Settles when the broker acknowledged (or refused) them. */
  sent: Promise<void>
  resolve(): void
  reject(error: unknown): void
}

/** Options of the Kafka event sink. */
export interface KafkaEventSinkOptions {
  kafka: Kafka
  topic: string
  /** Longest wait for the broker's acknowledgement before answering 503. */
  timeoutMs?: number
  /** Seconds a client is told to wait after a 503. */
  retryAfterSeconds?: number
}

/**
 * The event log on Kafka: an idempotent producer with acks from every in-sync replica, keyed by site
 * and session so a session's events stay in order on one partition. The edge answers 202 only after
 * that acknowledgement; when the broker does not answer in time it answers 503 with `Retry-After`.
 * A batch that timed out may still land; the client then sends it again and the processor drops the
 * repeated ids, so nothing counts twice. Repeated ids are found by the processor, not here: the
 * answer always reports `duplicates: 0`. The idempotent producer has one request in flight, so the
 * batches that arrive while one is sent go together in the next request (group commit).
 */
export class KafkaEventSink implements EventSink {
  readonly #o: Required<KafkaEventSinkOptions>
  #producer: Promise<Producer> | undefined
  /** Messages waiting for the next send, and the promise that send settles. */
  readonly #waiting: SendGroup[] = []
  #sending = false

  constructor({ timeoutMs = 5000, retryAfterSeconds = 2, ...rest }: KafkaEventSinkOptions) {
    this.#o = { timeoutMs, retryAfterSeconds, ...rest }
  }

  async append(site: string, events: readonly Event[]): Promise<AppendResult> {
    const messages = events.map((event) => ({ key: `${site}\0${event.session}`, value: pack({ site, event }) }))
    let timer: NodeJS.Timeout | undefined
    try {
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no acknowledgement within ${this.#o.timeoutMs} ms`)), this.#o.timeoutMs)
      })
      const send = this.#enqueue(messages)
      await Promise.race([send, timeout])
      return { accepted: events.length, duplicates: 0 }
    } catch (error) {
      // A producer that failed may hold a broken sequence: start a fresh one for the next batch.
      void this.close()
      throw new ApiError(503, 'log_unavailable', 'the event log is unavailable; retry later', String((error as Error).message ?? error), {
        'retry-after': String(this.#o.retryAfterSeconds),
      })
    } finally {
      clearTimeout(timer)
    }
  }

  /** Adds messages to the next send; resolves when the broker acknowledged them. */
  #enqueue(messages: Message[]): Promise<void> {
    let group = this.#waiting.at(-1)
    if (!group || group.messages.length >= MAX_GROUP_MESSAGES) {
      let settle!: Pick<SendGroup, 'resolve' | 'reject'>
      const sent = new Promise<void>((resolve, reject) => (settle = { resolve, reject }))
      this.#waiting.push((group = { messages: [], sent, ...settle }))
    }
    group.messages.push(...messages)
    if (!this.#sending) setImmediate(() => void this.#next())
    return group.sent
  }

  /** Sends the groups waiting, one at a time (the idempotent producer has one request in flight). */
  async #next(): Promise<void> {
    if (this.#sending) return
    this.#sending = true
    for (let group = this.#waiting.shift(); group; group = this.#waiting.shift()) {
      const { messages, resolve, reject } = group
      await this.#connected()
        .then((producer) => producer.send({ topic: this.#o.topic, acks: -1, messages }))
        .then(() => resolve(), reject)
    }
    this.#sending = false
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

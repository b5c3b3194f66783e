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
  start(): void
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
      const batch: Message[] = []
      let start!: () => void
      const started = new Promise<void>((resolve) => (start = resolve))
      const sent: Promise<void> = started
        .then(() => this.#connected())
        .then((producer) => producer.send({ topic: this.#o.topic, acks: -1, messages: batch }))
        .then(() => undefined)
      group = { messages: batch, sent, start }
      this.#waiting.push(group)
      void sent
        .catch(() => {})
        .finally(() => {
          this.#sending = false
          this.#next()
        })
    }
    group.messages.push(...messages)
    if (!this.#sending) setImmediate(() => this.#next())
    return group.sent
  }

  /** Starts sending the waiting group unless a send is in flight. */
  #next(): void {
    const group = this.#sending ? undefined : this.#waiting.shift()
    if (!group) return
    this.#sending = true
    group.start()
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

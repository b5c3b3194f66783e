import type { Admin, Kafka, Producer } from 'kafkajs'
import type { SiteChange, SiteRecord, SiteStore } from '../sites'
import { followTopic, type TopicFollower } from './topic-follower'

/**
 * The site records in Kafka mode: a compacted topic keyed by site (a tombstone removes one) that
 * every node follows from its start, so a change made through one node reaches all of them without
 * a restart. A write resolves once this node's own follower has read it back.
 */
export class KafkaSiteStore implements SiteStore {
  readonly #kafka: Kafka
  readonly #admin: Admin
  readonly #topic: string
  #producer: Producer | undefined
  #follower: TopicFollower | undefined
  /** The offset the follower has read up to (the next one it expects). */
  #seen = 0
  readonly #waiting = new Set<{ offset: number; resolve: () => void }>()

  constructor({ kafka, admin, topic }: { kafka: Kafka; admin: Admin; topic: string }) {
    this.#kafka = kafka
    this.#admin = admin
    this.#topic = topic
  }

  async start(onChange: SiteChange): Promise<void> {
    this.#follower = await followTopic(this.#kafka, this.#admin, this.#topic, ({ key, value, offset }) => {
      if (key) {
        let record: SiteRecord | undefined
        try {
          record = value ? (JSON.parse(value.toString()) as SiteRecord) : undefined
        } catch {
          record = undefined // a record no version wrote: treated as absent rather than crash the follower
        }
        onChange(key, record)
      }
      this.#seen = Math.max(this.#seen, offset + 1)
      for (const w of this.#waiting) {
        if (w.offset < this.#seen) {
          this.#waiting.delete(w)
          w.resolve()
        }
      }
    })
  }

  put(record: SiteRecord): Promise<void> {
    return this.#send(record.site, JSON.stringify(record))
  }

  remove(site: string): Promise<void> {
    return this.#send(site, null)
  }

  async stop(): Promise<void> {
    await this.#follower?.stop()
    await this.#producer?.disconnect().catch(() => {})
    for (const w of this.#waiting) w.resolve()
    this.#waiting.clear()
  }

  async #send(key: string, value: string | null): Promise<void> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
      await producer.connect()
      this.#producer = producer
    }
    const [meta] = await this.#producer.send({ topic: this.#topic, acks: -1, messages: [{ key, value }] })
    const offset = Number(meta?.baseOffset ?? -1)
    if (offset < this.#seen) return
    await new Promise<void>((resolve) => this.#waiting.add({ offset, resolve }))
  }
}

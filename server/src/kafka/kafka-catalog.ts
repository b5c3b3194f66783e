import type { CatalogItem } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import type { Admin, Consumer, Kafka, Producer } from 'kafkajs'
import type { Catalog } from '../catalog/catalog'

/**
 * The catalog in Kafka mode: a compacted topic keyed by site and item id (a tombstone removes one)
 * that every edge and processor reads from its start into memory, so a change reaches every node
 * without a restart. Writes wait for `acks=all`, then apply locally at once (read your writes).
 */
export class KafkaCatalog implements Catalog {
  readonly #kafka: Kafka
  readonly #topic: string
  readonly #items = new Map<string, Map<string, CatalogItem>>()
  #producer: Producer | undefined
  #consumer: Consumer | undefined

  constructor(kafka: Kafka, topic: string) {
    this.#kafka = kafka
    this.#topic = topic
  }

  /** Starts following the topic; resolves once the items present at start are loaded (or after 10 s). */
  async start(admin: Admin): Promise<void> {
    const [{ high } = { high: '0' }] = await admin.fetchTopicOffsets(this.#topic)
    let loaded!: () => void
    const caughtUp = new Promise<void>((resolve) => (loaded = resolve))
    if (Number(high) === 0) loaded()
    const consumer = (this.#consumer = this.#kafka.consumer({ groupId: `sequitur-catalog-${randomUUID()}`, maxWaitTimeInMs: 100 }))
    await consumer.connect()
    await consumer.subscribe({ topic: this.#topic, fromBeginning: true })
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        const [site, id] = (message.key?.toString() ?? '').split('\0')
        if (site && id !== undefined) {
          if (message.value) this.#site(site).set(id, JSON.parse(message.value.toString()) as CatalogItem)
          else this.#site(site).delete(id)
        }
        if (Number(message.offset) + 1 >= Number(high)) loaded()
      },
    })
    await Promise.race([caughtUp, new Promise((r) => setTimeout(r, 10_000).unref())])
  }

  async upsert(site: string, items: readonly CatalogItem[]): Promise<void> {
    await this.#send(items.map((item) => ({ key: `${site}\0${item.id}`, value: JSON.stringify(item) })))
    for (const item of items) this.#site(site).set(item.id, item)
  }

  async remove(site: string, ids: readonly string[]): Promise<number> {
    const existing = ids.filter((id) => this.#site(site).has(id))
    if (existing.length === 0) return 0
    await this.#send(existing.map((id) => ({ key: `${site}\0${id}`, value: null })))
    for (const id of existing) this.#site(site).delete(id)
    return existing.length
  }

  get(site: string, id: string): CatalogItem | undefined {
    return this.#items.get(site)?.get(id)
  }

  size(site: string): number {
    return this.#items.get(site)?.size ?? 0
  }

  /** Stops following the topic and closes the producer. */
  async stop(): Promise<void> {
    await this.#consumer?.disconnect().catch(() => {})
    await this.#producer?.disconnect().catch(() => {})
  }

  async #send(messages: Array<{ key: string; value: string | null }>): Promise<void> {
    if (!this.#producer) {
      const producer = this.#kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
      await producer.connect()
      this.#producer = producer
    }
    await this.#producer.send({ topic: this.#topic, acks: -1, messages })
  }

  #site(site: string): Map<string, CatalogItem> {
    let items = this.#items.get(site)
    if (!items) this.#items.set(site, (items = new Map()))
    return items
  }
}

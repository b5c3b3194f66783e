import type { CatalogItem } from '@sequitur/sdk/protocol'
import type { Admin, Kafka, Producer } from 'kafkajs'
import type { Catalog } from '../catalog'
import { followTopic, type TopicFollower } from './topic-follower'

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
  #follower: TopicFollower | undefined

  constructor(kafka: Kafka, topic: string) {
    this.#kafka = kafka
    this.#topic = topic
  }

  /** Starts following the topic; resolves once the items present at start are loaded (or after 10 s). */
  async start(admin: Admin): Promise<void> {
    this.#follower = await followTopic(this.#kafka, admin, this.#topic, ({ key, value }) => {
      const [site, id] = key.split('\0')
      if (!site || id === undefined) return
      if (value) this.#site(site).set(id, JSON.parse(value.toString()) as CatalogItem)
      else this.#site(site).delete(id)
    })
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

  async removeSite(site: string): Promise<number> {
    return this.remove(site, [...(this.#items.get(site)?.keys() ?? [])])
  }

  get(site: string, id: string): CatalogItem | undefined {
    return this.#items.get(site)?.get(id)
  }

  size(site: string): number {
    return this.#items.get(site)?.size ?? 0
  }

  /** Stops following the topic and closes the producer. */
  async stop(): Promise<void> {
    await this.#follower?.stop()
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

import type { Admin, Kafka } from 'kafkajs'
import { decodeEntry, type SiteValidation } from '../model'
import type { ValidationView } from '../validation'
import { followTopic, type TopicFollower } from './topic-follower'

/**
 * An edge's copy of every site's latest self-validation in Kafka mode: it follows the compacted
 * validations topic the validator writes, and asks for a validation on demand through the events
 * topic (`request`), in order with the site's events, like a change of the site's settings.
 */
export class KafkaValidations implements ValidationView {
  readonly #latest = new Map<string, SiteValidation>()
  readonly #request: (site: string) => Promise<void>
  #follower: TopicFollower | undefined

  constructor(request: (site: string) => Promise<void>) {
    this.#request = request
  }

  /** Follows the topic; resolves once the validations present at start are in. */
  async start(kafka: Kafka, admin: Admin, topic: string): Promise<void> {
    this.#follower = await followTopic(kafka, admin, topic, ({ key, value }) => {
      const entry = decodeEntry(key, value)
      if (entry.kind !== 'validation') return
      if (!entry.validation) return void this.#latest.delete(entry.site)
      // A validator that lost its partitions may write an older day's result late: the later day stands.
      const known = this.#latest.get(entry.site)
      if (!known || entry.validation.day >= known.day) this.#latest.set(entry.site, entry.validation)
    })
  }

  async stop(): Promise<void> {
    await this.#follower?.stop()
  }

  validation(site: string): SiteValidation | undefined {
    return this.#latest.get(site)
  }

  async validate(site: string): Promise<'requested'> {
    await this.#request(site)
    return 'requested'
  }

  validatedFigures(): Array<{ site: string; hr: number; mrr: number }> {
    return [...this.#latest].map(([site, { hr, mrr }]) => ({ site, hr, mrr }))
  }
}

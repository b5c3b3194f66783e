import { encodeEntry, SessionStage, type ModelOptions, type StateEntry } from '../model'
import { decodeRecord } from './event-records'
import { IncrementsWriter } from './increments-codec'
import type { ChangelogRecord, InputRecord, StageResult, StageTask } from './stage'

/** What a session task needs besides the model's options. */
export interface SessionTaskOptions {
  /** The increments topic and its partition count. */
  incrementsTopic: string
  partitions: number
  /** The events partition this task owns. */
  partition: number
  /** The increments partition of a site's key. */
  partitionOf: (site: string, key: string) => number
}

/**
 * Kafka stage 1, per events partition (each site's events are on one): the model's session stage
 * (`SessionStage`, dropping repeated ids itself, since Kafka's log keeps them), its increments to
 * the increments topic, its state to the sessions changelog.
 */
export class SessionTask implements StageTask {
  readonly #stage: SessionStage
  readonly #out: IncrementsWriter

  constructor(model: ModelOptions, o: SessionTaskOptions) {
    this.#stage = new SessionStage(model, { dedupe: true })
    this.#out = new IncrementsWriter(o.incrementsTopic, o.partition, o.partitions, o.partitionOf)
  }

  restore(entry: StateEntry): void {
    this.#stage.restore(entry)
  }

  process(records: readonly InputRecord[]): StageResult {
    let events = 0
    let late = 0
    for (const { offset, value, timestamp } of records) {
      this.#out.at(offset)
      const decoded = decodeRecord(value)
      if (!Array.isArray(decoded)) {
        this.#stage.configure(decoded.site, decoded.settings, this.#out)
        continue
      }
      for (const [site, event] of decoded) {
        events++
        if (this.#stage.observe(site, event, timestamp, this.#out) === 'late') late++
      }
    }
    const changelog: ChangelogRecord[] = []
    this.#stage.drainState((entry) => {
      const [key, value] = encodeEntry(entry)
      changelog.push({ key, value })
    })
    return { outputs: this.#out.drain(), changelog, events, late }
  }
}

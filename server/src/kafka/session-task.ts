import { encodeEntry, SessionStage, type ModelOptions, type SampledDay, type StateEntry } from '../model'
import { decodeRecord } from './event-records'
import { IncrementsWriter } from './increments-codec'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'
import { chunked, encodePart, type RequestId } from './validation-parts'

/** What a session task needs besides the model's options. */
export interface SessionTaskOptions {
  /** The increments topic and its partition count. */
  incrementsTopic: string
  partitions: number
  /** The events partition this task owns. */
  partition: number
  /** The increments partition of a site's key. */
  partitionOf: (site: string, key: string) => number
  /** The validation-parts topic (keyed by site), where a finished day's sampled sessions go. */
  validationPartsTopic?: string
}

/**
 * Kafka stage 1, per events partition (each site's events are on one): the model's session stage
 * (`SessionStage`, dropping repeated ids itself, since Kafka's log keeps them), its increments to
 * the increments topic, its state (the day samples included) to the sessions changelog. When a
 * site's day finishes (the core says when) or an operator asks, it sends a validation request to
 * every increments partition, in order with the site's increments, and the sampled sessions to the
 * validator; a removed site's validation is forgotten the same way.
 */
export class SessionTask implements StageTask {
  readonly #stage: SessionStage
  readonly #out: IncrementsWriter
  readonly #o: SessionTaskOptions
  /** Validation parts of the batch in progress. */
  #parts: OutputRecord[] = []

  constructor(model: ModelOptions, o: SessionTaskOptions) {
    this.#o = o
    this.#stage = new SessionStage(model, { dedupe: true, sample: {}, onDayFinished: (site) => this.#request(site) })
    this.#out = new IncrementsWriter(o.incrementsTopic, o.partition, o.partitions, o.partitionOf)
  }

  restore(entry: StateEntry): void {
    this.#stage.restore(entry)
  }

  restored(): void {
    this.#stage.restored()
  }

  process(records: readonly InputRecord[]): StageResult {
    let events = 0
    let late = 0
    for (const { offset, value, timestamp } of records) {
      this.#out.at(offset)
      const decoded = decodeRecord(value)
      if ('validate' in decoded) {
        this.#request(decoded.validate)
        continue
      }
      if (!Array.isArray(decoded)) {
        this.#stage.configure(decoded.site, decoded.settings, this.#out)
        if (!decoded.settings) this.#part({ kind: 'forget', site: decoded.site, from: this.#o.partition, offset, k: -1 })
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
    const outputs = [...this.#out.drain(), ...this.#parts]
    this.#parts = []
    return { outputs, changelog, events, late }
  }

  /** Asks every stage-2 partition for the rows the site's last finished day needs, and sends its sessions to the validator. */
  #request(site: string): void {
    const latest = this.#stage.latestSample(site)
    if (!latest || !this.#o.validationPartsTopic) return
    const id: RequestId = { site, from: this.#o.partition, ...this.#out.request(site, latest.day, itemsOf(latest)) }
    const chunks = chunked(latest.sessions)
    chunks.forEach((sessions, chunk) => this.#part({ kind: 'sessions', ...id, day: latest.day, partitions: this.#o.partitions, chunk, chunks: chunks.length, sessions }))
  }

  #part(part: Parameters<typeof encodePart>[0]): void {
    if (this.#o.validationPartsTopic) this.#parts.push({ topic: this.#o.validationPartsTopic, key: part.site, value: encodePart(part) })
  }
}

/** The distinct items of a day's sampled sessions: the rows its validation reads. */
function itemsOf({ sessions }: SampledDay): Set<string> {
  const items = new Set<string>()
  for (const trail of sessions) for (const item of trail) items.add(item)
  return items
}

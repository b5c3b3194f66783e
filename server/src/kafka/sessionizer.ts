import { isItemEvent, type CatalogItem } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { dayOf, type Clock } from '../clock'
import { forEachLink, SessionLinks, type SessionPoint } from '../processor/session-links'
import { decodeEvents, type SiteEvent } from './event-records'
import { StageTwoWriter } from './stage-two'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'

/**
 * The stage-two records of one batch, by increments partition: each record goes to the partition its
 * key (site and row, or site and user) gives, as a keyed Kafka record would, and a partition's records
 * travel together, in order, in as few Kafka records as fit, since Kafka's cost is mostly per record.
 */
class StageTwoBatches {
  readonly #writers = new Map<number, StageTwoWriter>()
  /** The partition of each site's keys seen lately, found without joining strings. */
  readonly #partitions = new Map<string, Map<string, number>>()

  constructor(
    readonly topic: string,
    readonly from: number,
    readonly partitionOf: (key: string) => number,
  ) {}

  /** The writer of the partition of `site \0 key`. */
  to(site: string, key: string): StageTwoWriter {
    let known = this.#partitions.get(site)
    if (!known) this.#partitions.set(site, (known = new Map()))
    let partition = known.get(key)
    if (partition === undefined) {
      if (known.size >= 100_000) known.clear()
      known.set(key, (partition = this.partitionOf(`${site}\0${key}`)))
    }
    let writer = this.#writers.get(partition)
    if (!writer) this.#writers.set(partition, (writer = new StageTwoWriter(this.from)))
    return writer
  }

  /** The records written since the last call, as Kafka records. */
  drain(): OutputRecord[] {
    const out: OutputRecord[] = []
    for (const [partition, writer] of this.#writers) {
      for (const value of writer.encode()) out.push({ topic: this.topic, partition, key: String(partition), value })
    }
    this.#writers.clear()
    return out
  }
}

/** A session's state in the changelog: its latest items and the ids of its latest events. */
interface SessionState extends SessionPoint {
  ids: string[]
}

/** Event ids remembered per session to drop a re-sent event (a batch holds at most 500). */
const IDS_PER_SESSION = 500

/**
 * Stage 1 of Kafka mode, per partition of the events topic (keyed by site and session, so a session's
 * events arrive in order): drops repeated event ids, follows sessions, and emits the increments each
 * interaction links, one stage-two record per row it grows, to the increments partition of its site
 * and source item, so each row has one owner in the aggregator.
 */
export class SessionizerTask implements StageTask {
  readonly #links = new Map<string, SessionLinks>()
  readonly #ids = new Map<string, string[]>()
  readonly #watermarks = new Map<string, number>()
  readonly #out: StageTwoBatches
  /** Changelog keys of the sessions the restore found over, deleted with the next batch. */
  readonly #endedOnRestore: string[] = []

  constructor(
    readonly incrementsTopic: string,
    readonly clock: Clock,
    /** The events partition this task owns. */
    readonly partition = 0,
    /** The catalog item behind an id, for profiles. */
    readonly catalog: (site: string, item: string) => CatalogItem | undefined = () => undefined,
    /** The increments partition of a key (site and source item, or site and user). */
    readonly partitionOf: (key: string) => number = () => 0,
  ) {
    this.#out = new StageTwoBatches(incrementsTopic, partition, partitionOf)
  }

  restore(key: string, value: Buffer | null): void {
    const [kind, site, session] = key.split('\0')
    if (kind === 'w' && site && value) this.#watermarks.set(site, unpack(value) as number)
    if (kind !== 's' || !site || session === undefined) return
    const sessionKey = `${site}\0${session}`
    if (!value) {
      this.#ids.delete(sessionKey)
      return
    }
    const state = unpack(value) as SessionState
    // Every session, with items or not: each ends when idle, and its ids with it.
    this.#linksOf(site).restore(session, { items: state.items, ts: state.ts })
    this.#ids.set(sessionKey, state.ids)
  }

  restored(): void {
    for (const [site, day] of this.#watermarks) {
      for (const ended of this.#linksOf(site).advance(day)) {
        this.#ids.delete(`${site}\0${ended}`)
        this.#endedOnRestore.push(`s\0${site}\0${ended}`)
      }
    }
  }

  process(records: readonly InputRecord[]): StageResult {
    const tomorrow = dayOf(this.clock()) + 1
    const out = this.#out
    const touched = new Map<string, SiteEvent>()
    // Sessions the restore found over (states of earlier versions) leave the changelog now.
    const changelog: ChangelogRecord[] = this.#endedOnRestore.splice(0).map((key) => ({ key, value: null }))
    let events = 0
    for (const { offset, value } of records) {
      // `k` numbers the outputs of one input record (which may carry many events): with the
      // record's offset it is the identity stage 2 applies once.
      let k = 0
      for (const siteEvent of decodeEvents(value)) {
        const [site, event] = siteEvent
        events++
        const day = dayOf(event.ts)
        if (day > tomorrow) continue
        // A later day ends the idle sessions (this event's own too, if idle: it then starts afresh).
        const links = this.#linksOf(site)
        if (day > links.watermark) {
          for (const ended of links.advance(day)) {
            this.#ids.delete(`${site}\0${ended}`)
            touched.delete(`${site}\0${ended}`)
            changelog.push({ key: `s\0${site}\0${ended}`, value: null })
          }
          changelog.push({ key: `w\0${site}`, value: pack(day) })
        }
        const sessionKey = `${site}\0${event.session}`
        let ids = this.#ids.get(sessionKey)
        if (!ids) this.#ids.set(sessionKey, (ids = []))
        else if (ids.includes(event.id)) continue
        ids.push(event.id)
        if (ids.length > IDS_PER_SESSION) ids.shift()
        touched.set(sessionKey, siteEvent)
        // Impressions and clicks from a list go to the take-rate join, keyed like the item's row.
        if (!isItemEvent(event)) {
          links.touch(event.session, event.ts)
          for (const item of event.items) out.to(site, item).take(site, 'impression', item, event.list, event.ts, offset, k++)
          continue
        }
        if (event.type === 'click') out.to(site, event.item).take(site, 'click', event.item, event.list, event.ts, offset, k++)
        // One record per row the interaction grows (a source's increments come together).
        let writer: StageTwoWriter | undefined
        let row: string | undefined
        forEachLink(links.step(event.session, event.item, event.ts), event.item, (src, kind, dst, n) => {
          if (src !== row) (writer = out.to(site, (row = src))).row(site, src, event.ts, offset, k++)
          writer!.cell(kind, dst, day, n)
        })
        const item = event.user === undefined ? undefined : this.catalog(site, event.item)
        if (item && event.user !== undefined) out.to(site, `user\0${event.user}`).profile(site, event.user, day, item, event.ts, offset, k++)
      }
    }
    for (const [sessionKey, [site, { session }]] of touched) {
      // A session that only saw impressions has no items, only event ids to remember.
      const point = this.#linksOf(site).get(session) ?? { items: [], ts: 0 }
      const state: SessionState = { items: point.items, ts: point.ts, ids: this.#ids.get(sessionKey) ?? [] }
      changelog.push({ key: `s\0${site}\0${session}`, value: pack(state) })
    }
    return { outputs: out.drain(), changelog, events }
  }

  #linksOf(site: string): SessionLinks {
    let links = this.#links.get(site)
    if (!links) this.#links.set(site, (links = new SessionLinks()))
    return links
  }
}

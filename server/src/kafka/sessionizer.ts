import { isItemEvent, type CatalogItem } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { dayOf, type Clock } from '../clock'
import { SessionLinks, type SessionPoint } from '../processor/session-links'
import { decodeEvents } from './event-records'
import { packInChunks } from './record-size'
import { encodeStageTwo, type IncrementRecord, type ProfileRecord, type StageTwoRecord, type TakeRecord } from './stage-two'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'

/**
 * The stage-two records of one batch, packed per increments partition: each goes to the partition its
 * key gives (as a keyed record would), and a partition's records travel together, in order, in as few
 * Kafka records as fit (`packInChunks`), since Kafka's cost is mostly per record.
 */
class StageTwoBatches {
  readonly #byPartition = new Map<number, StageTwoRecord[]>()

  constructor(
    readonly topic: string,
    readonly partitionOf: (key: string) => number,
  ) {}

  add(key: string, record: StageTwoRecord): void {
    const partition = this.partitionOf(key)
    let list = this.#byPartition.get(partition)
    if (!list) this.#byPartition.set(partition, (list = []))
    list.push(record)
  }

  records(): OutputRecord[] {
    const out: OutputRecord[] = []
    for (const [partition, list] of this.#byPartition) {
      for (const value of packInChunks(list, encodeStageTwo)) out.push({ topic: this.topic, partition, key: String(partition), value })
    }
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

  constructor(
    readonly incrementsTopic: string,
    readonly clock: Clock,
    /** The events partition this task owns. */
    readonly partition = 0,
    /** The catalog item behind an id, for profiles. */
    readonly catalog: (site: string, item: string) => CatalogItem | undefined = () => undefined,
    /** The increments partition of a key (site and source item, or site and user). */
    readonly partitionOf: (key: string) => number = () => 0,
  ) {}

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
    if (state.items.length > 0) this.#linksOf(site).restore(session, { items: state.items, ts: state.ts })
    this.#ids.set(sessionKey, state.ids)
  }

  restored(): void {
    for (const [site, day] of this.#watermarks) this.#linksOf(site).advance(day)
  }

  process(records: readonly InputRecord[]): StageResult {
    const tomorrow = dayOf(this.clock()) + 1
    const out = new StageTwoBatches(this.incrementsTopic, this.partitionOf)
    const touched = new Map<string, { site: string; session: string }>()
    const changelog: ChangelogRecord[] = []
    let events = 0
    for (const { offset, value } of records) {
      // `k` numbers the outputs of one input record (which may carry many events): with the
      // record's offset it is the identity stage 2 applies once.
      let k = 0
      for (const [site, event] of decodeEvents(value)) {
        events++
        const day = dayOf(event.ts)
        if (day > tomorrow) continue
        const sessionKey = `${site}\0${event.session}`
        const ids = this.#ids.get(sessionKey) ?? []
        if (ids.includes(event.id)) continue
        ids.push(event.id)
        if (ids.length > IDS_PER_SESSION) ids.shift()
        this.#ids.set(sessionKey, ids)
        touched.set(sessionKey, { site, session: event.session })
        // Impressions and clicks from a list go to the take-rate join, keyed like the item's row.
        const take = (kind: TakeRecord['kind'], item: string) => {
          const record: TakeRecord = { type: 'take', site, kind, item, ts: event.ts, from: this.partition, offset, k: k++ }
          if (event.list !== undefined) record.list = event.list
          out.add(`${site}\0${item}`, record)
        }
        if (!isItemEvent(event)) {
          for (const item of event.items) take('impression', item)
          continue
        }
        if (event.type === 'click') take('click', event.item)
        const links = this.#linksOf(site)
        if (day > links.watermark) {
          for (const ended of links.advance(day)) {
            this.#ids.delete(`${site}\0${ended}`)
            touched.delete(`${site}\0${ended}`)
            changelog.push({ key: `s\0${site}\0${ended}`, value: null })
          }
          changelog.push({ key: `w\0${site}`, value: pack(day) })
        }
        const bySrc = new Map<string, IncrementRecord['adds']>()
        for (const i of links.observe(event.session, event.item, event.ts, day)) {
          let adds = bySrc.get(i.src)
          if (!adds) bySrc.set(i.src, (adds = []))
          adds.push([i.kind, i.dst, i.day, i.n])
        }
        for (const [src, adds] of bySrc) {
          out.add(`${site}\0${src}`, { type: 'row', site, src, adds, ts: event.ts, from: this.partition, offset, k: k++ })
        }
        const item = event.user === undefined ? undefined : this.catalog(site, event.item)
        if (item && event.user !== undefined) {
          const record: ProfileRecord = { type: 'profile', site, user: event.user, day, item, ts: event.ts, from: this.partition, offset, k: k++ }
          out.add(`${site}\0user\0${event.user}`, record)
        }
      }
    }
    for (const [sessionKey, { site, session }] of touched) {
      // A session that only saw impressions has no items yet, only event ids to remember.
      const point = this.#linksOf(site).get(session) ?? { items: [], ts: 0 }
      const state: SessionState = { ...point, ids: this.#ids.get(sessionKey) ?? [] }
      changelog.push({ key: `s\0${site}\0${session}`, value: pack(state) })
    }
    return { outputs: out.records(), changelog, events }
  }

  #linksOf(site: string): SessionLinks {
    let links = this.#links.get(site)
    if (!links) this.#links.set(site, (links = new SessionLinks()))
    return links
  }
}

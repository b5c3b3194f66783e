import { isItemEvent, type CatalogItem, type Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { dayOf, type Clock } from '../clock'
import { SessionLinks, type Increment, type SessionPoint } from '../processor/session-links'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'

/**
 * The increments one event makes to one row, on their way to the aggregator. `from`, `offset` and
 * `k` (its index among the event's records) identify it: stage 2 applies each identity once.
 */
export interface IncrementRecord {
  type: 'row'
  site: string
  src: string
  /** `[kind, dst, day, n]` for each statistic of the row that grows. */
  adds: Array<[Increment['kind'], string, number, number]>
  /** The event's time, for the freshness metric. */
  ts: number
  /** The events partition, the event's offset in it, and the record's index for that event. */
  from: number
  offset: number
  k: number
}

/** One interaction of a signed-in user with a catalog item, on its way to the user's daily profile. */
export interface ProfileRecord {
  type: 'profile'
  site: string
  user: string
  day: number
  item: CatalogItem
  ts: number
  from: number
  offset: number
  k: number
}

/** An impression of one item, or a click from a list, on its way to the take-rate join. */
export interface TakeRecord {
  type: 'take'
  site: string
  /** `impression` or `click`. */
  kind: 'impression' | 'click'
  item: string
  list?: string
  ts: number
  from: number
  offset: number
  k: number
}

/** What stage 1 sends to stage 2. */
export type StageTwoRecord = IncrementRecord | ProfileRecord | TakeRecord

/** A session's state in the changelog: its latest items and the ids of its latest events. */
interface SessionState extends SessionPoint {
  ids: string[]
}

/** Event ids remembered per session to drop a re-sent event (a batch holds at most 500). */
const IDS_PER_SESSION = 500

/**
 * Stage 1 of Kafka mode, per partition of the events topic (keyed by site and session, so a session's
 * events arrive in order): drops repeated event ids, follows sessions, and emits the increments each
 * interaction links, one record per row it grows, keyed by site and source item for the aggregator.
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
    const outputs: OutputRecord[] = []
    const touched = new Map<string, { site: string; session: string }>()
    const changelog: ChangelogRecord[] = []
    for (const { offset, value } of records) {
      const { site, event } = unpack(value) as { site: string; event: Event }
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
      let k = 0
      const take = (kind: TakeRecord['kind'], item: string) => {
        const record: TakeRecord = { type: 'take', site, kind, item, ts: event.ts, from: this.partition, offset, k: k++ }
        if (event.list !== undefined) record.list = event.list
        outputs.push({ topic: this.incrementsTopic, key: `${site}\0${item}`, value: pack(record) })
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
        const record: IncrementRecord = { type: 'row', site, src, adds, ts: event.ts, from: this.partition, offset, k: k++ }
        outputs.push({ topic: this.incrementsTopic, key: `${site}\0${src}`, value: pack(record) })
      }
      const item = event.user === undefined ? undefined : this.catalog(site, event.item)
      if (item && event.user !== undefined) {
        const record: ProfileRecord = { type: 'profile', site, user: event.user, day, item, ts: event.ts, from: this.partition, offset, k: k++ }
        outputs.push({ topic: this.incrementsTopic, key: `${site}\0user\0${event.user}`, value: pack(record) })
      }
    }
    for (const [sessionKey, { site, session }] of touched) {
      // A session that only saw impressions has no items yet, only event ids to remember.
      const point = this.#linksOf(site).get(session) ?? { items: [], ts: 0 }
      const state: SessionState = { ...point, ids: this.#ids.get(sessionKey) ?? [] }
      changelog.push({ key: `s\0${site}\0${session}`, value: pack(state) })
    }
    return { outputs, changelog }
  }

  #linksOf(site: string): SessionLinks {
    let links = this.#links.get(site)
    if (!links) this.#links.set(site, (links = new SessionLinks()))
    return links
  }
}

import { isItemEvent, type Event } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { dayOf, type Clock } from '../clock'
import { SessionLinks, type Increment, type SessionPoint } from '../processor/session-links'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'

/** An increment on its way to the aggregator, with the latest event time behind it. */
export interface IncrementRecord extends Increment {
  site: string
  ts: number
  /** Where it comes from: the events partition, the end offset of the batch, its index in the batch. */
  from: number
  end: number
  i: number
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
 * interaction links, keyed by site and source item for the aggregator.
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
    this.#linksOf(site).restore(session, { items: state.items, ts: state.ts })
    this.#ids.set(sessionKey, state.ids)
  }

  restored(): void {
    for (const [site, day] of this.#watermarks) this.#linksOf(site).advance(day)
  }

  process(records: readonly InputRecord[]): StageResult {
    const tomorrow = dayOf(this.clock()) + 1
    const sums = new Map<string, Omit<IncrementRecord, 'from' | 'end' | 'i'>>()
    const end = records.length > 0 ? records[records.length - 1]!.offset + 1 : 0
    const touched = new Map<string, { site: string; session: string }>()
    const changelog: ChangelogRecord[] = []
    for (const { value } of records) {
      const { site, event } = unpack(value) as { site: string; event: Event }
      const day = dayOf(event.ts)
      if (!isItemEvent(event) || day > tomorrow) continue
      const sessionKey = `${site}\0${event.session}`
      const ids = this.#ids.get(sessionKey) ?? []
      if (ids.includes(event.id)) continue
      ids.push(event.id)
      if (ids.length > IDS_PER_SESSION) ids.shift()
      this.#ids.set(sessionKey, ids)
      const links = this.#linksOf(site)
      if (day > links.watermark) {
        for (const ended of links.advance(day)) {
          this.#ids.delete(`${site}\0${ended}`)
          touched.delete(`${site}\0${ended}`)
          changelog.push({ key: `s\0${site}\0${ended}`, value: null })
        }
        changelog.push({ key: `w\0${site}`, value: pack(day) })
      }
      for (const i of links.observe(event.session, event.item, event.ts, day)) {
        const key = `${site}\0${i.kind}\0${i.src}\0${i.dst}\0${i.day}`
        const sum = sums.get(key)
        if (sum) {
          sum.n += i.n
          sum.ts = Math.max(sum.ts, event.ts)
        } else sums.set(key, { ...i, site, ts: event.ts })
      }
      touched.set(sessionKey, { site, session: event.session })
    }
    for (const [sessionKey, { site, session }] of touched) {
      const point = this.#linksOf(site).get(session)!
      const state: SessionState = { ...point, ids: this.#ids.get(sessionKey) ?? [] }
      changelog.push({ key: `s\0${site}\0${session}`, value: pack(state) })
    }
    const outputs: OutputRecord[] = [...sums.values()].map((sum, i) => ({
      topic: this.incrementsTopic,
      key: `${sum.site}\0${sum.src}`,
      value: pack({ ...sum, from: this.partition, end, i } satisfies IncrementRecord),
    }))
    return { outputs, changelog }
  }

  #linksOf(site: string): SessionLinks {
    let links = this.#links.get(site)
    if (!links) this.#links.set(site, (links = new SessionLinks()))
    return links
  }
}

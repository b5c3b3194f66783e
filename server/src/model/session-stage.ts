import type { Event } from '@sequitur/sdk/protocol'
import { dayOf } from '../clock'
import { DaySample, type DaySampleOptions, type SampledDay, type SampleWrite } from './day-sample'
import type { Increments } from './increments'
import { countDay, dedupeFrom, eventTime, isLate, windowStart, type ModelOptions, type SiteSettings } from './rules'
import { SeenIds } from './seen-ids'
import { link, SessionLinks } from './session-links'
import type { StateEntry } from './state-codec'

/**
 * What became of an event: counted (`applied`), a repeated id, too late for trending (counted
 * otherwise), or of a site removed meanwhile (`ignored`).
 */
export type Outcome = 'applied' | 'repeated' | 'late' | 'ignored'

/** One site's clock and sessions, and what changed since the last drain. */
interface SiteSessions {
  time: number
  windowDays: number
  /** The site's own settings, when the registry gave some, and whether they are to be written. */
  settings?: SiteSettings
  settingsMoved: boolean
  links: SessionLinks
  /** The day's sample of sessions, for the self-validation (when it is on). */
  sample?: DaySample
  clockMoved: boolean
  /** Sessions that moved (written) and ended (deleted) since the last drain. */
  moved: Set<string>
  ended: Set<string>
}

/** Options of the session stage. */
export interface SessionStageOptions {
  /** Drop repeated event ids here (for a log that does not refuse them). */
  dedupe?: boolean
  /** Keep a sample of each site's sessions per day of event time, for the self-validation. */
  sample?: DaySampleOptions | false
  /**
   * Called when an admitted item event enters a new day of its site's event time while the finished
   * day has sampled sessions (`latestSample`), before the event moves anything: the counts are then
   * still those before the event.
   */
  onDayFinished?: (site: string) => void
}

/**
 * Stage 1 of the model, for the sites whose events it sees in log order: drops a repeated event id
 * (when `dedupe` is on: Kafka's log keeps repeats, the embedded log refuses them), gives each event
 * its time (`eventTime`), moves the site's event time, ends idle sessions, decides lateness, and
 * hands the count stage what each event links (`Increments`). Pure and in memory; its state goes
 * out as `StateEntry`s (`drainState`) and comes back through `restore`.
 */
export class SessionStage {
  readonly #o: ModelOptions
  readonly #sites = new Map<string, SiteSessions>()
  /** Sites removed while this stage ran (their late events are ignored), and the state they leave to delete. */
  readonly #removed = new Set<string>()
  readonly #gone: StateEntry[] = []
  readonly #seen: SeenIds | undefined
  /** The latest receive time, and how many parts of seen ids are stored per receive day (numbered from 0). */
  #received = -Infinity
  readonly #parts = new Map<number, number>()
  readonly #forgotten: Array<[day: number, part: number]> = []
  readonly #sample: DaySampleOptions | false
  readonly #onDayFinished: (site: string) => void
  constructor(options: ModelOptions, { dedupe = false, sample = false, onDayFinished = () => {} }: SessionStageOptions = {}) {
    this.#o = options
    this.#seen = dedupe ? new SeenIds() : undefined
    this.#sample = sample
    this.#onDayFinished = onDayFinished
  }

  /** Decides one event the log received at `receivedAt`, telling `out` what it counts. */
  observe(site: string, event: Event, receivedAt: number, out: Increments): Outcome {
    if (this.#seen) {
      if (dayOf(receivedAt) > dayOf(this.#received)) this.#forgetSeen(dedupeFrom(receivedAt, this.#o))
      this.#received = Math.max(this.#received, receivedAt)
      if (!this.#seen.add(site, event.id, receivedAt)) return 'repeated'
    }
    if (this.#removed.has(site)) return 'ignored'
    const s = this.#site(site)
    const time = eventTime(event.ts, receivedAt)
    const sample = this.#sample && event.type !== 'impression' ? (s.sample ??= new DaySample(this.#sample)) : undefined
    // A new day: the finished one is scored against the counts before it, before this event counts.
    if (sample?.advance(dayOf(time))) this.#onDayFinished(site)
    if (time > s.time) {
      const day = dayOf(time)
      if (day > dayOf(s.time)) {
        for (const ended of s.links.endIdle(day)) {
          s.moved.delete(ended)
          s.ended.add(ended)
        }
      }
      s.time = time
      s.clockMoved = true
      out.clock(site, time)
    }
    const late = (event.type === 'impression' || event.type === 'click') && isLate(time, s.time, this.#o)
    if (event.type === 'impression') {
      if (!late) for (const item of event.items) out.take(site, 'impression', item, event.list, time)
      return late ? 'late' : 'applied'
    }
    if (event.type === 'click' && !late) out.take(site, 'click', event.item, event.list, time)
    const previous = s.links.step(event.session, event.item, time)
    s.moved.add(event.session)
    s.ended.delete(event.session)
    const day = dayOf(time)
    sample?.add(event.session, event.item, day)
    if (day >= windowStart(dayOf(s.time), s.windowDays)) {
      link(previous, event.item, site, time, countDay(day, dayOf(s.time)), out)
      if (event.user !== undefined) out.profile(site, event.user, day, event.item)
    }
    return late ? 'late' : 'applied'
  }

  /**
   * Takes a site's settings from the registry, or (`null`) forgets a removed site: its sessions and
   * clock go, and its later events are ignored. The count stage is told through `out` either way.
   */
  configure(site: string, settings: SiteSettings | null, out: Increments): void {
    if (settings) {
      const s = this.#site(site)
      this.#removed.delete(site)
      s.windowDays = settings.windowDays
      s.settings = settings
      s.settingsMoved = true
    } else {
      const s = this.#sites.get(site)
      this.#removed.add(site)
      if (s) {
        this.#sites.delete(site)
        const sessions = new Set([...s.links.sessions(), ...s.moved, ...s.ended])
        for (const session of sessions) this.#gone.push({ kind: 'session', site, session, point: null })
        s.sample?.drain((w) => this.#gone.push(sampleEntry(site, w)), { all: true, deleted: true })
        this.#gone.push({ kind: 'clock', site, time: null }, { kind: 'settings', site, settings: null })
      }
    }
    out.site(site, settings)
  }

  /** The state written since the last drain, as entries to store. */
  drainState(write: (entry: StateEntry) => void): void {
    for (const entry of this.#gone.splice(0)) write(entry)
    for (const [site, s] of this.#sites) {
      if (s.settingsMoved && s.settings) write({ kind: 'settings', site, settings: s.settings })
      s.settingsMoved = false
      if (s.clockMoved) write({ kind: 'clock', site, time: s.time })
      for (const session of s.moved) write({ kind: 'session', site, session, point: s.links.get(session) ?? null })
      for (const session of s.ended) write({ kind: 'session', site, session, point: null })
      s.clockMoved = false
      s.moved.clear()
      s.ended.clear()
      s.sample?.drain((w) => write(sampleEntry(site, w)))
    }
    for (const [day, part] of this.#forgotten.splice(0)) write({ kind: 'seen', day, part, hashes: null })
    for (const [day, hashes] of this.#seen?.drain() ?? []) {
      const part = this.#parts.get(day) ?? 0
      this.#parts.set(day, part + 1)
      write({ kind: 'seen', day, part, hashes })
    }
  }

  /** Puts back one stored entry of this stage (others are ignored); ended sessions were deleted, so nothing ends here. */
  restore(entry: StateEntry): void {
    if (entry.kind === 'clock') {
      if (entry.time !== null) this.#site(entry.site).time = entry.time
    } else if (entry.kind === 'settings' && entry.settings) {
      const s = this.#site(entry.site)
      s.settings = entry.settings
      s.windowDays = entry.settings.windowDays
    }
    else if (entry.kind === 'session' && entry.point) this.#site(entry.site).links.restore(entry.session, entry.point)
    else if ((entry.kind === 'sample' || entry.kind === 'sampled') && this.#sample) {
      const s = this.#site(entry.site)
      ;(s.sample ??= new DaySample(this.#sample)).restore(entry.kind === 'sample' ? { days: entry.days } : entry)
    }
    else if (entry.kind === 'seen' && entry.hashes) {
      this.#seen?.restore(entry.day, entry.hashes)
      this.#parts.set(entry.day, Math.max(this.#parts.get(entry.day) ?? 0, entry.part + 1))
    }
  }

  /** Completes a restore. */
  restored(): void {
    for (const s of this.#sites.values()) s.sample?.restored()
  }

  /** A site's last finished day of event time and its sampled sessions, when the sample is on. */
  latestSample(site: string): SampledDay | undefined {
    return this.#sites.get(site)?.sample?.latest()
  }

  /** A site's event time (ms), -Infinity before its first event. */
  time(site: string): number {
    return this.#sites.get(site)?.time ?? -Infinity
  }

  #forgetSeen(fromDay: number): void {
    this.#seen!.forgetBefore(fromDay)
    for (const [day, parts] of this.#parts) {
      if (day >= fromDay) continue
      for (let part = 0; part < parts; part++) this.#forgotten.push([day, part])
      this.#parts.delete(day)
    }
  }

  #site(site: string): SiteSessions {
    let s = this.#sites.get(site)
    if (!s) {
      s = { time: -Infinity, windowDays: this.#o.windowDays, settingsMoved: false, links: new SessionLinks(), clockMoved: false, moved: new Set(), ended: new Set() }
      this.#sites.set(site, s)
    }
    return s
  }
}

/** The state entry of a sample's write. */
const sampleEntry = (site: string, w: SampleWrite): StateEntry => ('days' in w ? { kind: 'sample', site, days: w.days } : { kind: 'sampled', site, ...w })

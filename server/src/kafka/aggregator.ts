import type { CatalogItem, ModelRow } from '@sequitur/sdk/protocol'
import { withAttributes } from '../catalog/row-attributes'
import { pack, unpack } from 'msgpackr'
import { RowCounts, type ModelOptions } from '../processor/row-counts'
import type { Kind } from '../processor/session-links'
import { emptyProfile, observeItem, type DailyProfile } from '../profiles/daily-profile'
import { TakeRates, type EpochState, type TakeRateOptions } from '../trending/take-rates'
import { KINDS, readStageTwo, type StageTwoVisitor } from './stage-two'
import type { ChangelogRecord, InputRecord, OutputRecord, StageResult, StageTask } from './stage'

/** Header carrying the latest event time (ms) behind a row change, for the freshness metric. */
export const EVENT_TS_HEADER = 'event-ts'

/**
 * Stage 2 of Kafka mode, per partition of the increments topic (keyed by site and source item, so each
 * row has one owner): adds increments to the row counts, moves the window, and emits each changed row
 * (a tombstone when it empties) to the rows topic.
 */
export class AggregatorTask implements StageTask {
  readonly #counts = new Map<string, RowCounts>()
  readonly #watermarks = new Map<string, number>()
  /** Cells read while restoring: the changelog may hold several values of a cell; the last one counts. */
  readonly #restoring = new Map<string, number>()
  /**
   * Per events partition, the identity (event offset, index) of the last increment applied: one seen
   * again (a producer retry, or a batch processed twice by an old and a new owner) is skipped.
   */
  readonly #applied = new Map<number, [offset: number, k: number]>()

  /** Users' daily profiles: `site \0 user \0 day` → profile. */
  readonly #profiles = new Map<string, DailyProfile>()

  /** Take rates per site (for the items this partition owns). */
  readonly #rates = new Map<string, TakeRates>()

  constructor(
    readonly rowsTopic: string,
    readonly options: ModelOptions,
    /** Where daily profiles go (compacted, keyed by site, user and day). */
    readonly profilesTopic = '',
    /** Where take-rate cells go (compacted, keyed by site, item and epoch). */
    readonly trendingTopic = '',
    /** Called with each impression or click dropped for arriving later than the allowed lateness. */
    readonly onLate: () => void = () => {},
    /** The catalog item behind an id: rows carry their items' attributes. */
    readonly catalog: (site: string, item: string) => CatalogItem | undefined = () => undefined,
    /** Epochs and allowed lateness of the take-rate join. */
    readonly trending: TakeRateOptions = {},
  ) {}

  restore(key: string, value: Buffer | null): void {
    const [kind, site] = key.split('\0')
    if (!site || !value) return
    if (kind === 'a') this.#applied.set(Number(site), unpack(value) as [number, number])
    if (kind === 'w') this.#watermarks.set(site, unpack(value) as number)
    if (kind === 'c') this.#restoring.set(key, unpack(value) as number)
    if (kind === 'p') this.#profiles.set(key.slice(2), unpack(value) as DailyProfile)
    if (kind === 't') {
      const { epoch, state, watermark } = unpack(value) as { epoch: number; state: EpochState; watermark: number }
      this.#ratesOf(site).importEpoch(epoch, state, watermark)
    }
  }

  restored(): void {
    for (const [key, n] of this.#restoring) {
      const [, site, stat, src, dst, day] = key.split('\0') as [string, string, Kind, string, string, string]
      this.#countsOf(site).restore(stat, src, dst, Number(day), n)
    }
    this.#restoring.clear()
    // Cells older than the window may still sit in the changelog until retention removes them.
    for (const [site, day] of this.#watermarks) this.#countsOf(site).advance(day)
    for (const key of [...this.#profiles.keys()]) {
      const [site, , day] = key.split('\0') as [string, string, string]
      if (Number(day) < this.#countsOf(site).windowStart) this.#profiles.delete(key)
    }
  }

  process(records: readonly InputRecord[]): StageResult {
    /** Rows to emit, per site: item → latest event time behind the change (0: the window moved). */
    const dirty = new Map<string, Map<string, number>>()
    const changelog: ChangelogRecord[] = []
    const applied = new Set<number>()
    const profiles = new Map<string, DailyProfile | null>()
    const takes = new Map<string, { site: string; item: string; epoch: number }>()
    const minutes = new Map<string, { site: string; item: string; epoch: number }>()
    const epochs = new Set<string>()
    const touch = (site: string, item: string, ts: number) => {
      let rows = dirty.get(site)
      if (!rows) dirty.set(site, (rows = new Map()))
      rows.set(item, Math.max(rows.get(item) ?? 0, ts))
    }
    const advance = (site: string, day: number) => {
      const counts = this.#countsOf(site)
      if (day <= counts.watermark) return
      for (const src of counts.advance(day)) touch(site, src, 0)
      changelog.push({ key: `w\0${site}`, value: pack(day) })
      // Daily profiles live as long as the window (their TTL).
      for (const key of this.#profiles.keys()) {
        const [s, , d] = key.split('\0') as [string, string, string]
        if (s === site && Number(d) < counts.windowStart) profiles.set(key, null)
      }
      for (const [key, profile] of profiles) if (profile === null) this.#profiles.delete(key)
    }
    /** False for a record applied before (a producer retry, or a batch processed by an old and a new owner). */
    const fresh = (from: number, offset: number, k: number): boolean => {
      const last = this.#applied.get(from)
      if (last && (offset < last[0] || (offset === last[0] && k <= last[1]))) return false
      if (last) {
        last[0] = offset
        last[1] = k
      } else this.#applied.set(from, [offset, k])
      applied.add(from)
      return true
    }
    const visitor: StageTwoVisitor = {
      row: (site, src, ts, from, offset, k, cells, at, count) => {
        if (!fresh(from, offset, k)) return
        const counts = this.#countsOf(site)
        let grew = false
        for (let j = at; j < at + 4 * count; j += 4) {
          const day = cells[j + 2] as number
          if (day > counts.watermark) advance(site, day)
          if (counts.add(KINDS[cells[j] as number]!, src, cells[j + 1] as string, day, cells[j + 3] as number)) grew = true
        }
        if (grew) touch(site, src, ts)
      },
      take: (r) => {
        if (!fresh(r.from, r.offset, r.k)) return
        const rates = this.#ratesOf(r.site)
        const event = r.kind === 'impression'
          ? { id: '', session: '', type: 'impression' as const, items: [r.item], ts: r.ts, ...(r.list === undefined ? {} : { list: r.list }) }
          : { id: '', session: '', type: 'click' as const, item: r.item, ts: r.ts, ...(r.list === undefined ? {} : { list: r.list }) }
        const outcome = rates.observe(event)
        if (outcome === 'late') this.onLate()
        const epoch = rates.epochOf(r.ts)
        if (outcome === 'counted') takes.set(`${r.site}\0${r.item}\0${epoch}`, { site: r.site, item: r.item, epoch })
        if (outcome === 'counted' || outcome === 'recent') {
          if (r.kind === 'click') minutes.set(`${r.site}\0${r.item}\0m${Math.floor(r.ts / 60_000)}`, { site: r.site, item: r.item, epoch })
          else epochs.add(`${r.site}\0${epoch}`)
        }
      },
      profile: (r) => {
        if (!fresh(r.from, r.offset, r.k)) return
        advance(r.site, r.day)
        if (r.day < this.#countsOf(r.site).windowStart) return
        const key = `${r.site}\0${r.user}\0${r.day}`
        const profile = this.#profiles.get(key) ?? emptyProfile()
        observeItem(profile, r.item)
        this.#profiles.set(key, profile)
        profiles.set(key, profile)
      },
    }
    // A record holds this partition's stage-two records of one sessionizer batch.
    for (const { value } of records) readStageTwo(value, visitor)
    for (const from of applied) changelog.push({ key: `a\0${from}`, value: pack(this.#applied.get(from)) })
    // Each cell that grew, at its new count (a cell of a day that left the window meanwhile is gone).
    for (const [site, counts] of this.#counts) {
      counts.drainChanges((kind, src, dst, day) => {
        changelog.push({ key: `c\0${site}\0${kind}\0${src}\0${dst}\0${day}`, value: pack(counts.count(kind, src, dst, day)) })
      })
    }
    const outputs: OutputRecord[] = []
    for (const [site, rows] of dirty) {
      const counts = this.#countsOf(site)
      for (const [item, ts] of rows) {
        const counted = counts.row(item)
        const row: ModelRow | undefined = counted && withAttributes(counted, item, (id) => this.catalog(site, id))
        outputs.push({
          topic: this.rowsTopic,
          key: `${site}\0${item}`,
          value: row ? pack(row) : null,
          ...(ts > 0 ? { headers: { [EVENT_TS_HEADER]: String(ts) } } : {}),
        })
      }
    }
    for (const [key, { site, item, epoch }] of minutes) {
      const minute = Number(key.slice(key.lastIndexOf('\0') + 2))
      outputs.push({ topic: this.trendingTopic, key, value: Buffer.from(JSON.stringify({ clicks: this.#ratesOf(site).minuteClicks(minute, item) })) })
      epochs.add(`${site}\0${epoch}`)
    }
    for (const [key, { site, item, epoch }] of takes) {
      outputs.push({ topic: this.trendingTopic, key, value: Buffer.from(JSON.stringify(this.#ratesOf(site).cell(epoch, item))) })
      epochs.add(`${site}\0${epoch}`)
    }
    for (const se of epochs) {
      const [site, epoch] = se.split('\0') as [string, string]
      const rates = this.#ratesOf(site)
      const value = { epoch: Number(epoch), state: rates.exportEpoch(Number(epoch)), watermark: rates.watermark }
      changelog.push({ key: `t\0${site}\0${epoch}`, value: pack(value) })
    }
    for (const [key, profile] of profiles) {
      changelog.push({ key: `p\0${key}`, value: profile ? pack(profile) : null })
      outputs.push({ topic: this.profilesTopic, key, value: profile ? Buffer.from(JSON.stringify(profile)) : null })
    }
    return { outputs, changelog }
  }

  #ratesOf(site: string): TakeRates {
    let rates = this.#rates.get(site)
    if (!rates) this.#rates.set(site, (rates = new TakeRates(this.trending)))
    return rates
  }

  #countsOf(site: string): RowCounts {
    let counts = this.#counts.get(site)
    if (!counts) this.#counts.set(site, (counts = new RowCounts({ ...this.options, trackChanges: true })))
    return counts
  }
}

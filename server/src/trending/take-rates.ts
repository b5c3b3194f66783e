import type { Event } from '@sequitur/sdk/protocol'

/** Windows of the take-rate join. */
export interface TakeRateOptions {
  /** Length of an epoch (event-time window), ms; default 30 minutes. */
  epochMs?: number
  /** How late an event may arrive after its epoch ended and still count, ms; default 5 minutes. */
  latenessMs?: number
  /** Epochs, up to the latest, that `trending()` looks at; default 4 (two hours). */
  horizonEpochs?: number
  /** Weight of the site-wide take rate in each item's smoothed rate (in impressions); default 10. */
  prior?: number
}

/** Impressions and clicks of one item in one epoch. */
export interface Cell {
  impressions: number
  clicks: number
}

/** One item of `GET /v1/trending`. */
export interface TrendingItem {
  item: string
  impressions: number
  clicks: number
  /** (clicks + prior × site rate) / (impressions + prior). */
  rate: number
}

/** What became of an event: joined, too late, or only counted among recent clicks / not at all. */
export type Outcome = 'counted' | 'late' | 'recent' | 'ignored'

/** The window of "clicks per item in the last 10 minutes". */
const RECENT_MINUTES = 10
const MINUTE_MS = 60_000

/**
 * Netflix's take rates for one site: impressions of a rendered list joined with the clicks that carry
 * the same list id, per item and per event-time epoch. An event later than its epoch's end plus the
 * allowed lateness (against the latest event time seen) is dropped as late.
 */
export class TakeRates {
  readonly #o: Required<TakeRateOptions>
  /** epoch → item → cell */
  readonly #cells = new Map<number, Map<string, Cell>>()
  /** epoch → `list \0 item` pairs shown in it */
  readonly #shown = new Map<number, Set<string>>()
  /** minute → item → clicks (every click, joined or not): the recent-clicks feature */
  readonly #minutes = new Map<number, Map<string, number>>()
  #watermark = -Infinity

  constructor({ epochMs = 30 * 60_000, latenessMs = 5 * 60_000, horizonEpochs = 4, prior = 10 }: TakeRateOptions = {}) {
    this.#o = { epochMs, latenessMs, horizonEpochs, prior }
  }

  /** The epoch of a time. */
  epochOf(ts: number): number {
    return Math.floor(ts / this.#o.epochMs)
  }

  /** Joins one event in; tells whether it counted, came too late, or had nothing to join. */
  observe(event: Event): Outcome {
    if (event.type !== 'impression' && event.type !== 'click') return 'ignored'
    const epoch = this.epochOf(event.ts)
    if (this.#watermark >= (epoch + 1) * this.#o.epochMs + this.#o.latenessMs) return 'late'
    this.#watermark = Math.max(this.#watermark, event.ts)
    if (event.type === 'impression') {
      for (const item of event.items) {
        this.#cell(epoch, item).impressions++
        if (event.list !== undefined) this.#shownIn(epoch).add(`${event.list}\0${item}`)
      }
      return 'counted'
    }
    const minute = Math.floor(event.ts / MINUTE_MS)
    let clicks = this.#minutes.get(minute)
    if (!clicks) this.#minutes.set(minute, (clicks = new Map()))
    clicks.set(event.item, (clicks.get(event.item) ?? 0) + 1)
    // A click joins an impression of the same list in its epoch or the one before (shown just before a boundary).
    const pair = `${event.list}\0${event.item}`
    if (event.list === undefined || !(this.#shown.get(epoch)?.has(pair) || this.#shown.get(epoch - 1)?.has(pair))) {
      this.#expire()
      return 'recent'
    }
    this.#cell(epoch, event.item).clicks++
    this.#expire()
    return 'counted'
  }

  /** The state of one epoch, for persistence. */
  exportEpoch(epoch: number): EpochState {
    const minutes = [...this.#minutes].filter(([m]) => this.epochOf(m * MINUTE_MS) === epoch).map(([m, c]) => [m, [...c]] as [number, Array<[string, number]>])
    return { cells: [...(this.#cells.get(epoch) ?? [])], shown: [...(this.#shown.get(epoch) ?? [])], minutes }
  }

  /** Restores one epoch (and the watermark it implies). */
  importEpoch(epoch: number, state: EpochState, watermark: number): void {
    this.#cells.set(epoch, new Map(state.cells))
    this.#shown.set(epoch, new Set(state.shown))
    for (const [m, c] of state.minutes ?? []) this.#minutes.set(m, new Map(c))
    this.#watermark = Math.max(this.#watermark, watermark)
  }

  /** Clicks per item in the last 10 minutes of event time (every click, from a list or not). */
  recentClicks(): Record<string, number> {
    return sumRecent(this.#minutes, Math.floor(this.#watermark / MINUTE_MS))
  }

  /** This epoch's clicks per minute of one item, for publishing. */
  minuteClicks(minute: number, item: string): number {
    return this.#minutes.get(minute)?.get(item) ?? 0
  }

  /** The latest event time seen. */
  get watermark(): number {
    return this.#watermark
  }

  /** The options in force. */
  get options(): Readonly<Required<TakeRateOptions>> {
    return this.#o
  }

  /** Impressions and clicks of an item in an epoch. */
  cell(epoch: number, item: string): Cell {
    return this.#cells.get(epoch)?.get(item) ?? { impressions: 0, clicks: 0 }
  }

  /** The items with the highest smoothed take rate over the last `horizonEpochs` epochs. */
  trending(limit: number): TrendingItem[] {
    return rankTrending(this.#cells, this.epochOf(this.#watermark), this.#o, limit)
  }

  #cell(epoch: number, item: string): Cell {
    let cells = this.#cells.get(epoch)
    if (!cells) this.#cells.set(epoch, (cells = new Map()))
    let cell = cells.get(item)
    if (!cell) cells.set(item, (cell = { impressions: 0, clicks: 0 }))
    return cell
  }

  #shownIn(epoch: number): Set<string> {
    let shown = this.#shown.get(epoch)
    if (!shown) this.#shown.set(epoch, (shown = new Set()))
    return shown
  }

  /** Forgets epochs no event can still join nor `trending()` look at, and minutes past the recent window. */
  #expire(): void {
    const keep = this.epochOf(this.#watermark) - this.#o.horizonEpochs - 1
    for (const epoch of this.#cells.keys()) if (epoch < keep) this.#cells.delete(epoch)
    for (const epoch of this.#shown.keys()) if (epoch < keep) this.#shown.delete(epoch)
    const now = Math.floor(this.#watermark / MINUTE_MS)
    for (const minute of this.#minutes.keys()) if (minute <= now - RECENT_MINUTES) this.#minutes.delete(minute)
  }
}

/**
 * Ranks items by smoothed take rate over the epochs after `last - horizonEpochs`: each item's clicks
 * and impressions, pulled towards the site-wide rate by `prior` impressions.
 */
export function rankTrending(
  cells: ReadonlyMap<number, ReadonlyMap<string, Cell>>,
  last: number,
  { horizonEpochs, prior }: { horizonEpochs: number; prior: number },
  limit: number,
): TrendingItem[] {
  const sums = new Map<string, Cell>()
  let impressions = 0
  let clicks = 0
  for (const [epoch, byItem] of cells) {
    if (epoch <= last - horizonEpochs) continue
    for (const [item, c] of byItem) {
      const s = sums.get(item) ?? { impressions: 0, clicks: 0 }
      s.impressions += c.impressions
      s.clicks += c.clicks
      sums.set(item, s)
      impressions += c.impressions
      clicks += c.clicks
    }
  }
  const siteRate = impressions > 0 ? clicks / impressions : 0
  const out = [...sums].map(([item, c]) => ({ item, ...c, rate: (c.clicks + prior * siteRate) / (c.impressions + prior) }))
  out.sort((a, b) => b.rate - a.rate || b.impressions - a.impressions || (a.item < b.item ? -1 : 1))
  return out.slice(0, limit)
}

/** The persisted state of one epoch. */
export interface EpochState {
  cells: Array<[string, Cell]>
  shown: string[]
  minutes?: Array<[number, Array<[string, number]>]>
}

/** Sums clicks per item over the 10 minutes up to `now` (a minute number). */
export function sumRecent(minutes: ReadonlyMap<number, ReadonlyMap<string, number>>, now: number): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [minute, clicks] of minutes) {
    if (minute <= now - RECENT_MINUTES || minute > now) continue
    for (const [item, n] of clicks) out[item] = (out[item] ?? 0) + n
  }
  return out
}

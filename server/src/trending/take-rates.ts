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

/** What became of an event. */
export type Outcome = 'counted' | 'late' | 'ignored'

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
    // A click joins an impression of the same list in its epoch or the one before (shown just before a boundary).
    const pair = `${event.list}\0${event.item}`
    if (event.list === undefined || !(this.#shown.get(epoch)?.has(pair) || this.#shown.get(epoch - 1)?.has(pair))) return 'ignored'
    this.#cell(epoch, event.item).clicks++
    this.#expire()
    return 'counted'
  }

  /** The state of one epoch, for persistence. */
  exportEpoch(epoch: number): { cells: Array<[string, Cell]>; shown: string[] } {
    return { cells: [...(this.#cells.get(epoch) ?? [])], shown: [...(this.#shown.get(epoch) ?? [])] }
  }

  /** Restores one epoch (and the watermark it implies). */
  importEpoch(epoch: number, state: { cells: Array<[string, Cell]>; shown: string[] }, watermark: number): void {
    this.#cells.set(epoch, new Map(state.cells))
    this.#shown.set(epoch, new Set(state.shown))
    this.#watermark = Math.max(this.#watermark, watermark)
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

  /** Forgets epochs no event can still join nor `trending()` look at. */
  #expire(): void {
    const keep = this.epochOf(this.#watermark) - this.#o.horizonEpochs - 1
    for (const epoch of this.#cells.keys()) if (epoch < keep) this.#cells.delete(epoch)
    for (const epoch of this.#shown.keys()) if (epoch < keep) this.#shown.delete(epoch)
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

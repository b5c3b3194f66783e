import type { ModelOptions } from './rules'
import { getOrAdd } from './get-or-add'
import { dict, type TrendingItem } from '@sequitur/sdk/protocol'

/** Impressions and clicks of one item in one epoch. */
export interface Cell {
  impressions: number
  clicks: number
}

/** The persisted state of one epoch: its cells, what each list showed, and its minutes' clicks. */
export interface EpochState {
  cells: Array<[item: string, cell: Cell]>
  shown: Array<[list: string, items: string[]]>
  minutes: Array<[minute: number, clicks: Array<[item: string, n: number]>]>
}

/** The options take rates follow. */
export type TakeRateOptions = Pick<ModelOptions, 'epochMs' | 'horizonEpochs' | 'prior'>

/** The window of "clicks per item in the last 10 minutes". */
export const RECENT_MINUTES = 10
export const MINUTE_MS = 60_000

/**
 * Netflix's take rates for one site: impressions of a rendered list joined with the clicks that carry
 * the same list id, per item and per event-time epoch, and every click per minute (recent clicks).
 * Which events arrive too late is decided before (`isLate`); `advance` moves the site's time.
 */
export class TakeRates {
  readonly #o: TakeRateOptions
  /** epoch → item → cell */
  readonly #cells = new Map<number, Map<string, Cell>>()
  /** epoch → list → items shown in it */
  readonly #shown = new Map<number, Map<string, Set<string>>>()
  /** minute → item → clicks */
  readonly #minutes = new Map<number, Map<string, number>>()
  #time = -Infinity

  constructor(options: TakeRateOptions) {
    this.#o = options
  }

  /** The epoch of a time. */
  epochOf(ts: number): number {
    return Math.floor(ts / this.#o.epochMs)
  }

  /** Moves the site's time forward, forgetting what nothing can join nor rank any more; returns the epochs forgotten. */
  advance(time: number): number[] {
    if (time <= this.#time) return []
    const sameMinute = Math.floor(time / MINUTE_MS) === Math.floor(this.#time / MINUTE_MS)
    this.#time = time
    // Nothing expires within a minute.
    if (sameMinute) return []
    const keep = this.epochOf(time) - this.#o.horizonEpochs - 1
    const forgotten: number[] = []
    for (const epoch of this.#cells.keys()) if (epoch < keep) forgotten.push(epoch)
    for (const epoch of forgotten) {
      this.#cells.delete(epoch)
      this.#shown.delete(epoch)
    }
    const now = Math.floor(time / MINUTE_MS)
    for (const minute of this.#minutes.keys()) if (minute <= now - RECENT_MINUTES) this.#minutes.delete(minute)
    return forgotten
  }

  /** Counts an impression of `items` at `time` (shown in `list`, if given). */
  impression(items: readonly string[], list: string | undefined, time: number): void {
    const epoch = this.epochOf(time)
    for (const item of items) {
      this.#cell(epoch, item).impressions++
      if (list !== undefined) getOrAdd(getOrAdd(this.#shown, epoch, () => new Map()), list, () => new Set()).add(item)
    }
  }

  /** Counts a click; true when it joined an impression of its list (in its epoch or the one before). */
  click(item: string, list: string | undefined, time: number): boolean {
    const minute = Math.floor(time / MINUTE_MS)
    let clicks = this.#minutes.get(minute)
    if (!clicks) this.#minutes.set(minute, (clicks = new Map()))
    clicks.set(item, (clicks.get(item) ?? 0) + 1)
    const epoch = this.epochOf(time)
    // Every epoch with activity has its cells (perhaps none), so it is persisted and forgotten as a whole.
    let cells = this.#cells.get(epoch)
    if (!cells) this.#cells.set(epoch, (cells = new Map()))
    if (list === undefined || !(this.#shown.get(epoch)?.get(list)?.has(item) || this.#shown.get(epoch - 1)?.get(list)?.has(item))) return false
    const cell = cells.get(item)
    if (cell) cell.clicks++
    else cells.set(item, { impressions: 0, clicks: 1 })
    return true
  }

  /** The epochs held. */
  get epochs(): number[] {
    return [...this.#cells.keys()]
  }

  /** Impressions and clicks of an item in an epoch. */
  cell(epoch: number, item: string): Cell {
    return this.#cells.get(epoch)?.get(item) ?? { impressions: 0, clicks: 0 }
  }

  /** One item's clicks in one minute. */
  minuteClicks(minute: number, item: string): number {
    return this.#minutes.get(minute)?.get(item) ?? 0
  }

  /** The state of one epoch, for persistence (null once forgotten). */
  exportEpoch(epoch: number): EpochState | null {
    const cells = this.#cells.get(epoch)
    if (!cells) return null
    const minutes = [...this.#minutes].filter(([m]) => this.epochOf(m * MINUTE_MS) === epoch).map(([m, c]) => [m, [...c]] as EpochState['minutes'][number])
    const shown = [...(this.#shown.get(epoch) ?? [])].map(([list, items]) => [list, [...items]] as [string, string[]])
    return { cells: [...cells], shown, minutes }
  }

  /** Restores one epoch. */
  importEpoch(epoch: number, state: EpochState): void {
    this.#cells.set(epoch, new Map(state.cells))
    this.#shown.set(epoch, new Map(state.shown.map(([list, items]) => [list, new Set(items)])))
    for (const [m, c] of state.minutes) this.#minutes.set(m, new Map(c))
  }

  /** The items with the highest smoothed take rate over the last `horizonEpochs` epochs. */
  trending(limit: number): TrendingItem[] {
    return rankTrending(this.#cells, this.epochOf(this.#time), this.#o, limit)
  }

  /** Clicks per item in the last 10 minutes of the site's time. */
  recentClicks(): Record<string, number> {
    return sumRecent(this.#minutes, Math.floor(this.#time / MINUTE_MS))
  }

  #cell(epoch: number, item: string): Cell {
    return getOrAdd(getOrAdd(this.#cells, epoch, () => new Map<string, Cell>()), item, () => ({ impressions: 0, clicks: 0 }))
  }
}

/**
 * Ranks items by smoothed take rate over the epochs after `last - horizonEpochs` up to `last`: each
 * item's clicks and impressions, pulled towards the site-wide rate by `prior` impressions.
 */
export function rankTrending(
  cells: ReadonlyMap<number, ReadonlyMap<string, Cell>>,
  last: number,
  { horizonEpochs, prior }: Pick<TakeRateOptions, 'horizonEpochs' | 'prior'>,
  limit: number,
): TrendingItem[] {
  const sums = new Map<string, Cell>()
  let impressions = 0
  let clicks = 0
  for (const [epoch, byItem] of cells) {
    if (epoch <= last - horizonEpochs || epoch > last) continue
    for (const [item, c] of byItem) {
      const s = getOrAdd(sums, item, () => ({ impressions: 0, clicks: 0 }))
      s.impressions += c.impressions
      s.clicks += c.clicks
      impressions += c.impressions
      clicks += c.clicks
    }
  }
  const siteRate = impressions > 0 ? clicks / impressions : 0
  const out = [...sums].map(([item, c]) => ({ item, ...c, rate: (c.clicks + prior * siteRate) / (c.impressions + prior) }))
  out.sort((a, b) => b.rate - a.rate || b.impressions - a.impressions || (a.item < b.item ? -1 : 1))
  return out.slice(0, limit)
}

/** Sums clicks per item over the 10 minutes up to `now` (a minute number). */
export function sumRecent(minutes: ReadonlyMap<number, ReadonlyMap<string, number>>, now: number): Record<string, number> {
  const out = dict<number>()
  for (const [minute, clicks] of minutes) {
    if (minute <= now - RECENT_MINUTES || minute > now) continue
    for (const [item, n] of clicks) out[item] = (out[item] ?? 0) + n
  }
  return out
}

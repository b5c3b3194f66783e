import { rankTrending, sumRecent, TakeRates, type Cell, type TakeRateOptions, type TrendingItem } from './take-rates'
import type { TrendingView } from './trending-store'

/** Take-rate cells held in memory: what a Kafka-mode edge materializes from the trending topic. */
export class MemoryTrendingView implements TrendingView {
  readonly #sites = new Map<string, { cells: Map<number, Map<string, Cell>>; last: number }>()
  readonly #minutes = new Map<string, { clicks: Map<number, Map<string, number>>; last: number }>()
  readonly #options: Readonly<Required<TakeRateOptions>>

  constructor(options: TakeRateOptions = {}) {
    this.#options = new TakeRates(options).options
  }

  /** Stores (or, with `null`, forgets) one item's cell of one epoch. */
  put(site: string, item: string, epoch: number, cell: Cell | null): void {
    let s = this.#sites.get(site)
    if (!s) this.#sites.set(site, (s = { cells: new Map(), last: -Infinity }))
    let byItem = s.cells.get(epoch)
    if (!byItem) s.cells.set(epoch, (byItem = new Map()))
    if (cell) byItem.set(item, cell)
    else byItem.delete(item)
    s.last = Math.max(s.last, epoch)
    for (const e of s.cells.keys()) if (e <= s.last - this.#options.horizonEpochs - 1) s.cells.delete(e)
  }

  /** Stores one item's clicks of one minute (the recent-clicks feature). */
  putMinute(site: string, item: string, minute: number, clicks: number): void {
    let s = this.#minutes.get(site)
    if (!s) this.#minutes.set(site, (s = { clicks: new Map(), last: -Infinity }))
    let byItem = s.clicks.get(minute)
    if (!byItem) s.clicks.set(minute, (byItem = new Map()))
    byItem.set(item, clicks)
    s.last = Math.max(s.last, minute)
    for (const m of s.clicks.keys()) if (m <= s.last - 10) s.clicks.delete(m)
  }

  recent(site: string): Record<string, number> {
    const s = this.#minutes.get(site)
    return s ? sumRecent(s.clicks, s.last) : {}
  }

  trending(site: string, limit: number): TrendingItem[] {
    const s = this.#sites.get(site)
    return s ? rankTrending(s.cells, s.last, this.#options, limit) : []
  }
}

import { getOrAdd } from '../model/get-or-add'
import type { TrendingItem } from '@sequitur/sdk/protocol'
import { MINUTE_MS, RECENT_MINUTES, rankTrending, sumRecent, type Cell, type ModelOptions } from '../model'
import type { TrendingView } from './trending-view'

interface SiteTrending {
  time: number
  cells: Map<number, Map<string, Cell>>
  minutes: Map<number, Map<string, number>>
}

/**
 * Take-rate cells, minutes of clicks and each site's event time held in memory: what a Kafka-mode
 * edge materializes from the trending topic. Ranks as the count stage does (`rankTrending`,
 * `sumRecent`), at the site's time.
 */
export class MemoryTrendingView implements TrendingView {
  readonly #sites = new Map<string, SiteTrending>()

  constructor(readonly options: Pick<ModelOptions, 'epochMs' | 'horizonEpochs' | 'prior'>) {}

  /** Stores a site's event time. */
  putTime(site: string, time: number): void {
    const s = this.#site(site)
    if (time <= s.time) return
    s.time = time
    const keep = Math.floor(time / this.options.epochMs) - this.options.horizonEpochs
    for (const epoch of s.cells.keys()) if (epoch < keep) s.cells.delete(epoch)
    for (const minute of s.minutes.keys()) if (minute <= Math.floor(time / MINUTE_MS) - RECENT_MINUTES) s.minutes.delete(minute)
  }

  /** Forgets a removed site. */
  forget(site: string): void {
    this.#sites.delete(site)
  }

  /** Stores (or, with `null`, forgets) one item's cell of one epoch. */
  put(site: string, item: string, epoch: number, cell: Cell | null): void {
    const cells = getOrAdd(this.#site(site).cells, epoch, () => new Map())
    if (cell) cells.set(item, cell)
    else cells.delete(item)
  }

  /** Stores one item's clicks of one minute. */
  putMinute(site: string, item: string, minute: number, clicks: number): void {
    getOrAdd(this.#site(site).minutes, minute, () => new Map()).set(item, clicks)
  }

  trending(site: string, limit: number): TrendingItem[] {
    const s = this.#sites.get(site)
    return s ? rankTrending(s.cells, Math.floor(s.time / this.options.epochMs), this.options, limit) : []
  }

  recent(site: string): Record<string, number> {
    const s = this.#sites.get(site)
    return sumRecent(s?.minutes ?? new Map(), s ? Math.floor(s.time / MINUTE_MS) : 0)
  }

  #site(site: string): SiteTrending {
    return getOrAdd(this.#sites, site, () => ({ time: -Infinity, cells: new Map(), minutes: new Map() }))
  }
}

import type { Db } from '../state/sqlite'
import { TakeRates, type EpochState, type TakeRateOptions, type TrendingItem } from './take-rates'

/** Where an edge reads trending items from. */
export interface TrendingView {
  trending(site: string, limit: number): TrendingItem[]
  /** Clicks per item in the last 10 minutes of event time. */
  recent(site: string): Record<string, number>
}

/** Epochs of a site to store, and the epochs before which to drop (made by `save`, stored by `write`). */
export interface EpochSave {
  site: string
  states: Array<[epoch: number, state: string]>
  watermark: number
  dropBefore: number
}

/**
 * The take rates of every site (embedded mode): in memory, with each epoch an event touched written
 * to SQLite in the processor's transaction, and read back at start.
 */
export class TrendingStore implements TrendingView {
  readonly #sites = new Map<string, TakeRates>()
  readonly #options: TakeRateOptions
  readonly #put
  readonly #drop
  readonly #all

  constructor(db: Db, options: TakeRateOptions = {}) {
    this.#options = options
    db.exec(`CREATE TABLE IF NOT EXISTS trending (
      site TEXT NOT NULL, epoch INTEGER NOT NULL, state TEXT NOT NULL, watermark REAL NOT NULL,
      PRIMARY KEY (site, epoch)) WITHOUT ROWID`)
    this.#put = db.prepare(
      'INSERT INTO trending (site, epoch, state, watermark) VALUES (?, ?, ?, ?) ON CONFLICT (site, epoch) DO UPDATE SET state = excluded.state, watermark = excluded.watermark',
    )
    this.#drop = db.prepare('DELETE FROM trending WHERE site = ? AND epoch < ?')
    this.#all = db.prepare('SELECT site, epoch, state, watermark FROM trending')
    this.reload()
  }

  /** Forgets what is in memory and reads the stored epochs (at start, and after a failed commit). */
  reload(): void {
    this.#sites.clear()
    type Stored = { site: string; epoch: number; state: string; watermark: number }
    for (const r of this.#all.iterate() as Iterable<Stored>) {
      this.rates(r.site).importEpoch(r.epoch, JSON.parse(r.state) as EpochState, r.watermark)
    }
  }

  /** The take rates of a site. */
  rates(site: string): TakeRates {
    let rates = this.#sites.get(site)
    if (!rates) this.#sites.set(site, (rates = new TakeRates(this.#options)))
    return rates
  }

  /** What writing the given epochs of a site stores (see `write`). */
  save(site: string, epochs: Iterable<number>): EpochSave {
    const rates = this.rates(site)
    const states = [...epochs].map((epoch) => [epoch, JSON.stringify(rates.exportEpoch(epoch))] as [number, string])
    return { site, states, watermark: rates.watermark, dropBefore: rates.epochOf(rates.watermark) - 10 }
  }

  /** Stores epochs of a site (call inside the processor's transaction). */
  write({ site, states, watermark, dropBefore }: EpochSave): void {
    for (const [epoch, state] of states) this.#put.run(site, epoch, state, watermark)
    this.#drop.run(site, dropBefore)
  }

  trending(site: string, limit: number): TrendingItem[] {
    return this.#sites.get(site)?.trending(limit) ?? []
  }

  recent(site: string): Record<string, number> {
    return this.#sites.get(site)?.recentClicks() ?? {}
  }
}

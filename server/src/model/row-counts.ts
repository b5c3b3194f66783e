import type { ModelRow } from '@sequitur/sdk/protocol'
import type { Kind } from './session-links'
import { EdgeTable } from './edge-table'
import { ItemIds } from './item-ids'
import { validationFrom, windowStart, type ModelOptions } from './rules'

/** What the counts of a site keep. */
export type CountOptions = Pick<ModelOptions, 'windowDays' | 'topK' | 'relatedK'>

/**
 * The counts behind the rows of one site: per item, `next` (exact next clicks) and `related`
 * (weighted co-occurrence), in daily buckets over a sliding window of event time. Item ids are
 * interned once for both statistics.
 */
export class RowCounts {
  readonly #ids = new ItemIds()
  readonly #next = new EdgeTable(this.#ids)
  readonly #related = new EdgeTable(this.#ids)
  #options: CountOptions
  #watermark = -Infinity

  constructor(options: CountOptions) {
    this.#options = options
  }

  /** The first day inside the window. */
  get windowStart(): number {
    return windowStart(this.#watermark, this.#options.windowDays)
  }

  /**
   * Moves the window so that it ends at `day` if that is later, telling `dropped` each cell that
   * left it; returns the items whose rows lost counts (empty when the window did not move).
   */
  advance(day: number, dropped?: (kind: Kind, src: string, dst: string, day: number) => void): string[] {
    if (day <= this.#watermark) return []
    this.#watermark = day
    return this.#dropBefore(this.windowStart, dropped)
  }

  #dropBefore(start: number, dropped?: (kind: Kind, src: string, dst: string, day: number) => void): string[] {
    const names = this.#ids
    const tell = (kind: Kind) => dropped && ((src: number, dst: number, d: number) => dropped(kind, names.name(src), names.name(dst), d))
    const changed = new Set([...this.#next.dropBefore(start, tell('next')), ...this.#related.dropBefore(start, tell('related'))])
    return [...changed].map((id) => this.#ids.name(id))
  }

  *#names(): Iterable<string> {
    for (let id = 0; id < this.#ids.size; id++) if (this.#next.total(id) > 0 || this.#related.total(id) > 0) yield this.#ids.name(id)
  }

  /**
   * Takes a site's own window and top k; a shorter window drops what left it, telling `dropped`.
   * Returns the items whose rows changed (every row when `topK` changed).
   */
  configure(settings: Pick<CountOptions, 'windowDays' | 'topK'>, dropped?: (kind: Kind, src: string, dst: string, day: number) => void): string[] {
    const before = this.#options
    this.#options = { ...before, ...settings }
    const changed = settings.windowDays < before.windowDays ? this.#dropBefore(this.windowStart, dropped) : []
    return settings.topK === before.topK ? changed : [...new Set([...changed, ...this.#names()])]
  }

  /** Drops every count, telling `dropped` each cell; returns the items whose rows emptied. */
  clear(dropped?: (kind: Kind, src: string, dst: string, day: number) => void): string[] {
    return this.#dropBefore(Infinity, dropped)
  }

  /** Adds `n` to a statistic, unless the day is outside the window; with `track`, a change to drain (not when restoring). */
  add(kind: Kind, src: string, dst: string, day: number, n: number, track = false): void {
    if (day >= this.windowStart) this.#table(kind).add(this.#ids.intern(src), this.#ids.intern(dst), day, n, track)
  }

  /** Each cell of either statistic that changed since the last drain, at its count (see `EdgeTable.drainChanges`). */
  drainChanges(visit: (kind: Kind, src: string, dst: string, day: number, n: number) => void): void {
    const names = this.#ids
    for (const kind of ['next', 'related'] as const) {
      this.#table(kind).drainChanges((src, dst, day, n) => visit(kind, names.name(src), names.name(dst), day, n))
    }
  }

  /** Edges held: distinct (item, next item) pairs of both statistics. */
  edges(): number {
    return this.#next.size + this.#related.size
  }

  /** The row of `item`, or `undefined` when nothing was clicked after or near it in the window. */
  row(item: string): ModelRow | undefined {
    const id = this.#ids.find(item)
    if (id === undefined) return undefined
    const total = this.#next.total(id)
    const related = this.#related.total(id)
    if (total === 0 && related === 0) return undefined
    const row: ModelRow = { total, next: total > 0 ? this.#next.top(id, this.#options.topK) : [] }
    if (related > 0) row.related = { total: related, items: this.#related.top(id, this.#options.relatedK) }
    return row
  }

  /**
   * Rows as they were before `day` (the model before its latest day, derived from the daily
   * buckets), over the days from `validationFrom(day)`; valid until the counts change.
   */
  rowsBefore(day: number): (item: string) => ModelRow | undefined {
    const from = validationFrom(day, this.#options.windowDays)
    const next = this.#next.before(day, from)
    const related = this.#related.before(day, from)
    const { topK, relatedK } = this.#options
    return (item) => {
      const id = this.#ids.find(item)
      if (id === undefined) return undefined
      const total = next.total(id)
      const weight = related.total(id)
      if (total <= 0 && weight <= 0) return undefined
      const row: ModelRow = { total, next: total > 0 ? next.top(id, topK) : [] }
      if (weight > 0) row.related = { total: weight, items: related.top(id, relatedK) }
      return row
    }
  }

  #table(kind: Kind): EdgeTable {
    return kind === 'next' ? this.#next : this.#related
  }
}

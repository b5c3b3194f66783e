import { compareNext, type ModelRow } from '@sequitur/sdk/protocol'
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
  /** Cells of days from `#keepFrom` on that left the window while a validation still reads them: kind → src → [dst, day, n]. */
  readonly #kept = new Map<Kind, Map<string, Array<[dst: string, day: number, n: number]>>>()
  #keepFrom = Infinity

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

  /** The first day the validation of `day` reads (`validationFrom`, under this site's window). */
  validationFrom(day: number): number {
    return validationFrom(day, this.#options.windowDays)
  }

  /**
   * Keeps the cells of days from `day` on when they leave the window (out of the rows, still read by
   * `rowsBefore`) until a later call moves past them: what a pending validation reads. Cells kept
   * before and now behind `day` are let go, telling `dropped` (as when they left the window).
   */
  keepFrom(day: number, dropped?: (kind: Kind, src: string, dst: string, day: number) => void): void {
    this.#keepFrom = day
    for (const [kind, bySrc] of this.#kept) {
      for (const [src, cells] of bySrc) {
        const still = cells.filter(([dst, d]) => d >= day || (dropped?.(kind, src, dst, d), false))
        if (still.length > 0) bySrc.set(src, still)
        else bySrc.delete(src)
      }
    }
  }

  #dropBefore(start: number, dropped?: (kind: Kind, src: string, dst: string, day: number) => void): string[] {
    const names = this.#ids
    const tell = (kind: Kind) => (src: number, dst: number, d: number, n: number) => {
      if (d < this.#keepFrom) return dropped?.(kind, names.name(src), names.name(dst), d)
      let bySrc = this.#kept.get(kind)
      if (!bySrc) this.#kept.set(kind, (bySrc = new Map()))
      const from = names.name(src)
      let cells = bySrc.get(from)
      if (!cells) bySrc.set(from, (cells = []))
      cells.push([names.name(dst), d, n])
    }
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

  /** Drops every count, kept ones too, telling `dropped` each cell; returns the items whose rows emptied. */
  clear(dropped?: (kind: Kind, src: string, dst: string, day: number) => void): string[] {
    this.keepFrom(Infinity, dropped)
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
    const from = this.validationFrom(day)
    const { topK, relatedK } = this.#options
    const stat = (kind: Kind, k: number) => {
      const view = this.#table(kind).before(day, from)
      const kept = this.#kept.get(kind)
      return (item: string, id: number | undefined): { total: number; top: Array<[string, number]> } => {
        const cells = kept?.get(item)?.filter(([, d]) => d >= from && d < day)
        if (!cells?.length) return id === undefined ? { total: 0, top: [] } : { total: view.total(id), top: view.top(id, k) }
        // Cells that left the window since: summed in with the rest, then the same order and cut.
        const sums = new Map(id === undefined ? [] : view.all(id))
        let total = id === undefined ? 0 : view.total(id)
        for (const [dst, , n] of cells) (sums.set(dst, (sums.get(dst) ?? 0) + n), (total += n))
        return { total, top: [...sums].filter(([, n]) => n !== 0).sort(compareNext).slice(0, k) }
      }
    }
    const next = stat('next', topK)
    const related = stat('related', relatedK)
    return (item) => {
      const id = this.#ids.find(item)
      const n = next(item, id)
      const r = related(item, id)
      if (n.total <= 0 && r.total <= 0) return undefined
      const row: ModelRow = { total: n.total, next: n.total > 0 ? n.top : [] }
      if (r.total > 0) row.related = { total: r.total, items: r.top }
      return row
    }
  }

  #table(kind: Kind): EdgeTable {
    return kind === 'next' ? this.#next : this.#related
  }
}

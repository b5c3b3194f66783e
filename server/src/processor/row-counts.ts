import type { ModelRow } from '@sequitur/sdk/protocol'
import type { Kind } from './session-links'
import { TransitionCounts } from './transition-counts'

/** Tuning of the model. */
export interface ModelOptions {
  /** Days of event time a row reflects. */
  windowDays: number
  /** Next items kept per row. */
  topK: number
  /** Related items kept per row. */
  relatedK?: number
}

/** Default number of related items kept per row. */
export const RELATED_K = 50

/**
 * The counts behind the rows of one site: per item, `next` (exact next clicks) and `related`
 * (weighted co-occurrence), in daily buckets over a sliding window of event time.
 */
export class RowCounts {
  readonly #next = new Map<string, TransitionCounts>()
  readonly #related = new Map<string, TransitionCounts>()
  readonly #options: Required<ModelOptions>
  #watermark = -Infinity

  constructor({ relatedK = RELATED_K, ...options }: ModelOptions) {
    this.#options = { relatedK, ...options }
  }

  /** The latest day of event time seen; the window ends there. */
  get watermark(): number {
    return this.#watermark
  }

  /** The first day inside the window. */
  get windowStart(): number {
    return this.#watermark - this.#options.windowDays + 1
  }

  /**
   * Moves the window so that it ends at `day` if that is later; returns the items whose rows lost
   * counts (empty when the window did not move).
   */
  advance(day: number): string[] {
    if (day <= this.#watermark) return []
    this.#watermark = day
    const start = this.windowStart
    const changed = new Set<string>()
    for (const table of [this.#next, this.#related]) {
      for (const [src, counts] of table) {
        if (!counts.dropBefore(start)) continue
        changed.add(src)
        if (counts.total === 0) table.delete(src)
      }
    }
    return [...changed]
  }

  /** Adds `n` to a statistic; false (and nothing added) when the day is outside the window. */
  add(kind: Kind, src: string, dst: string, day: number, n: number): boolean {
    if (day < this.windowStart) return false
    const table = kind === 'next' ? this.#next : this.#related
    let counts = table.get(src)
    if (!counts) table.set(src, (counts = new TransitionCounts()))
    counts.add(dst, day, n)
    return true
  }

  /** The current value of one statistic's cell. */
  count(kind: Kind, src: string, dst: string, day: number): number {
    return (kind === 'next' ? this.#next : this.#related).get(src)?.get(dst, day) ?? 0
  }

  /** Restores the watermark without dropping anything. */
  restoreWatermark(day: number): void {
    this.#watermark = day
  }

  /** The row of `item`, or `undefined` when nothing was clicked after or near it in the window. */
  row(item: string): ModelRow | undefined {
    const next = this.#next.get(item)?.row(this.#options.topK)
    const related = this.#related.get(item)?.row(this.#options.relatedK)
    if (!next && !related) return undefined
    const row: ModelRow = next ?? { total: 0, next: [] }
    return related ? { ...row, related: { total: related.total, items: related.next } } : row
  }
}

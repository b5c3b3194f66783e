import { compareNext, type Row } from '@sequitur/sdk/protocol'

/**
 * The next-click counts of one item, in daily buckets of event time, with a running sum per next
 * item over the buckets held so that a row is read without re-adding the window.
 */
export class TransitionCounts {
  readonly #days = new Map<number, Map<string, number>>()
  readonly #sum = new Map<string, number>()
  #total = 0

  /** All transitions held, over every bucket. */
  get total(): number {
    return this.#total
  }

  /** Adds `n` transitions to `dst` on `day`. */
  add(dst: string, day: number, n = 1): void {
    let bucket = this.#days.get(day)
    if (!bucket) this.#days.set(day, (bucket = new Map()))
    bucket.set(dst, (bucket.get(dst) ?? 0) + n)
    this.#sum.set(dst, (this.#sum.get(dst) ?? 0) + n)
    this.#total += n
  }

  /** The count of `dst` on `day`. */
  get(dst: string, day: number): number {
    return this.#days.get(day)?.get(dst) ?? 0
  }

  /** Drops every bucket before `day`; tells whether anything was dropped. */
  dropBefore(day: number): boolean {
    let dropped = false
    for (const [d, bucket] of this.#days) {
      if (d >= day) continue
      for (const [dst, n] of bucket) {
        const left = this.#sum.get(dst)! - n
        if (left > 0) this.#sum.set(dst, left)
        else this.#sum.delete(dst)
        this.#total -= n
      }
      this.#days.delete(d)
      dropped = true
    }
    return dropped
  }

  /** The row: the top `k` next items by count (then id) and the total; `undefined` when empty. */
  row(k: number): Row | undefined {
    if (this.#total === 0) return undefined
    return { total: this.#total, next: topK(this.#sum, k) }
  }
}

/** The `k` largest entries of `counts`, by count descending then key ascending. */
export function topK(counts: ReadonlyMap<string, number>, k: number): Array<[string, number]> {
  const all = [...counts]
  all.sort(compareNext)
  return all.length > k ? all.slice(0, k) : all
}

import type { Clock } from './ports'

/** A clock for unit tests: time moves only when `advance()` says so. */
export class FakeClock implements Clock {
  #now: number
  #timers: Array<{ at: number; fn: () => void; seq: number }> = []
  #seq = 0

  constructor(now = 0) {
    this.#now = now
  }

  now(): number {
    return this.#now
  }

  after(ms: number, fn: () => void): () => void {
    const timer = { at: this.#now + ms, fn, seq: this.#seq++ }
    this.#timers.push(timer)
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer)
    }
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.#timers.length
  }

  /** Delay until the next timer fires, if any. */
  get nextDelay(): number | undefined {
    const next = this.#timers.reduce<number | undefined>((min, t) => (min === undefined ? t.at : Math.min(min, t.at)), undefined)
    return next === undefined ? undefined : next - this.#now
  }

  /** Moves time forward by `ms`, running every timer that falls due, in order; lets promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.#now + ms
    for (;;) {
      const due = this.#timers.filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      this.#timers = this.#timers.filter((t) => t !== due)
      this.#now = due.at
      due.fn()
      await settle()
    }
    this.#now = end
    await settle()
  }
}

/** Lets pending promise callbacks run (one real macrotask). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0))
}

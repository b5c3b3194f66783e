/** Options of a day sample. */
export interface DaySampleOptions {
  /** Sessions kept per day at most: the validation's cost does not grow with traffic. */
  maxSessions?: number
  /** Items kept per session at most. */
  maxItems?: number
}

/** The defaults of `DaySampleOptions`. */
export const DAY_SAMPLE_DEFAULTS = { maxSessions: 3000, maxItems: 50 }

/**
 * The trails of a uniform sample of one day's sessions, for the self-validation: the `maxSessions`
 * sessions with the smallest hash of their id (a bottom-k sample), so the sample does not depend on
 * arrival order and two runtimes that see the same events keep the same sessions. A new day starts
 * a new sample; the finished day's stays readable (`latest`).
 */
export class DaySample {
  readonly #max: number
  readonly #maxItems: number
  #day = -Infinity
  #current = new Map<string, { hash: number; items: string[] }>()
  /** The largest hash kept, once the sample is full (sessions hashing above it stay out). */
  #ceiling = Infinity
  #latest: { day: number; sessions: string[][] } | undefined

  constructor({ maxSessions, maxItems }: DaySampleOptions = {}) {
    this.#max = maxSessions ?? DAY_SAMPLE_DEFAULTS.maxSessions
    this.#maxItems = maxItems ?? DAY_SAMPLE_DEFAULTS.maxItems
  }

  /** Moves to `day` if it is later, finishing the current day; returns whether a day with sessions finished. */
  advance(day: number): boolean {
    if (day <= this.#day) return false
    const finished = this.#current.size > 0
    if (finished) this.#latest = { day: this.#day, sessions: [...this.#current.values()].map((s) => s.items) }
    this.#day = day
    this.#current = new Map()
    this.#ceiling = Infinity
    return finished
  }

  /** Records an item interaction of `session` on `day` (days only move forward; an older day is ignored). */
  add(session: string, item: string, day: number): void {
    this.advance(day)
    if (day < this.#day) return
    let entry = this.#current.get(session)
    if (!entry) {
      const hash = fnv1a(session)
      if (hash >= this.#ceiling) return
      this.#current.set(session, (entry = { hash, items: [] }))
      if (this.#current.size > this.#max) this.#evictLargest()
      if (!this.#current.has(session)) return
    }
    if (entry.items.length < this.#maxItems) entry.items.push(item)
  }

  /** The last finished day and its sampled sessions (item trails, in click order). */
  latest(): { day: number; sessions: string[][] } | undefined {
    return this.#latest
  }

  #evictLargest(): void {
    let largest: string | undefined
    let hash = -1
    for (const [session, entry] of this.#current) if (entry.hash > hash) [largest, hash] = [session, entry.hash]
    this.#current.delete(largest!)
    this.#ceiling = hash
  }
}

/** FNV-1a, 32 bits, of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

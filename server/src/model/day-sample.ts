/** Options of a day sample. */
export interface DaySampleOptions {
  /** Sessions kept per day at most: the validation's cost does not grow with traffic. */
  maxSessions?: number
  /** Items kept per session at most. */
  maxItems?: number
}

/** The defaults of `DaySampleOptions`. */
export const DAY_SAMPLE_DEFAULTS = { maxSessions: 3000, maxItems: 50 }

/** A finished day of a sample: its day and its sessions' trails, in the order of their hashes. */
export interface SampledDay {
  day: number
  sessions: string[][]
}

/** What a sample writes to the state: its days, and each sampled session's trail (null: gone). */
export type SampleWrite = { days: [current: number, latest: number | null] | null } | { session: string; latest: boolean; items: string[] | null }

/**
 * The trails of a uniform sample of one day's sessions, for the self-validation: the `maxSessions`
 * sessions with the smallest hash of their id (a bottom-k sample), so the sample does not depend on
 * arrival order and two runtimes that see the same events keep the same sessions. A new day starts
 * a new sample; the finished day's stays readable (`latest`), its sessions in hash order (so a
 * restored sample scores its cases in the same order). It is model state (`drain`, `restore`): a
 * restart mid-day keeps the day's sample.
 */
export class DaySample {
  readonly #max: number
  readonly #maxItems: number
  #day = -Infinity
  #current = new Map<string, { hash: number; items: string[] }>()
  /** The largest hash kept, once the sample is full (sessions hashing above it stay out). */
  #ceiling = Infinity
  /** The current sessions as a max-heap of (hash, id): the one to leave is found in O(log n). */
  #heap: Array<[hash: number, session: string]> = []
  #latest: (SampledDay & { ids: string[] }) | undefined
  /** Since the last drain: whether the days moved, current sessions that changed, the latest day's sessions replaced. */
  #daysMoved = false
  readonly #changed = new Set<string>()
  /** Sessions of the current day whose trail the state holds (one that joins and leaves between two drains is never written). */
  readonly #stored = new Set<string>()
  #replaced: string[] | undefined

  constructor({ maxSessions, maxItems }: DaySampleOptions = {}) {
    this.#max = maxSessions ?? DAY_SAMPLE_DEFAULTS.maxSessions
    this.#maxItems = maxItems ?? DAY_SAMPLE_DEFAULTS.maxItems
  }

  /** Moves to `day` if it is later, finishing the current day; returns whether a day with sessions finished. */
  advance(day: number): boolean {
    if (day <= this.#day) return false
    const finished = this.#current.size > 0
    if (finished) {
      this.#replaced ??= this.#latest?.ids ?? []
      const kept = [...this.#current].sort(([a, x], [b, y]) => x.hash - y.hash || (a < b ? -1 : 1))
      this.#latest = { day: this.#day, ids: kept.map(([id]) => id), sessions: kept.map(([, s]) => s.items) }
      for (const id of this.#current.keys()) this.#changed.add(id)
    }
    this.#day = day
    this.#daysMoved = true
    this.#current = new Map()
    this.#heap = []
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
      this.#push(hash, session)
      this.#changed.add(session)
      if (this.#current.size > this.#max) this.#evictLargest()
      if (!this.#current.has(session)) return
    }
    if (entry.items.length < this.#maxItems) {
      entry.items.push(item)
      this.#changed.add(session)
    }
  }

  /** The last finished day and its sampled sessions (item trails, in click order). */
  latest(): SampledDay | undefined {
    return this.#latest && { day: this.#latest.day, sessions: this.#latest.sessions }
  }

  /** What changed since the last drain; `all` writes everything (to delete the sample: as nulls). */
  drain(write: (w: SampleWrite) => void, { all = false, deleted = false }: { all?: boolean; deleted?: boolean } = {}): void {
    if (this.#daysMoved || all) write({ days: deleted ? null : [this.#day, this.#latest?.day ?? null] })
    const latest = this.#latest
    if (this.#replaced || all) {
      const now = new Set(latest?.ids)
      for (const id of this.#replaced ?? []) if (!now.has(id)) write({ session: id, latest: true, items: null })
      latest?.ids.forEach((id, i) => write({ session: id, latest: true, items: deleted ? null : latest.sessions[i]! }))
    }
    for (const id of all ? new Set([...this.#changed, ...this.#current.keys(), ...this.#stored]) : this.#changed) {
      const items = deleted ? undefined : this.#current.get(id)?.items
      if (items) this.#stored.add(id)
      else if (!this.#stored.delete(id)) continue
      write({ session: id, latest: false, items: items ?? null })
    }
    this.#daysMoved = false
    this.#changed.clear()
    this.#replaced = undefined
  }

  /** Puts back what `drain` wrote (in any order). */
  restore(w: SampleWrite): void {
    if ('days' in w) {
      if (!w.days) return
      this.#day = w.days[0]
      if (w.days[1] !== null) this.#latest = { day: w.days[1], ids: this.#latest?.ids ?? [], sessions: this.#latest?.sessions ?? [] }
    } else if (w.items && w.latest) {
      this.#latest ??= { day: -Infinity, ids: [], sessions: [] }
      this.#latest.ids.push(w.session)
      this.#latest.sessions.push(w.items)
    } else if (w.items) {
      const hash = fnv1a(w.session)
      this.#current.set(w.session, { hash, items: w.items })
      this.#push(hash, w.session)
      this.#stored.add(w.session)
    }
  }

  /** Completes a restore: the latest day's sessions back in hash order. */
  restored(): void {
    const latest = this.#latest
    if (!latest) return
    const order = latest.ids.map((id, i) => [id, fnv1a(id), latest.sessions[i]!] as const).sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1))
    this.#latest = { day: latest.day, ids: order.map(([id]) => id), sessions: order.map(([, , s]) => s) }
  }

  /** The session of the largest (hash, id) leaves: which one does not depend on arrival order, ties included. */
  #evictLargest(): void {
    const heap = this.#heap
    const [hash, largest] = heap[0]!
    const last = heap.pop()!
    if (heap.length > 0) {
      heap[0] = last
      for (let i = 0; ; ) {
        const l = 2 * i + 1
        const m = l + 1 < heap.length && above(heap[l + 1]!, heap[l]!) ? l + 1 : l
        if (m >= heap.length || !above(heap[m]!, heap[i]!)) break
        ;[heap[i], heap[m]] = [heap[m]!, heap[i]!]
        i = m
      }
    }
    this.#current.delete(largest)
    this.#changed.add(largest)
    this.#ceiling = hash
  }

  #push(hash: number, session: string): void {
    const heap = this.#heap
    heap.push([hash, session])
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1
      if (!above(heap[i]!, heap[parent]!)) break
      ;[heap[i], heap[parent]] = [heap[parent]!, heap[i]!]
      i = parent
    }
  }
}

/** Whether (hash, id) `a` comes after `b`. */
const above = (a: readonly [number, string], b: readonly [number, string]): boolean => a[0] > b[0] || (a[0] === b[0] && a[1] > b[1])

/** FNV-1a, 32 bits, of a string's UTF-16 code units. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

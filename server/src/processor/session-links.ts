import { DAY_MS } from '../clock'

/** The two statistics a row holds. */
export type Kind = 'next' | 'related'

/** One weighted increment of a row. */
export interface Increment {
  kind: Kind
  src: string
  dst: string
  day: number
  n: number
}

/** The latest items a session interacted with, most recent last. */
export interface SessionPoint {
  items: string[]
  ts: number
}

/** Co-occurrence weights by distance (1, 2, 3 steps): later items 30/d, earlier ones a fifth of that. */
export const FORWARD_WEIGHTS = [30, 15, 10] as const
export const BACKWARD_WEIGHTS = [6, 3, 2] as const

const NO_ITEMS: readonly string[] = []

/**
 * Calls `visit` with each increment an interaction with `item` links, after the session's `previous`
 * items (most recent last): the transition from the last one (`next`) and the co-occurrence with the
 * last three (`related`, both ways). Increments of one source come one after another.
 */
export function forEachLink(previous: readonly string[], item: string, visit: (src: string, kind: Kind, dst: string, n: number) => void): void {
  for (let d = 1; d <= previous.length; d++) {
    const before = previous[previous.length - d]!
    if (d === 1) visit(before, 'next', item, 1)
    visit(before, 'related', item, FORWARD_WEIGHTS[d - 1]!)
  }
  for (let d = 1; d <= previous.length; d++) visit(item, 'related', previous[previous.length - d]!, BACKWARD_WEIGHTS[d - 1]!)
}

/**
 * Follows sessions (their last items) and turns each interaction into the increments it links
 * (`forEachLink`). A session idle for a whole day of event time is over.
 */
export class SessionLinks {
  readonly #sessions = new Map<string, SessionPoint>()
  #watermark = -Infinity

  /** Sessions whose last interaction is before this time are over: the start of the day before the latest. */
  get idleBefore(): number {
    return (this.#watermark - 1) * DAY_MS
  }

  /** The latest day of event time seen. */
  get watermark(): number {
    return this.#watermark
  }

  /** Moves event time forward to `day`, ending idle sessions; returns the sessions it ended. */
  advance(day: number): string[] {
    if (day <= this.#watermark) return []
    this.#watermark = day
    const idleBefore = this.idleBefore
    const ended: string[] = []
    for (const [session, point] of this.#sessions) if (point.ts < idleBefore) ended.push(session)
    for (const session of ended) this.#sessions.delete(session)
    return ended
  }

  /** Records that `session` interacted with `item` at `ts` (on `day`); returns the increments it links. */
  observe(session: string, item: string, ts: number, day: number): Increment[] {
    const out: Increment[] = []
    forEachLink(this.step(session, item, ts), item, (src, kind, dst, n) => out.push({ kind, src, dst, day, n }))
    return out
  }

  /** Records that `session` interacted with `item` at `ts`; returns its items before (most recent last). */
  step(session: string, item: string, ts: number): readonly string[] {
    const point = this.#sessions.get(session)
    if (!point) {
      this.#sessions.set(session, { items: [item], ts })
      return NO_ITEMS
    }
    const previous = point.items
    point.items = previous.length < FORWARD_WEIGHTS.length ? [...previous, item] : [...previous.slice(1 - FORWARD_WEIGHTS.length), item]
    point.ts = ts
    return previous
  }

  /**
   * Records that `session` was active at `ts` without an item (an impression): a session that only
   * ever sees impressions ends, as any other, once idle.
   */
  touch(session: string, ts: number): void {
    const point = this.#sessions.get(session)
    if (point) point.ts = ts
    else this.#sessions.set(session, { items: [], ts })
  }

  /** A session's latest items. */
  get(session: string): SessionPoint | undefined {
    return this.#sessions.get(session)
  }

  /** Restores a session's latest items. */
  restore(session: string, point: SessionPoint): void {
    this.#sessions.set(session, point)
  }
}

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

/**
 * Follows sessions and turns each interaction into the increments it links: the transition from the
 * session's previous item (`next`) and the co-occurrence with its last three (`related`). A session
 * idle for a whole day of event time is over.
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
    const previous = this.#sessions.get(session)?.items ?? []
    this.#sessions.set(session, { items: [...previous.slice(-(FORWARD_WEIGHTS.length - 1)), item], ts })
    if (previous.length === 0) return []
    const out: Increment[] = [{ kind: 'next', src: previous[previous.length - 1]!, dst: item, day, n: 1 }]
    for (let d = 1; d <= previous.length; d++) {
      const before = previous[previous.length - d]!
      out.push({ kind: 'related', src: before, dst: item, day, n: FORWARD_WEIGHTS[d - 1]! })
      out.push({ kind: 'related', src: item, dst: before, day, n: BACKWARD_WEIGHTS[d - 1]! })
    }
    return out
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

import type { Increments } from './increments'
import { sessionsIdleBefore } from './rules'

/** The two statistics a row holds. */
export type Kind = 'next' | 'related'

/** The latest items a session interacted with, most recent last, and when it last did. */
export interface SessionPoint {
  items: string[]
  ts: number
}

/** Co-occurrence weights by distance (1, 2, 3 steps): later items 30/d, earlier ones a fifth of that. */
export const FORWARD_WEIGHTS = [30, 15, 10] as const
export const BACKWARD_WEIGHTS = [6, 3, 2] as const

const NO_ITEMS: readonly string[] = []

/**
 * Tells `out` what an interaction with `item` at `time` (on `day`) links, after the session's
 * `previous` items (most recent last): the transition from the last one (`next`) and the
 * co-occurrence with the last three (`related`, both ways), each source's row before its cells.
 */
export function link(previous: readonly string[], item: string, site: string, time: number, day: number, out: Increments): void {
  for (let d = 1; d <= previous.length; d++) {
    out.row(site, previous[previous.length - d]!, time)
    if (d === 1) out.cell('next', item, day, 1)
    out.cell('related', item, day, FORWARD_WEIGHTS[d - 1]!)
  }
  if (previous.length > 0) out.row(site, item, time)
  for (let d = 1; d <= previous.length; d++) out.cell('related', previous[previous.length - d]!, day, BACKWARD_WEIGHTS[d - 1]!)
}

/** The sessions of one site: each one's last items, until it is idle (`sessionsIdleBefore`). */
export class SessionLinks {
  readonly #sessions = new Map<string, SessionPoint>()

  /** Ends the sessions idle on `day`; returns them. */
  endIdle(day: number): string[] {
    const idleBefore = sessionsIdleBefore(day)
    const ended: string[] = []
    for (const [session, point] of this.#sessions) if (point.ts < idleBefore) ended.push(session)
    for (const session of ended) this.#sessions.delete(session)
    return ended
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
    point.ts = Math.max(point.ts, ts)
    return previous
  }

  /** The sessions held. */
  sessions(): Iterable<string> {
    return this.#sessions.keys()
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

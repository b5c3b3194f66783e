import type { Row } from '@sequitur/sdk/protocol'
import { TransitionCounts } from './transition-counts'

/** Tuning of the next-click model. */
export interface ModelOptions {
  /** Days of event time a row reflects. */
  windowDays: number
  /** Next items kept per row. */
  topK: number
}

/** One counted transition. */
export interface Transition {
  src: string
  dst: string
  day: number
}

/** The last item a session interacted with. */
export interface SessionPoint {
  item: string
  ts: number
}

/**
 * The next-click model of one site: per item, the counts of what sessions clicked right after it,
 * over a sliding window of days of event time. Pure and in memory; persistence is the caller's.
 */
export class SiteModel {
  readonly #counts = new Map<string, TransitionCounts>()
  readonly #sessions = new Map<string, SessionPoint>()
  readonly #options: ModelOptions
  #watermark = -Infinity

  constructor(options: ModelOptions) {
    this.#options = options
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
    const changed: string[] = []
    for (const [src, counts] of this.#counts) {
      if (!counts.dropBefore(start)) continue
      changed.push(src)
      if (counts.total === 0) this.#counts.delete(src)
    }
    return changed
  }

  /**
   * Records that `session` interacted with `item` at `ts`; returns the transition it counted,
   * if the session had a previous item and the day is inside the window.
   */
  observe(session: string, item: string, ts: number, day: number): Transition | undefined {
    const previous = this.#sessions.get(session)
    this.#sessions.set(session, { item, ts })
    if (!previous || day < this.windowStart) return undefined
    this.add(previous.item, item, day, 1)
    return { src: previous.item, dst: item, day }
  }

  /** Adds `n` transitions from `src` to `dst` on `day` (also used to restore persisted counts). */
  add(src: string, dst: string, day: number, n: number): void {
    let counts = this.#counts.get(src)
    if (!counts) this.#counts.set(src, (counts = new TransitionCounts()))
    counts.add(dst, day, n)
  }

  /** Restores a session's last item. */
  restoreSession(session: string, point: SessionPoint): void {
    this.#sessions.set(session, point)
  }

  /** Restores the watermark without dropping anything. */
  restoreWatermark(day: number): void {
    this.#watermark = day
  }

  /** Forgets sessions idle since before `ts`; returns their ids. */
  forgetSessionsBefore(ts: number): string[] {
    const gone: string[] = []
    for (const [session, point] of this.#sessions) if (point.ts < ts) gone.push(session)
    for (const session of gone) this.#sessions.delete(session)
    return gone
  }

  /** The row of `item`, or `undefined` when nothing was clicked after it in the window. */
  row(item: string): Row | undefined {
    return this.#counts.get(item)?.row(this.#options.topK)
  }
}

import type { ModelRow } from '@sequitur/sdk/protocol'
import { DAY_MS } from '../clock'
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

/** Default number of related items kept per row. */
export const RELATED_K = 50

/**
 * The model of one site: per item, what sessions clicked right after it (`next`, exact counts) and
 * what they clicked near it (`related`, weighted by distance), over a sliding window of days of event
 * time. Pure and in memory; persistence is the caller's.
 */
export class SiteModel {
  readonly #next = new Map<string, TransitionCounts>()
  readonly #related = new Map<string, TransitionCounts>()
  readonly #sessions = new Map<string, SessionPoint>()
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
   * A session idle since before this time is over: its items no longer link to anything. Moves with
   * the watermark: the start of the day before it.
   */
  get sessionsIdleBefore(): number {
    return (this.#watermark - 1) * DAY_MS
  }

  /**
   * Moves the window so that it ends at `day` if that is later, and forgets sessions idle for a day;
   * returns the items whose rows lost counts (empty when the window did not move).
   */
  advance(day: number): string[] {
    if (day <= this.#watermark) return []
    this.#watermark = day
    const idleBefore = this.sessionsIdleBefore
    for (const [session, point] of this.#sessions) if (point.ts < idleBefore) this.#sessions.delete(session)
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

  /**
   * Records that `session` interacted with `item` at `ts` and counts what that links: the transition
   * from the session's previous item, and the co-occurrence with its last three. Returns the
   * increments (none when the day is outside the window).
   */
  observe(session: string, item: string, ts: number, day: number): Increment[] {
    const previous = this.#sessions.get(session)?.items ?? []
    this.#sessions.set(session, { items: [...previous.slice(-(FORWARD_WEIGHTS.length - 1)), item], ts })
    if (previous.length === 0 || day < this.windowStart) return []
    const out: Increment[] = [{ kind: 'next', src: previous[previous.length - 1]!, dst: item, day, n: 1 }]
    for (let d = 1; d <= previous.length; d++) {
      const before = previous[previous.length - d]!
      out.push({ kind: 'related', src: before, dst: item, day, n: FORWARD_WEIGHTS[d - 1]! })
      out.push({ kind: 'related', src: item, dst: before, day, n: BACKWARD_WEIGHTS[d - 1]! })
    }
    for (const i of out) this.add(i.kind, i.src, i.dst, i.day, i.n)
    return out
  }

  /** Adds `n` to a statistic (also used to restore persisted counts). */
  add(kind: Kind, src: string, dst: string, day: number, n: number): void {
    const table = kind === 'next' ? this.#next : this.#related
    let counts = table.get(src)
    if (!counts) table.set(src, (counts = new TransitionCounts()))
    counts.add(dst, day, n)
  }

  /** A session's latest items. */
  session(session: string): SessionPoint | undefined {
    return this.#sessions.get(session)
  }

  /** Restores a session's latest items. */
  restoreSession(session: string, point: SessionPoint): void {
    this.#sessions.set(session, point)
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

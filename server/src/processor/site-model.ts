import type { ModelRow } from '@sequitur/sdk/protocol'
import { RowCounts, type ModelOptions } from './row-counts'
import { SessionLinks, type Increment, type Kind, type SessionPoint } from './session-links'

export { RELATED_K, type ModelOptions } from './row-counts'
export { BACKWARD_WEIGHTS, FORWARD_WEIGHTS, type Increment, type Kind, type SessionPoint } from './session-links'

/**
 * The model of one site in one place: sessions linking their interactions, and the row counts those
 * links feed. The embedded processor and the offline evaluation use it; Kafka mode runs the two
 * halves in separate stages. Pure and in memory; persistence is the caller's.
 */
export class SiteModel {
  readonly #links = new SessionLinks()
  readonly #counts: RowCounts

  constructor(options: ModelOptions) {
    this.#counts = new RowCounts(options)
  }

  /** The latest day of event time seen; the window ends there. */
  get watermark(): number {
    return this.#counts.watermark
  }

  /** The first day inside the window. */
  get windowStart(): number {
    return this.#counts.windowStart
  }

  /** Sessions idle since before this time are over. */
  get sessionsIdleBefore(): number {
    return this.#links.idleBefore
  }

  /**
   * Moves the window so that it ends at `day` if that is later, and ends sessions idle for a day;
   * returns the items whose rows lost counts.
   */
  advance(day: number): string[] {
    this.#links.advance(day)
    return this.#counts.advance(day)
  }

  /** Records an interaction and counts what it links; returns the increments counted. */
  observe(session: string, item: string, ts: number, day: number): Increment[] {
    const increments = this.#links.observe(session, item, ts, day)
    if (day < this.windowStart) return []
    for (const i of increments) this.#counts.add(i.kind, i.src, i.dst, i.day, i.n)
    return increments
  }

  /** Puts back a persisted count (not a change to drain). */
  restore(kind: Kind, src: string, dst: string, day: number, n: number): void {
    this.#counts.restore(kind, src, dst, day, n)
  }

  /** What was added to the counts since the last drain, with `trackChanges` (see `RowCounts.drainChanges`). */
  drainChanges(visit: (kind: Kind, src: string, dst: string, day: number, n: number) => void): void {
    this.#counts.drainChanges(visit)
  }

  /** A session's latest items. */
  session(session: string): SessionPoint | undefined {
    return this.#links.get(session)
  }

  /** Restores a session's latest items. */
  restoreSession(session: string, point: SessionPoint): void {
    this.#links.restore(session, point)
  }

  /** Restores the watermark without dropping anything. */
  restoreWatermark(day: number): void {
    this.#counts.restoreWatermark(day)
    this.#links.advance(day)
  }

  /** The row of `item`, or `undefined` when nothing was clicked after or near it in the window. */
  row(item: string): ModelRow | undefined {
    return this.#counts.row(item)
  }
}

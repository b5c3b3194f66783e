import type { Event, ModelRow } from '@sequitur/sdk/protocol'
import type { DailyProfile } from '../profiles/daily-profile'
import { CountStage, type CountStageOptions } from './count-stage'
import { modelOptions, type ModelOptions } from './rules'
import { SessionStage, type Outcome } from './session-stage'
import type { StateEntry } from './state-codec'
import type { TrendingItem } from './take-rates'

/** Options of a whole model in one place. */
export interface ModelSetup extends CountStageOptions {
  /** Drop repeated event ids here (for a log that does not refuse them). */
  dedupe?: boolean
}

/**
 * Both stages of the model in one place, the session stage calling the count stage directly: what
 * embedded mode runs behind its log and what the offline evaluation builds. Kafka mode runs the same
 * two stages with the increments topic between them.
 */
export class Model {
  readonly options: ModelOptions
  readonly #sessions: SessionStage
  readonly #counts: CountStage

  constructor(options: Partial<ModelOptions> = {}, { dedupe, ...setup }: ModelSetup = {}) {
    this.options = modelOptions(options)
    this.#sessions = new SessionStage(this.options, { dedupe })
    this.#counts = new CountStage(this.options, setup)
  }

  /** Applies one event the log received at `receivedAt`. */
  observe(site: string, event: Event, receivedAt: number): Outcome {
    return this.#sessions.observe(site, event, receivedAt, this.#counts)
  }

  /** The row of `item` (with attributes), or null when empty. */
  row(site: string, item: string): ModelRow | null {
    return this.#counts.rowOf(site, item)
  }

  /** Rows changed since the last call, per site (item → latest event time behind the change). */
  drainRows(): Map<string, Map<string, number>> {
    return this.#counts.drainRows()
  }

  /** Trending items of a site. */
  trending(site: string, limit: number): TrendingItem[] {
    return this.#counts.trending(site, limit)
  }

  /** Clicks per item in the site's last 10 minutes. */
  recent(site: string): Record<string, number> {
    return this.#counts.recent(site)
  }

  /** Every day of a user's profile, oldest first. */
  daily(site: string, user: string): Array<{ day: number; profile: DailyProfile }> {
    return this.#counts.daily(site, user)
  }

  /** A site's event time. */
  time(site: string): number {
    return this.#sessions.time(site)
  }

  /** Both stages' state written since the last drain. */
  drainState(write: (entry: StateEntry) => void): void {
    this.#sessions.drainState(write)
    this.#counts.drainState(write)
  }

  /** Puts back a stored entry. */
  restore(entry: StateEntry): void {
    this.#sessions.restore(entry)
    this.#counts.restore(entry)
  }

  /** Completes a restore. */
  restored(): void {
    this.#sessions.restored()
    this.#counts.restored()
  }
}

import type { Event } from '@sequitur/sdk/protocol'
import { CountStage, type CountStageOptions } from './count-stage'
import { modelOptions, type ModelOptions, type SiteSettings } from './rules'
import { SessionStage, type Outcome } from './session-stage'
import type { StateEntry } from './state-codec'

/** Options of a whole model in one place. */
export interface ModelSetup extends CountStageOptions {
  /** Drop repeated event ids here (for a log that does not refuse them). */
  dedupe?: boolean
}

/**
 * Both stages of the model in one place, the session stage calling the count stage directly: what
 * embedded mode runs behind its log and what the offline evaluation builds. Kafka mode runs the same
 * two stages with the increments topic between them. Rows, trending and profiles are read from `counts`.
 */
export class Model {
  readonly sessions: SessionStage
  readonly counts: CountStage

  constructor(options: Partial<ModelOptions> = {}, { dedupe, ...setup }: ModelSetup = {}) {
    const o = modelOptions(options)
    this.sessions = new SessionStage(o, { dedupe })
    this.counts = new CountStage(o, setup)
  }

  /** Applies one event the log received at `receivedAt`. */
  observe(site: string, event: Event, receivedAt: number): Outcome {
    return this.sessions.observe(site, event, receivedAt, this.counts)
  }

  /** Takes a site's settings from the registry, or (`null`) forgets a removed site. */
  configure(site: string, settings: SiteSettings | null): void {
    this.sessions.configure(site, settings, this.counts)
  }

  /** Both stages' state written since the last drain. */
  drainState(write: (entry: StateEntry) => void): void {
    this.sessions.drainState(write)
    this.counts.drainState(write)
  }

  /** Puts back a stored entry. */
  restore(entry: StateEntry): void {
    this.sessions.restore(entry)
    this.counts.restore(entry)
  }

  /** Completes a restore. */
  restored(): void {
    this.counts.restored()
  }
}

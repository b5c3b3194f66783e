import type { Event } from '@sequitur/sdk/protocol'
import { CountStage, type CountStageOptions } from './count-stage'
import type { DaySampleOptions } from './day-sample'
import { modelOptions, type ModelOptions, type SiteSettings } from './rules'
import { SessionStage, type Outcome } from './session-stage'
import type { StateEntry } from './state-codec'
import { validate, type Validation, type ValidateOptions } from './validate'

/** Options of a whole model in one place. */
export interface ModelSetup extends CountStageOptions {
  /** Drop repeated event ids here (for a log that does not refuse them). */
  dedupe?: boolean
  /** Validate each site's parameters when its event time starts a new day (and on `validate`); off by default. */
  validation?: (ValidateOptions & DaySampleOptions) | false
}

/** A site's self-validation: what `validate` found, on which day of event time. */
export interface SiteValidation extends Validation {
  /** The day (days since the epoch) whose sessions were scored. */
  day: number
}

/**
 * Both stages of the model in one place, the session stage calling the count stage directly: what
 * embedded mode runs behind its log and what the offline evaluation builds. Kafka mode runs the same
 * two stages with the increments topic between them. Rows, trending and profiles are read from `counts`.
 */
export class Model {
  readonly sessions: SessionStage
  readonly counts: CountStage
  readonly #validation: (ValidateOptions & DaySampleOptions) | false
  readonly #validations = new Map<string, SiteValidation>()
  /** Validations (or removals: null) not yet written to the state. */
  readonly #moved = new Map<string, SiteValidation | null>()

  constructor(options: Partial<ModelOptions> = {}, { dedupe, validation = false, ...setup }: ModelSetup = {}) {
    const o = modelOptions(options)
    // The session stage keeps each day's sample and says when a day finished; the counts are then as before it.
    this.sessions = new SessionStage(o, { dedupe, sample: validation, onDayFinished: (site) => this.validate(site) })
    this.counts = new CountStage(o, setup)
    this.#validation = validation
  }

  /** Applies one event the log received at `receivedAt`. */
  observe(site: string, event: Event, receivedAt: number): Outcome {
    return this.sessions.observe(site, event, receivedAt, this.counts)
  }

  /**
   * Validates a site now: its last finished day's sampled sessions against its rows as they were
   * before that day (`validate`); keeps and returns the result (`undefined` before a day finished).
   */
  validate(site: string): SiteValidation | undefined {
    const latest = this.sessions.latestSample(site)
    if (!latest || !this.#validation) return undefined
    const result = { day: latest.day, ...validate(this.counts.rowsBefore(site, latest.day), latest.sessions, this.#validation) }
    this.#validations.set(site, result)
    this.#moved.set(site, result)
    return result
  }

  /** Every site's latest validation. */
  validations(): IterableIterator<[string, SiteValidation]> {
    return this.#validations.entries()
  }

  /** The site's latest validation, if any. */
  validation(site: string): SiteValidation | undefined {
    return this.#validations.get(site)
  }

  /** Takes a site's settings from the registry, or (`null`) forgets a removed site. */
  configure(site: string, settings: SiteSettings | null): void {
    if (!settings) {
      if (this.#validations.delete(site)) this.#moved.set(site, null)
    }
    this.sessions.configure(site, settings, this.counts)
  }

  /** Both stages' state written since the last drain. */
  drainState(write: (entry: StateEntry) => void): void {
    this.sessions.drainState(write)
    this.counts.drainState(write)
    for (const [site, validation] of this.#moved) write({ kind: 'validation', site, validation })
    this.#moved.clear()
  }

  /** Puts back a stored entry. */
  restore(entry: StateEntry): void {
    if (entry.kind === 'validation' && entry.validation) this.#validations.set(entry.site, entry.validation)
    this.sessions.restore(entry)
    this.counts.restore(entry)
  }

  /** Completes a restore. */
  restored(): void {
    this.sessions.restored()
    this.counts.restored()
  }
}

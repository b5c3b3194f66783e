import { DAY_MS, dayOf } from '../clock'

/*
 * The model's rules, each stated once (README "The model's rules"). Both runtimes run them through
 * the two stages of the core (`session-stage.ts`, `count-stage.ts`); nothing else decides what counts
 * or when.
 */

/** Tuning of the model; every runtime takes the same. */
export interface ModelOptions {
  /** Days of event time a row (and a daily profile) lives. */
  windowDays: number
  /** Next items kept per row. */
  topK: number
  /** Related items kept per row. */
  relatedK: number
  /** Length of a trending epoch (event-time window), ms. */
  epochMs: number
  /** How late an impression or click may come after its epoch ended (in the site's event time), ms. */
  latenessMs: number
  /** Epochs, up to the site's current one, that trending ranks over. */
  horizonEpochs: number
  /** Weight of the site-wide take rate in each item's smoothed rate (in impressions). */
  prior: number
  /** Days an event id is remembered after the log received it: a repeated id within them counts once. */
  dedupeDays: number
}

/** The defaults, as the README states them. */
export const DEFAULT_MODEL_OPTIONS: Readonly<ModelOptions> = {
  windowDays: 60,
  topK: 20,
  relatedK: 50,
  epochMs: 30 * 60_000,
  latenessMs: 5 * 60_000,
  horizonEpochs: 4,
  prior: 10,
  dedupeDays: 7,
}

/** What a site may set for itself (the site registry's settings); the rest of `ModelOptions` is the deployment's. */
export type SiteSettings = Pick<ModelOptions, 'windowDays' | 'topK'>

/** Options with the defaults filled in. */
export const modelOptions = (options: Partial<ModelOptions> = {}): ModelOptions => ({ ...DEFAULT_MODEL_OPTIONS, ...options })

/**
 * How far an event's time may run ahead of the moment the log received it. A client's clock may be
 * wrong; one event stamped a day ahead must not move the site's event time, or every other event of
 * the day would be late (trending) or idle (sessions). Later stamps count as this far ahead.
 */
export const MAX_AHEAD_MS = 5 * 60_000

/** The time the model gives an event: its own, but at most `MAX_AHEAD_MS` after the log received it. */
export const eventTime = (ts: number, receivedAt: number): number => Math.min(ts, receivedAt + MAX_AHEAD_MS)

/** The first day inside the window that ends on `day`. */
export const windowStart = (day: number, windowDays: number): number => day - windowDays + 1

/**
 * A session is over once the site's event time reaches the second day after its last interaction
 * (an item event; impressions do not keep a session alive): sessions last seen before this time end.
 */
export const sessionsIdleBefore = (day: number): number => (day - 1) * DAY_MS

/** An impression or click is late when the site's event time passed its epoch's end by more than the lateness. */
export const isLate = (time: number, siteTime: number, { epochMs, latenessMs }: Pick<ModelOptions, 'epochMs' | 'latenessMs'>): boolean =>
  siteTime >= (Math.floor(time / epochMs) + 1) * epochMs + latenessMs

/** The first receive day whose event ids are still remembered, when the log last received on `day`. */
export const dedupeFrom = (receivedAt: number, { dedupeDays }: Pick<ModelOptions, 'dedupeDays'>): number => dayOf(receivedAt) - dedupeDays

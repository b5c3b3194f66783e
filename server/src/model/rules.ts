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
 * The daily bucket an interaction of `day` counts into when its site's event time is on `siteDay`:
 * its own, but never before the day before the site's. So once a site enters day D + 1 no bucket
 * before D changes, and the model as it was before D stays answerable through that day (what the
 * self-validation reads, in Kafka mode in two rounds). A late interaction expires a little later;
 * the rows' sums over the window are the same.
 */
export const countDay = (day: number, siteDay: number): number => Math.max(day, siteDay - 1)

/**
 * The first day the self-validation of `day` reads: the rows before `day` from this day on, the days
 * still inside the window once the next day began (so the same buckets whenever it is read that day).
 */
export const validationFrom = (day: number, windowDays: number): number => windowStart(day + 1, windowDays)

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

/** The current time in ms since the epoch; injected so tests control time. */
export type Clock = () => number

/** The system clock. */
export const systemClock: Clock = () => Date.now()

/** Milliseconds in a day; daily buckets are `Math.floor(ts / DAY_MS)`. */
export const DAY_MS = 86_400_000

/** The UTC day number of a timestamp. */
export const dayOf = (ts: number): number => Math.floor(ts / DAY_MS)

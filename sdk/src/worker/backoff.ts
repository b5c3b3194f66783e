/** Tuning of the retry delay. */
export interface BackoffOptions {
  /** Delay ceiling of the first retry, in ms. */
  base?: number
  /** Largest exponential delay, in ms. */
  cap?: number
  /** Longest `Retry-After` honoured, in ms: guards against absurd values. */
  maxRetryAfter?: number
  /** Source of jitter in [0, 1). */
  random?: () => number
}

/**
 * How long to wait before retry number `attempt` (1, 2, ...): exponential with "equal jitter"
 * (half fixed, half random, so delays still grow), capped; never shorter than the server's `Retry-After`,
 * to which a random spread of up to half the current ceiling is added.
 */
export function backoffDelay(attempt: number, retryAfter: number | undefined, options: BackoffOptions = {}): number {
  const { base = 500, cap = 30_000, maxRetryAfter = 300_000, random = Math.random } = options
  const ceiling = Math.min(cap, base * 2 ** Math.max(0, attempt - 1))
  const jittered = ceiling / 2 + (random() * ceiling) / 2
  if (retryAfter === undefined) return jittered
  // A spread on top of Retry-After: clients told the same moment must not all come back at it.
  return Math.max(jittered, Math.min(retryAfter, maxRetryAfter) + (random() * ceiling) / 2)
}

/** Reads a `Retry-After` header (seconds or an HTTP date) as ms from `now`; undefined when absent or invalid. */
export function parseRetryAfter(header: string | null | undefined, now: number): number | undefined {
  if (!header?.trim()) return undefined
  const seconds = Number(header)
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined
  const date = Date.parse(header)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

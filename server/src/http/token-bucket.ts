/** What one key's bucket may hold and how fast it refills. */
export interface BucketLimit {
  /** Tokens added per second; `null` = unlimited (every take succeeds, nothing is kept). */
  perSecond: number | null
  /** Capacity: tokens the key may spend at once. */
  burst: number
}

/** The answer of a take: admitted, or refused with how long to wait. */
export type TakeResult = { ok: true } | { ok: false; retryAfterSeconds: number }

/** Options of `new TokenBuckets()`. */
export interface TokenBucketsOptions {
  /** The limit of a key, read at every take (so a changed quota applies at once); `undefined` = unlimited. */
  limitOf: (key: string) => BucketLimit | undefined
  /** Most buckets kept; past it the least recently used is forgotten. */
  maxKeys?: number
  /** Longest `retryAfterSeconds` answered. */
  maxRetryAfterSeconds?: number
}

interface Bucket {
  tokens: number
  /** When `tokens` was last brought up to date (ms). */
  at: number
}

const OK: TakeResult = { ok: true }

/**
 * Token buckets per key (a site, a client address): a bucket starts full, refills at `perSecond`
 * up to `burst`, and a take of `cost` tokens succeeds when the bucket holds them. A cost above `burst`
 * can never be held: it succeeds once the bucket is full and leaves it in debt (negative), so the
 * key's sustained rate still never exceeds `perSecond`. Memory is bounded: a bucket that has refilled
 * to full is the same as none and is forgotten (the two oldest are checked at each take), and past
 * `maxKeys` the least recently used bucket is dropped, so a flood of distinct keys cannot grow it.
 */
export class TokenBuckets {
  readonly #limitOf: (key: string) => BucketLimit | undefined
  readonly #maxKeys: number
  readonly #maxRetryAfter: number
  /** In order of last use, oldest first (a take moves its key to the end). */
  readonly #buckets = new Map<string, Bucket>()

  constructor({ limitOf, maxKeys = 100_000, maxRetryAfterSeconds = 3600 }: TokenBucketsOptions) {
    this.#limitOf = limitOf
    this.#maxKeys = maxKeys
    this.#maxRetryAfter = maxRetryAfterSeconds
  }

  /** Takes `cost` tokens from `key`'s bucket at time `now` (ms), or says how long until it could. */
  take(key: string, cost: number, now: number): TakeResult {
    return this.#attempt(key, cost, now, true)
  }

  /** Whether `take(key, cost, now)` would succeed, without taking anything. */
  check(key: string, cost: number, now: number): TakeResult {
    return this.#attempt(key, cost, now, false)
  }

  /** Gives back `n` tokens a take spent (e.g. a reservation that was not needed). */
  refund(key: string, n: number, now: number): void {
    const limit = this.#limitOf(key)
    const bucket = this.#buckets.get(key)
    if (!limit || limit.perSecond === null || !bucket) return
    this.#put(key, { tokens: Math.min(limit.burst, refilled(bucket, limit, now) + n), at: now })
  }

  /** Buckets currently kept. */
  get size(): number {
    return this.#buckets.size
  }

  #attempt(key: string, cost: number, now: number, spend: boolean): TakeResult {
    this.#forgetIdle(now)
    const limit = this.#limitOf(key)
    if (!limit || limit.perSecond === null) {
      this.#buckets.delete(key)
      return OK
    }
    const { perSecond, burst } = limit
    const bucket = this.#buckets.get(key)
    const tokens = bucket ? refilled(bucket, limit, now) : burst
    // A cost above the capacity needs a full bucket (it could never be held otherwise).
    const needed = Math.min(cost, burst)
    if (tokens >= needed) {
      if (spend) this.#put(key, { tokens: tokens - cost, at: now })
      return OK
    }
    const seconds = perSecond > 0 ? (needed - tokens) / perSecond : Infinity
    return { ok: false, retryAfterSeconds: Math.min(this.#maxRetryAfter, Math.max(1, Math.ceil(seconds))) }
  }

  #put(key: string, bucket: Bucket): void {
    this.#buckets.delete(key)
    if (this.#buckets.size >= this.#maxKeys) this.#buckets.delete(this.#buckets.keys().next().value!)
    this.#buckets.set(key, bucket)
  }

  /** Drops the oldest buckets that have refilled to full: forgetting them changes no answer. */
  #forgetIdle(now: number): void {
    for (let i = 0; i < 2; i++) {
      const first = this.#buckets.entries().next().value
      if (!first) return
      const [key, bucket] = first
      const limit = this.#limitOf(key)
      if (limit && limit.perSecond !== null && refilled(bucket, limit, now) < limit.burst) return
      this.#buckets.delete(key)
    }
  }
}

function refilled(bucket: Bucket, { perSecond, burst }: BucketLimit, now: number): number {
  const elapsed = Math.max(0, now - bucket.at) / 1000
  return Math.min(burst, bucket.tokens + elapsed * (perSecond ?? 0))
}

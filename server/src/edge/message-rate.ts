/**
 * A token bucket over messages: `rate` per second sustained, `burst` at once. Pure: the caller
 * passes the time.
 */
export class MessageRate {
  #tokens: number
  #at: number

  constructor(
    readonly rate: number,
    readonly burst: number,
    now: number,
  ) {
    this.#tokens = burst
    this.#at = now
  }

  /** Takes one message's token; `false` when the bucket is empty. */
  take(now: number): boolean {
    this.#tokens = Math.min(this.burst, this.#tokens + (Math.max(0, now - this.#at) * this.rate) / 1000)
    this.#at = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}

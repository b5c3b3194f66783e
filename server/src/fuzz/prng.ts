/** A small seeded PRNG (mulberry32): the same seed gives the same cases. */
export class Prng {
  #state: number

  constructor(seed: number) {
    this.#state = seed >>> 0
  }

  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n)
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!
  }

  /** `n` random bytes. */
  bytes(n: number): Buffer {
    const out = Buffer.alloc(n)
    for (let i = 0; i < n; i++) out[i] = this.int(256)
    return out
  }

  /** A short random string over `alphabet`. */
  string(maxLength: number, alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-_'): string {
    const chars = Array.from(alphabet) // code points, not UTF-16 halves
    let out = ''
    for (let i = 1 + this.int(maxLength); i > 0; i--) out += chars[this.int(chars.length)]
    return out
  }
}

import { DAY_MS } from '../clock'

const EMPTY = 0

/**
 * The event ids a site's log received in the last days, to count a repeated id once: a 64-bit hash
 * of site and id per id (16 bytes a slot, open addressing), with the day the log received it. Two
 * different ids share a hash with a chance of about n² / 2⁶⁵ (a million a day for a week: 1 in 750,000
 * that any one event is dropped). New hashes are kept apart per day until drained, for persistence.
 */
export class SeenIds {
  #lo = new Uint32Array(1024)
  #hi = new Uint32Array(1024)
  #day = new Int32Array(1024)
  #size = 0
  /** Hashes added since the last drain, per receive day: lo, hi, lo, hi, ... */
  readonly #fresh = new Map<number, number[]>()
  #hashLo = 0
  #hashHi = 0

  /** Remembers that the log received `id` of `site` at `receivedAt`; false when it was seen before. */
  add(site: string, id: string, receivedAt: number): boolean {
    this.#hash(site, id)
    const day = Math.floor(receivedAt / DAY_MS)
    if (!this.#insert(this.#hashLo, this.#hashHi, day)) return false
    let fresh = this.#fresh.get(day)
    if (!fresh) this.#fresh.set(day, (fresh = []))
    fresh.push(this.#hashLo, this.#hashHi)
    return true
  }

  /** The hashes added since the last call, per receive day. */
  drain(): Array<[day: number, hashes: Uint32Array]> {
    const out = [...this.#fresh].map(([day, hashes]) => [day, Uint32Array.from(hashes)] as [number, Uint32Array])
    this.#fresh.clear()
    return out
  }

  /** Puts back hashes received on `day` (as `drain` gave them). */
  restore(day: number, hashes: Uint32Array): void {
    for (let i = 0; i + 1 < hashes.length; i += 2) this.#insert(hashes[i]!, hashes[i + 1]!, day)
  }

  /** Forgets the ids received before `day`. */
  forgetBefore(day: number): void {
    this.#rebuild(this.#lo.length, (d) => d >= day)
    for (const d of this.#fresh.keys()) if (d < day) this.#fresh.delete(d)
  }

  /** Adds a hash received on `day`; false (and nothing added) when it is there already. */
  #insert(lo: number, hi: number, day: number): boolean {
    if ((this.#size + 1) * 2 > this.#lo.length) this.#rebuild(this.#lo.length * 2, () => true)
    const mask = this.#lo.length - 1
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask
    for (; this.#lo[i] !== EMPTY || this.#hi[i] !== EMPTY; i = (i + 1) & mask) if (this.#lo[i] === lo && this.#hi[i] === hi) return false
    this.#lo[i] = lo
    this.#hi[i] = hi
    this.#day[i] = day
    this.#size++
    return true
  }

  #rebuild(slots: number, keep: (day: number) => boolean): void {
    const [lo, hi, day] = [this.#lo, this.#hi, this.#day]
    this.#lo = new Uint32Array(slots)
    this.#hi = new Uint32Array(slots)
    this.#day = new Int32Array(slots)
    this.#size = 0
    for (let i = 0; i < lo.length; i++) if ((lo[i] !== EMPTY || hi[i] !== EMPTY) && keep(day[i]!)) this.#insert(lo[i]!, hi[i]!, day[i]!)
  }

  /** Two independent 32-bit hashes of site and id (never both 0, the empty slot). */
  #hash(site: string, id: string): void {
    let a = 0x811c9dc5 ^ site.length
    let b = 0x9747b28c ^ Math.imul(site.length, 0x85ebca6b)
    for (const text of [site, id]) {
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i)
        a = Math.imul(a ^ c, 0x01000193)
        b = Math.imul(b ^ c, 0x5bd1e995)
        b ^= b >>> 13
      }
      a = Math.imul(a ^ 0xff, 0x01000193)
    }
    this.#hashLo = fmix(a) >>> 0
    this.#hashHi = (fmix(b ^ a) >>> 0) || 1
  }
}

function fmix(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return h ^ (h >>> 16)
}

/**
 * A map of at most `capacity` entries that drops the least recently used one when full: the part of
 * a large keyed set kept in memory for its hot keys.
 */
export class LruCache<K, V> {
  /** A Map iterates in insertion order: re-inserting a key on use keeps the least recent first. */
  readonly #entries = new Map<K, V>()

  constructor(readonly capacity: number) {}

  /** The value of `key`, marked as just used. */
  get(key: K): V | undefined {
    const value = this.#entries.get(key)
    if (value === undefined) return undefined
    this.#entries.delete(key)
    this.#entries.set(key, value)
    return value
  }

  /** Stores `value` as just used, dropping the least recently used entries beyond the capacity. */
  set(key: K, value: V): void {
    this.#entries.delete(key)
    if (this.capacity <= 0) return
    this.#entries.set(key, value)
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value as K)
  }

  /** Replaces the value of a key it holds, without marking it used (a write is not a read); false when absent. */
  update(key: K, value: V): boolean {
    if (!this.#entries.has(key)) return false
    this.#entries.set(key, value)
    return true
  }

  /** Whether it holds `key` (not a use). */
  has(key: K): boolean {
    return this.#entries.has(key)
  }

  /** Removes `key` and returns its value. */
  take(key: K): V | undefined {
    const value = this.#entries.get(key)
    this.#entries.delete(key)
    return value
  }

  /** Forgets every entry. */
  clear(): void {
    this.#entries.clear()
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size
  }
}

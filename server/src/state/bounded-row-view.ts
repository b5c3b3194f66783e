import type { ModelRow } from '@sequitur/sdk/protocol'
import { decodeEntry } from '../model'
import { EdgeRowFile } from './edge-row-file'
import { LruCache } from './lru-cache'
import { rowKey, type MaterializedRows, type RowRecord } from './materialized-rows'
import { changedRows, liveRows, type HeldRow } from './row-answers'
import type { RowMap } from './row-table'

/** Options of an edge's bounded row view. */
export interface BoundedRowViewOptions {
  /** The SQLite file holding every row of the topic. */
  file: string
  /** Rows kept in memory besides those subscribers hold, the least recently read dropped first. */
  cacheRows?: number
}

/** The default of `cacheRows`: a few tens of MB of rows with their related items and attributes. */
export const DEFAULT_EDGE_ROW_CACHE = 10_000

/**
 * A row in memory as the topic encodes it (~0.6 KB for 20 next and 20 related items, against ~5 KB
 * decoded): decoded when read. `value` null: emptied.
 */
interface EncodedHeld {
  version: number
  value: Buffer | null
}

/** What the view holds for a row the topic never had: version 0 is older than any `since`. */
const ABSENT: EncodedHeld = Object.freeze({ version: 0, value: null })

/**
 * An edge's rows with memory bounded by what its clients use: every row of the rows topic in a SQLite
 * file (`EdgeRowFile`), in memory only the rows its subscribers hold (`hold`/`release`, from the
 * stream hub) and an LRU cache of recently read ones. Each fetched batch is written to the file with
 * the offset it reaches, and updates the rows in memory, in one synchronous step: a reader sees a
 * batch wholly or not at all, and a restart resumes reading the topic from that offset.
 */
export class BoundedRowView implements MaterializedRows {
  readonly #file: EdgeRowFile
  /** Rows some subscriber holds, by record key: never evicted. */
  readonly #held = new Map<string, EncodedHeld>()
  readonly #cache: LruCache<string, EncodedHeld>
  #next: number
  #version: number

  constructor({ file, cacheRows = DEFAULT_EDGE_ROW_CACHE }: BoundedRowViewOptions) {
    this.#file = new EdgeRowFile(file)
    this.#cache = new LruCache(cacheRows)
    ;({ next: this.#next, version: this.#version } = this.#file.position())
  }

  next(): number {
    return this.#next
  }

  version(): number {
    return this.#version
  }

  apply(rows: readonly RowRecord[], next: number): void {
    let version = this.#version
    for (const r of rows) version = Math.max(version, r.version)
    this.#file.write(rows, next, version)
    for (const r of rows) {
      const key = r.key
      if (!this.#held.has(key) && !this.#cache.has(key)) continue
      // A copy: the record's value is a slice of a whole fetch response.
      const held: EncodedHeld = { version: r.version, value: r.value && Buffer.from(r.value) }
      if (this.#held.has(key)) this.#held.set(key, held)
      else this.#cache.update(key, held)
    }
    this.#next = next
    this.#version = version
  }

  wipe(): void {
    this.#file.wipe()
    this.#held.forEach((_, key) => this.#held.set(key, ABSENT))
    this.#cache.clear()
    this.#next = 0
    this.#version = 0
  }

  close(): void {
    this.#file.close()
  }

  rows(site: string, items: readonly string[], related = false): Record<string, ModelRow> {
    const found = this.#lookup(site, items)
    return liveRows(items, (item) => found.get(item), related)
  }

  changedSince(site: string, items: readonly string[], since?: number): RowMap {
    const found = this.#lookup(site, items)
    return changedRows(items, (item) => found.get(item), since)
  }

  hold(site: string, items: readonly string[]): void {
    const missing: string[] = []
    for (const item of items) {
      const key = rowKey(site, item)
      if (this.#held.has(key)) continue
      const cached = this.#cache.take(key)
      if (cached) this.#held.set(key, cached)
      else missing.push(key)
    }
    for (const [key, held] of this.#load(missing)) this.#held.set(key, held)
  }

  release(site: string, items: readonly string[]): void {
    for (const item of items) {
      const key = rowKey(site, item)
      const held = this.#held.get(key)
      if (!held) continue
      this.#held.delete(key)
      this.#cache.set(key, held)
    }
  }

  /** Rows in memory: held by subscribers, and cached (for metrics and tests). */
  inMemory(): { held: number; cached: number } {
    return { held: this.#held.size, cached: this.#cache.size }
  }

  /** Each item's row (decoded) from memory, or else from the file (then cached). */
  #lookup(site: string, items: readonly string[]): Map<string, HeldRow> {
    const found = new Map<string, HeldRow>()
    const missing = new Map<string, string>()
    for (const item of items) {
      const key = rowKey(site, item)
      const held = this.#held.get(key) ?? this.#cache.get(key)
      if (held) found.set(item, decoded(key, held))
      else missing.set(key, item)
    }
    for (const [key, held] of this.#load([...missing.keys()])) {
      this.#cache.set(key, held)
      found.set(missing.get(key)!, decoded(key, held))
    }
    return found
  }

  /** The rows of `keys` from the file, `ABSENT` for those it does not have. */
  #load(keys: readonly string[]): Map<string, EncodedHeld> {
    const out = new Map<string, EncodedHeld>()
    for (const key of keys) out.set(key, ABSENT)
    for (const { key, version, value } of this.#file.get(keys)) out.set(key, { version, value })
    return out
  }
}

function decoded(key: string, { version, value }: EncodedHeld): HeldRow {
  const entry = value && decodeEntry(key, value)
  return { version, row: entry?.kind === 'row' ? entry.row : null }
}

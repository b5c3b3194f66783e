import type { ModelRow } from '@sequitur/sdk/protocol'
import { decodeEntry } from '../model'
import { EdgeRowFile } from './edge-row-file'
import { LruCache } from './lru-cache'
import { rowKey, type MaterializedRows, type RowRecord } from './materialized-rows'
import { changedRows, liveRows, type HeldRow, type Since } from './row-answers'
import type { RowMap } from './row-table'
import { growTo, viewVersion } from './row-positions'

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
  partition: number
}

/** What the view holds for a row the topic never had: version 0 is older than any `since`. */
const ABSENT: EncodedHeld = Object.freeze({ version: 0, value: null, partition: 0 })

/**
 * An edge's rows with memory bounded by what its clients use: every row of the rows topic in a SQLite
 * file (`EdgeRowFile`), in memory only the rows its subscribers hold (`hold`/`release`, from the
 * stream hub) and an LRU cache of recently read ones. Each fetched batch is written to the file with
 * the offset it reaches in its partition, and updates the rows in memory, in one synchronous step: a
 * reader sees a batch wholly or not at all, and a restart resumes reading each partition from there.
 */
export class BoundedRowView implements MaterializedRows {
  readonly #file: EdgeRowFile
  /** Rows some subscriber holds, by record key: never evicted. */
  readonly #held = new Map<string, EncodedHeld>()
  readonly #cache: LruCache<string, EncodedHeld>
  #positions: number[]
  /** The latest row version of each partition. */
  #versions: number[]

  constructor({ file, cacheRows = DEFAULT_EDGE_ROW_CACHE }: BoundedRowViewOptions) {
    this.#file = new EdgeRowFile(file)
    this.#cache = new LruCache(cacheRows)
    const { positions, version } = this.#file.position()
    this.#positions = growTo(positions, 1)
    // Only the highest matters for `version()`: kept on partition 0.
    this.#versions = growTo([version], this.#positions.length)
  }

  positions(): number[] {
    return [...this.#positions]
  }

  partitions(count: number): void {
    this.#positions = growTo(this.#positions, count)
    this.#versions = growTo(this.#versions, count)
  }

  version(): number {
    return viewVersion(Math.max(...this.#versions), this.#positions)
  }

  cursor(): number[] {
    return this.positions()
  }

  apply(rows: readonly RowRecord[], next: number, partition = 0): void {
    this.partitions(partition + 1)
    let version = this.#versions[partition]!
    for (const r of rows) version = Math.max(version, r.version)
    this.#file.write(
      rows.map((r) => ({ key: r.key, version: r.version, value: r.value, partition })),
      partition,
      next,
      version,
    )
    for (const r of rows) {
      const key = r.key
      if (!this.#held.has(key) && !this.#cache.has(key)) continue
      // A copy: the record's value is a slice of a whole fetch response.
      const held: EncodedHeld = { version: r.version, value: r.value && Buffer.from(r.value), partition }
      if (this.#held.has(key)) this.#held.set(key, held)
      else this.#cache.update(key, held)
    }
    this.#positions[partition] = next
    this.#versions[partition] = version
  }

  wipe(): void {
    this.#file.wipe()
    this.#held.forEach((_, key) => this.#held.set(key, ABSENT))
    this.#cache.clear()
    this.#positions = [0]
    this.#versions = [0]
  }

  close(): void {
    this.#file.close()
  }

  rows(site: string, items: readonly string[], related = false): Record<string, ModelRow> {
    const found = this.#lookup(site, items)
    return liveRows(items, (item) => found.get(item), related)
  }

  changedSince(site: string, items: readonly string[], since?: Since): RowMap {
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
    for (const { key, version, value, partition } of this.#file.get(keys)) out.set(key, { version, value, partition })
    return out
  }
}

function decoded(key: string, { version, value, partition }: EncodedHeld): HeldRow {
  const entry = value && decodeEntry(key, value)
  return { version, partition, row: entry?.kind === 'row' ? entry.row : null }
}

import { pack, unpack } from 'msgpackr'
import type { EncodedEntry } from '../model'

/**
 * A complete snapshot of one partition's state, written after its chunks: what a new owner loads.
 * Snapshots alternate between two slots, so writing one never overwrites the latest complete one.
 */
export interface SnapshotManifest {
  /** Random id; each of its chunks carries it. */
  id: string
  slot: 0 | 1
  /** The changelog offset it covers: its state is that of the changelog before this offset. */
  next: number
  /** The `next` of the snapshot before it (0 for the first): a store older than that had better be replaced. */
  since: number
  /** How many chunks, and the offset of the first in the snapshot partition. */
  chunks: number
  first: number
  /** Entries and bytes (keys + values) it holds. */
  entries: number
  bytes: number
  /** Chunks the other slot holds: what a later snapshot there must retire. */
  other: number
  /** When it was taken (ms). */
  at: number
}

/** A record of the snapshot topic, decoded. */
export type SnapshotRecord =
  /** Part of a snapshot's entries; `base` is the offset of the latest complete manifest when it was written (-1 for none). */
  | { type: 'chunk'; slot: 0 | 1; id: string; index: number; base: number; entries: EncodedEntry[] }
  /** Replaces a chunk index a smaller snapshot of the slot no longer uses (tiny, so compaction keeps little). */
  | { type: 'retired'; slot: 0 | 1; id: string; index: number; base: number }
  | { type: 'manifest'; manifest: SnapshotManifest }

/** Keys are per slot and chunk index: compaction keeps the two latest snapshots and nothing older. */
const chunkKey = (slot: 0 | 1, index: number): string => `c${slot};${index}`
const manifestKey = (slot: 0 | 1): string => `m${slot}`

/** A chunk record: `entries` as one value (callers keep it under the record limit). */
export function chunkRecord(slot: 0 | 1, id: string, index: number, base: number, entries: readonly EncodedEntry[]): { key: string; value: Buffer } {
  return { key: chunkKey(slot, index), value: pack(['c', id, index, base, entries]) }
}

/** The record that retires chunk `index` of `slot`. */
export function retiredRecord(slot: 0 | 1, id: string, index: number, base: number): { key: string; value: Buffer } {
  return { key: chunkKey(slot, index), value: pack(['x', id, index, base]) }
}

/** The manifest record that completes a snapshot. */
export function manifestRecord(manifest: SnapshotManifest): { key: string; value: Buffer } {
  return { key: manifestKey(manifest.slot), value: pack(['m', manifest]) }
}

/** Reads a snapshot record; `undefined` for anything else (a tombstone, a foreign record). */
export function decodeSnapshotRecord(key: string, value: Buffer | null): SnapshotRecord | undefined {
  if (!value) return undefined
  const slot = key[1] === '1' ? 1 : 0
  let decoded: unknown
  try {
    decoded = unpack(value)
  } catch {
    return undefined
  }
  if (!Array.isArray(decoded)) return undefined
  const [type, a, b, c, d] = decoded as [unknown, unknown, unknown, unknown, unknown]
  if (type === 'm' && typeof a === 'object' && a !== null) return { type: 'manifest', manifest: a as SnapshotManifest }
  if (typeof a !== 'string' || typeof b !== 'number' || typeof c !== 'number') return undefined
  if (type === 'x') return { type: 'retired', slot, id: a, index: b, base: c }
  if (type === 'c' && Array.isArray(d)) return { type: 'chunk', slot, id: a, index: b, base: c, entries: d as EncodedEntry[] }
  return undefined
}

/**
 * Collects a snapshot's chunks out of the records that follow its first chunk, whatever else is
 * among them (another writer's chunks): `take` gets each of its chunks once, in any order, and
 * `complete` says whether every one of them came.
 */
export class ChunkCollector {
  readonly #seen = new Set<number>()
  constructor(readonly manifest: SnapshotManifest) {}

  /** Passes a record's entries to `take` when it is a chunk of this snapshot not seen yet. */
  offer(record: SnapshotRecord | undefined, take: (entries: readonly EncodedEntry[]) => void): void {
    if (record?.type !== 'chunk' || record.id !== this.manifest.id || record.slot !== this.manifest.slot) return
    if (record.index >= this.manifest.chunks || this.#seen.has(record.index)) return
    this.#seen.add(record.index)
    take(record.entries)
  }

  /** Whether every chunk came. */
  complete(): boolean {
    return this.#seen.size === this.manifest.chunks
  }
}

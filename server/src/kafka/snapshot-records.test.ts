import { describe, expect, it } from 'vitest'
import type { EncodedEntry } from '../model'
import { ChunkCollector, chunkRecord, decodeSnapshotRecord, manifestRecord, retiredRecord, type SnapshotManifest } from './snapshot-records'

const manifest: SnapshotManifest = { id: 'S', slot: 1, next: 42, since: 7, chunks: 2, first: 100, entries: 3, bytes: 30, other: 5, at: 1 }
const entries = (n: number): EncodedEntry[] => Array.from({ length: n }, (_, i) => [`k${i}`, Buffer.from(`v${i}`)] as const)

describe('snapshot records', () => {
  it('decode to what was encoded: chunks, retired chunks and manifests, keyed by slot and index', () => {
    const chunk = chunkRecord(1, 'S', 3, 17, entries(2))
    expect(chunk.key).toBe('c1;3')
    expect(decodeSnapshotRecord(chunk.key, chunk.value)).toEqual({ type: 'chunk', slot: 1, id: 'S', index: 3, base: 17, entries: entries(2) })
    const retired = retiredRecord(0, 'T', 4, -1)
    expect(retired.key).toBe('c0;4')
    expect(decodeSnapshotRecord(retired.key, retired.value)).toEqual({ type: 'retired', slot: 0, id: 'T', index: 4, base: -1 })
    const m = manifestRecord(manifest)
    expect(m.key).toBe('m1')
    expect(decodeSnapshotRecord(m.key, m.value)).toEqual({ type: 'manifest', manifest })
  })

  it('read a tombstone or a foreign record as nothing', () => {
    expect(decodeSnapshotRecord('c0;1', null)).toBeUndefined()
    expect(decodeSnapshotRecord('x', Buffer.from([0xc1]))).toBeUndefined()
    expect(decodeSnapshotRecord('x', Buffer.from('not msgpack of ours'))).toBeUndefined()
  })
})

describe('ChunkCollector', () => {
  const decode = (r: { key: string; value: Buffer }) => decodeSnapshotRecord(r.key, r.value)

  it('takes each chunk of its snapshot once, and ignores another writer\'s chunks among them', () => {
    const collector = new ChunkCollector(manifest)
    const taken: EncodedEntry[][] = []
    const take = (e: readonly EncodedEntry[]) => void taken.push([...e])
    collector.offer(decode(chunkRecord(1, 'S', 1, 0, entries(1))), take)
    collector.offer(decode(chunkRecord(1, 'Z', 0, 0, entries(3))), take)
    collector.offer(decode(chunkRecord(0, 'S', 0, 0, entries(3))), take)
    collector.offer(decode(chunkRecord(1, 'S', 1, 0, entries(1))), take)
    collector.offer(decode(chunkRecord(1, 'S', 2, 0, entries(1))), take)
    expect(collector.complete()).toBe(false)
    collector.offer(decode(chunkRecord(1, 'S', 0, 0, entries(2))), take)
    expect(collector.complete()).toBe(true)
    expect(taken).toEqual([entries(1), entries(2)])
  })

  it('is incomplete when a chunk was replaced (a retired index, a torn snapshot in the same slot)', () => {
    const collector = new ChunkCollector(manifest)
    collector.offer(decode(chunkRecord(1, 'S', 0, 0, entries(1))), () => {})
    collector.offer(decode(retiredRecord(1, 'S', 1, 0)), () => {})
    expect(collector.complete()).toBe(false)
  })
})

import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PartitionStore } from './partition-store'
import { bundleOf, unbundle } from './stage'

describe('PartitionStore', () => {
  it('keeps the latest value of each key and its checkpoint across a reopen', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-store-')), 'p0.db')
    const store = new PartitionStore(file)
    expect(store.checkpoint()).toBe(0)
    store.apply([{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: Buffer.from('2') }], 3)
    store.apply([{ key: 'a', value: Buffer.from('5') }, { key: 'b', value: null }], 6)
    store.close()
    const again = new PartitionStore(file)
    expect(again.checkpoint()).toBe(6)
    expect([...again.entries()].map(({ key, value }) => [key, value.toString()])).toEqual([['a', '5']])
    again.wipe()
    expect(again.checkpoint()).toBe(0)
    expect([...again.entries()]).toEqual([])
  })

  it('applies a bundle as the writes it holds, in order, even when they take several records', () => {
    const writes = Array.from({ length: 3000 }, (_, i) => ({ key: `c${i % 1000}`, value: i % 1000 === 7 ? null : Buffer.from(String(i)) }))
    const bundle = bundleOf(writes, 42)
    expect(bundle.length).toBe(1)
    expect(bundle[0]!.key).toBe('__bundle__\u000042\u00000')
    expect(bundle.flatMap(unbundle)).toEqual(writes)
    const big = bundleOf(
      Array.from({ length: 100 }, (_, i) => ({ key: `k${i}`, value: Buffer.alloc(20_000, i) })),
      43,
    )
    expect(big.length).toBeGreaterThan(3)
    for (const r of big) expect(r.value!.length).toBeLessThanOrEqual(512 * 1024)
    const store = new PartitionStore(join(mkdtempSync(join(tmpdir(), 'sequitur-store-')), 'p1.db'))
    store.apply([...bundle, ...big], 9)
    const entries = new Map([...store.entries()].map(({ key, value }) => [key, value]))
    expect(entries.get('c5')?.toString()).toBe('2005')
    expect(entries.has('c7')).toBe(false)
    expect(entries.get('k99')?.[0]).toBe(99)
    expect(store.checkpoint()).toBe(9)
    store.close()
  })

  it('writes behind: a crash before the flush leaves the file at its last flushed checkpoint, each key at its latest value', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-store-')), 'p2.db')
    const store = new PartitionStore(file, { flushEveryMs: Infinity })
    store.apply([{ key: 'a', value: Buffer.from('1') }], 2)
    store.apply([{ key: 'a', value: Buffer.from('2') }, { key: 'b', value: Buffer.from('3') }], 4)
    expect(store.checkpoint()).toBe(4)
    // Another reader (a new owner after a crash) sees only what was flushed.
    const reader = new PartitionStore(file)
    expect(reader.checkpoint()).toBe(0)
    expect([...reader.entries()]).toEqual([])
    store.flush()
    expect(reader.checkpoint()).toBe(4)
    expect([...reader.entries()].map(({ key, value }) => [key, value.toString()])).toEqual([['a', '2'], ['b', '3']])
    store.apply([{ key: 'b', value: null }], 5)
    store.close()
    expect(reader.checkpoint()).toBe(5)
    expect([...reader.entries()].map(({ key }) => key)).toEqual(['a'])
    reader.close()
  })

  it('writes what it holds back within its interval when no more writes come', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-store-')), 'p3.db')
    const store = new PartitionStore(file, { flushEveryMs: 50 })
    const reader = new PartitionStore(file)
    store.apply([{ key: 'a', value: Buffer.from('1') }], 2)
    expect(reader.checkpoint()).toBe(0)
    await expect.poll(() => reader.checkpoint(), { timeout: 2000, interval: 20 }).toBe(2)
    store.close()
    reader.close()
  })

  it('replaces its whole state with a snapshot\'s at once, or not at all', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sequitur-store-')), 'p4.db')
    const store = new PartitionStore(file, { flushEveryMs: Infinity })
    store.apply([{ key: 'a', value: Buffer.from('1') }, { key: 'b', value: Buffer.from('2') }], 3)
    const failed = store.replace()
    failed.add([['x', Buffer.from('9')]])
    failed.rollback()
    expect(store.checkpoint()).toBe(3)
    expect([...store.entries()].map(({ key }) => key)).toEqual(['a', 'b'])
    store.apply([{ key: 'c', value: Buffer.from('3') }], 4)
    const replacement = store.replace()
    replacement.add([['x', Buffer.from('9')]])
    replacement.add([['y', Buffer.from('8')]])
    replacement.commit(40)
    store.close()
    const again = new PartitionStore(file)
    expect(again.checkpoint()).toBe(40)
    expect([...again.entries()].map(({ key, value }) => [key, value.toString()])).toEqual([['x', '9'], ['y', '8']])
    again.close()
  })
})

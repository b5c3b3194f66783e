import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { PartitionStore } from './partition-store'

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
})

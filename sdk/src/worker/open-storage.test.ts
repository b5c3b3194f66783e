import { describe, expect, it } from 'vitest'
import type { SequiturDb } from './db'
import { FakeClock } from './fake-clock'
import { openStorage } from './open-storage'

describe('openStorage', () => {
  it('uses memory when opening IndexedDB throws or rejects', async () => {
    const throwing = () => {
      throw new DOMException('no IndexedDB here', 'SecurityError')
    }
    expect((await openStorage('demo', { openDb: throwing })).kind).toBe('memory')
    expect((await openStorage('demo', { openDb: () => Promise.reject(new Error('blocked')) })).kind).toBe('memory')
  })

  it('uses memory when opening never answers, after the timeout', async () => {
    const clock = new FakeClock()
    const opening = openStorage('demo', { openDb: () => new Promise<SequiturDb>(() => {}), timeoutMs: 3000, after: clock.after.bind(clock) })
    let kind: string | undefined
    void opening.then((storage) => (kind = storage.kind))
    await clock.advance(2999)
    expect(kind).toBeUndefined()
    await clock.advance(1)
    expect(kind).toBe('memory')
  })

  it('uses IndexedDB when it opens', async () => {
    expect((await openStorage('demo', { openDb: async () => ({}) as SequiturDb })).kind).toBe('indexeddb')
  })
})

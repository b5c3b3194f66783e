import { describe, expect, it } from 'vitest'
import type { SequiturDb } from './db'
import { FakeClock } from './fake-clock'
import { idbStorage, isConnectionLost, openStorage } from './open-storage'

/** A database whose every transaction fails with `error`. */
const broken = (error: Error) =>
  ({
    transaction() {
      throw error
    },
  }) as unknown as SequiturDb

/** A database whose outbox holds one event under key 1. */
const working = () =>
  ({
    transaction: () => ({ store: { getAllKeys: async () => [1], getAll: async () => [{ id: 'e1' }] } }),
  }) as unknown as SequiturDb

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

describe('idbStorage', () => {
  it('reopens the database once when the connection was lost, and retries the operation', async () => {
    let reopened = 0
    const lost = new DOMException('Connection to Indexed Database server lost. Refresh the page to try again', 'UnknownError')
    const storage = idbStorage(broken(lost), async () => (reopened++, working()))
    const [a, b] = await Promise.all([storage.outbox.head(10), storage.outbox.head(10)])
    expect(a).toEqual([{ key: 1, event: { id: 'e1' } }])
    expect(b).toEqual(a)
    expect(reopened).toBe(1)
  })

  it('retries once only, and not for other errors', async () => {
    const closed = new DOMException('The database connection is closing.', 'InvalidStateError')
    const again = idbStorage(broken(closed), async () => broken(closed))
    await expect(again.outbox.head(10)).rejects.toThrow('closing')
    let reopened = 0
    const other = idbStorage(broken(new DOMException('full', 'QuotaExceededError')), async () => (reopened++, working()))
    await expect(other.outbox.head(10)).rejects.toThrow('full')
    expect(reopened).toBe(0)
  })

  it('tells a lost connection from other errors', () => {
    expect(isConnectionLost(new DOMException('x', 'InvalidStateError'))).toBe(true)
    expect(isConnectionLost(new Error('Connection to Indexed Database server lost. Refresh the page to try again'))).toBe(true)
    expect(isConnectionLost(new DOMException('x', 'QuotaExceededError'))).toBe(false)
    expect(isConnectionLost('lost')).toBe(false)
  })
})

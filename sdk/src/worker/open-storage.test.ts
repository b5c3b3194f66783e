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
    let reopened = 0
    const other = idbStorage(broken(new DOMException('full', 'QuotaExceededError')), async () => (reopened++, working()))
    await expect(other.outbox.head(10)).rejects.toThrow('full')
    expect(reopened).toBe(0)
  })

  it('goes on in memory, from the session as last seen, when the reopen is lost too (WebKit after its storage process died)', async () => {
    const lost = new DOMException('Connection to Indexed Database server lost. Refresh the page to try again', 'UnknownError')
    let fail = false
    const meta = { session: 's1', lastActivity: 2 }
    // A database that answers the session until it is lost; every reopen is refused, as WebKit does.
    const db = {
      transaction() {
        if (fail) throw new DOMException('The database connection is closing.', 'InvalidStateError')
        const store = { get: async (key: string) => (key === 'state' ? meta : undefined), getAll: async () => [{ item: 'a', ts: 10 }, { item: 'b', ts: 20 }] }
        return { objectStore: () => store, store, done: Promise.resolve() }
      },
    } as unknown as SequiturDb
    let reopened = 0
    const storage = idbStorage(db, async () => {
      reopened++
      throw lost
    })
    expect(storage.kind).toBe('indexeddb')
    expect(await storage.read()).toMatchObject({ meta, trail: ['a', 'b'], times: [10, 20] })
    fail = true
    const touch = (m: typeof meta | undefined) => ({ meta: { ...m!, lastActivity: 30 }, rotated: false })
    const after = await storage.record({ id: 'e3', type: 'click', item: 'c', session: 's1', ts: 30 }, touch as never, true)
    expect(storage.kind).toBe('memory')
    expect(after).toMatchObject({ meta: { session: 's1' }, trail: ['a', 'b', 'c'], times: [10, 20, 30] })
    expect(await storage.outbox.head(10)).toEqual([{ key: 1, event: { id: 'e3', type: 'click', item: 'c', session: 's1', ts: 30 } }])
    expect(reopened).toBe(1)
  })

  it('tells a lost connection from other errors', () => {
    expect(isConnectionLost(new DOMException('x', 'InvalidStateError'))).toBe(true)
    expect(isConnectionLost(new Error('Connection to Indexed Database server lost. Refresh the page to try again'))).toBe(true)
    expect(isConnectionLost(new DOMException('x', 'QuotaExceededError'))).toBe(false)
    expect(isConnectionLost('lost')).toBe(false)
  })

  it('goes on in memory when an operation stalls mid-session (WebKit: a page of the site in the back/forward cache mid-write)', async () => {
    const clock = new FakeClock()
    let stalled = false
    const meta = { session: 's1', lastActivity: 2 }
    const db = {
      transaction() {
        if (stalled) return { objectStore: () => ({ get: () => new Promise(() => {}), getAll: () => new Promise(() => {}) }), done: new Promise(() => {}) }
        const store = { get: async (key: string) => (key === 'state' ? meta : undefined), getAll: async () => [{ item: 'a', ts: 10 }] }
        return { objectStore: () => store, store, done: Promise.resolve() }
      },
    } as unknown as SequiturDb
    let reopened = 0
    const storage = idbStorage(db, async () => (reopened++, db), { stallMs: 30_000, after: clock.after.bind(clock) })
    expect(await storage.read()).toMatchObject({ trail: ['a'] })
    stalled = true
    let answered: unknown
    void storage.read().then((session) => (answered = session))
    await clock.advance(29_999)
    expect(answered).toBeUndefined()
    await clock.advance(1)
    expect(answered).toMatchObject({ meta, trail: ['a'], times: [10] })
    expect(storage.kind).toBe('memory')
    // No reopen: it would wait on the same stalled origin.
    expect(reopened).toBe(0)
  })
})


import { describe, expect, it } from 'vitest'
import { LruCache } from './lru-cache'

describe('LruCache', () => {
  it('drops the least recently used entry when full; a read counts as a use, an update does not', () => {
    const cache = new LruCache<string, number>(2)
    cache.set('a', 1)
    cache.set('b', 2)
    expect(cache.get('a')).toBe(1)
    cache.set('c', 3)
    expect(cache.get('b')).toBeUndefined()
    expect(cache.update('a', 10)).toBe(true)
    expect(cache.update('b', 20)).toBe(false)
    // 'c' was used after 'a' was read: the update of 'a' did not make it newer.
    cache.set('d', 4)
    expect([cache.get('a'), cache.get('c'), cache.get('d')]).toEqual([undefined, 3, 4])
    expect(cache.size).toBe(2)
  })

  it('takes an entry out, and holds nothing with a capacity of 0', () => {
    const cache = new LruCache<string, number>(1)
    cache.set('__proto__', 1)
    expect(cache.take('__proto__')).toBe(1)
    expect(cache.size).toBe(0)
    const none = new LruCache<string, number>(0)
    none.set('a', 1)
    expect(none.get('a')).toBeUndefined()
  })
})

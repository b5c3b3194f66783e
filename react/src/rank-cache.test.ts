import { describe, expect, it } from 'vitest'
import { createRankCache } from './rank-cache.js'

describe('createRankCache', () => {
  it('remembers the last order of a list', () => {
    const cache = createRankCache()
    cache.set('a b', ['b', 'a'])
    cache.set('a b', ['a', 'b'])
    expect(cache.get('a b')).toEqual(['a', 'b'])
    expect(cache.get('c')).toBeUndefined()
  })

  it('drops the least recently set list past its limit', () => {
    const cache = createRankCache({ limit: 2 })
    cache.set('one', ['1'])
    cache.set('two', ['2'])
    cache.set('one', ['1'])
    cache.set('three', ['3'])
    expect(cache.get('two')).toBeUndefined()
    expect(cache.get('one')).toEqual(['1'])
    expect(cache.get('three')).toEqual(['3'])
  })
})

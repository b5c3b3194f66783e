import { describe, expect, it } from 'vitest'
import { arrange, sameOrder } from './arrange.js'

describe('arrange', () => {
  const items = [{ id: 'a' }, { id: 'b' }, { id: 'c' }, { id: 'd' }]
  const ids = items.map((item) => item.id)

  it('puts the items in the ranked order', () => {
    expect(arrange(items, ids, ['c', 'a', 'd', 'b']).map((item) => item.id)).toEqual(['c', 'a', 'd', 'b'])
  })

  it('returns the same array when the order changes nothing', () => {
    expect(arrange(items, ids, ['a', 'b', 'c', 'd'])).toBe(items)
    expect(arrange(items, ids, [])).toBe(items)
  })

  it('keeps items the order does not name after it, in their given order, and ignores unknown ids', () => {
    expect(arrange(items, ids, ['d', 'zzz', 'b']).map((item) => item.id)).toEqual(['d', 'b', 'a', 'c'])
  })

  it('matches repeated ids in turn, so no item is lost or shown twice', () => {
    const repeated = ['x', 'y', 'x']
    const objects = repeated.map((id, n) => ({ id, n }))
    expect(arrange(objects, repeated, ['x', 'x', 'y', 'x']).map((item) => item.n)).toEqual([0, 2, 1])
  })

  it('treats ids such as __proto__ as data', () => {
    const odd = ['__proto__', 'constructor', 'toString']
    expect(arrange(odd, odd, ['toString', '__proto__'])).toEqual(['toString', '__proto__', 'constructor'])
  })
})

describe('sameOrder', () => {
  it('compares ids position by position', () => {
    expect(sameOrder(['a', 'b'], ['a', 'b'])).toBe(true)
    expect(sameOrder(['a', 'b'], ['b', 'a'])).toBe(false)
    expect(sameOrder(['a'], ['a', 'b'])).toBe(false)
  })
})

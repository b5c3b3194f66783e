import { describe, expect, it } from 'vitest'
import { TransitionCounts, topK } from './transition-counts'

describe('TransitionCounts', () => {
  it('sums buckets into a row ordered by count then id', () => {
    const c = new TransitionCounts()
    c.add('b', 10)
    c.add('c', 10, 2)
    c.add('b', 11)
    c.add('a', 11, 2)
    expect(c.row(20)).toEqual({ total: 6, next: [['a', 2], ['b', 2], ['c', 2]] })
  })

  it('keeps the top k but counts every transition in the total', () => {
    const c = new TransitionCounts()
    c.add('a', 1, 3)
    c.add('b', 1, 2)
    c.add('c', 1, 1)
    expect(c.row(2)).toEqual({ total: 6, next: [['a', 3], ['b', 2]] })
  })

  it('drops buckets before a day and forgets emptied items', () => {
    const c = new TransitionCounts()
    c.add('a', 1, 3)
    c.add('a', 2, 1)
    c.add('b', 1, 1)
    expect(c.dropBefore(1)).toBe(false)
    expect(c.dropBefore(2)).toBe(true)
    expect(c.row(20)).toEqual({ total: 1, next: [['a', 1]] })
    expect(c.dropBefore(3)).toBe(true)
    expect(c.row(20)).toBeUndefined()
  })
})

describe('topK', () => {
  it('breaks count ties by item id', () => {
    expect(topK(new Map([['z', 1], ['y', 1], ['x', 2]]), 2)).toEqual([['x', 2], ['y', 1]])
  })
})

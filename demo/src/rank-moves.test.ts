import { describe, expect, it } from 'vitest'
import { computeMoves, movedUp } from './rank-moves'

describe('computeMoves', () => {
  it('gives each item its old and new index, in the new order', () => {
    expect(computeMoves(['a', 'b', 'c'], ['c', 'a', 'b'])).toEqual([
      { item: 'c', from: 2, to: 0, delta: 2 },
      { item: 'a', from: 0, to: 1, delta: -1 },
      { item: 'b', from: 1, to: 2, delta: -1 },
    ])
  })

  it('skips items the old order did not have', () => {
    expect(computeMoves(['a'], ['x', 'a'])).toEqual([{ item: 'a', from: 0, to: 1, delta: -1 }])
  })
})

describe('movedUp', () => {
  it('keeps only the items that rose', () => {
    expect(movedUp(computeMoves(['a', 'b', 'c'], ['c', 'a', 'b'])).map((m) => m.item)).toEqual(['c'])
  })
})

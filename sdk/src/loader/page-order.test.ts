import { describe, expect, it } from 'vitest'
import { arrange, fillPositions } from './page-order'

describe('fillPositions', () => {
  it('numbers a container seen for the first time in DOM order', () => {
    expect(fillPositions([undefined, undefined, undefined])).toEqual([0, 1, 2])
  })

  it('keeps the remembered positions after a re-order', () => {
    expect(fillPositions([2, 0, 1])).toEqual([2, 0, 1])
  })

  it('puts children appended after a re-order after every known one', () => {
    expect(fillPositions([2, 0, 1, undefined, undefined])).toEqual([2, 0, 1, 3, 4])
  })

  it('puts children prepended before every known one', () => {
    expect(fillPositions([undefined, undefined, 0, 1])).toEqual([-2, -1, 0, 1])
  })

  it('puts children inserted between two known ones between them', () => {
    expect(fillPositions([0, undefined, 1])).toEqual([0, 0.5, 1])
    expect(fillPositions([0, undefined, undefined, undefined, 4])).toEqual([0, 1, 2, 3, 4])
  })
})

describe('arrange', () => {
  const entries = [
    { id: 'a', node: 'A' },
    { id: 'b', node: 'B' },
    { id: 'c', node: 'C' },
  ]

  it('follows the ranking', () => {
    expect(arrange(entries, [{ item: 'c' }, { item: 'a' }, { item: 'b' }])).toEqual(['C', 'A', 'B'])
  })

  it('keeps entries the ranking misses, in their order, at the end', () => {
    expect(arrange(entries, [{ item: 'b' }])).toEqual(['B', 'A', 'C'])
  })

  it('handles two children with one item id', () => {
    const twins = [
      { id: 'a', node: 'A1' },
      { id: 'b', node: 'B' },
      { id: 'a', node: 'A2' },
    ]
    expect(arrange(twins, [{ item: 'a' }, { item: 'a' }, { item: 'b' }])).toEqual(['A1', 'A2', 'B'])
  })
})

import { describe, expect, it } from 'vitest'
import { EdgeTable } from './edge-table'
import { ItemIds } from './item-ids'

function table() {
  const ids = new ItemIds()
  const edges = new EdgeTable(ids)
  const add = (src: string, dst: string, day: number, n = 1) => edges.add(ids.intern(src), ids.intern(dst), day, n)
  const top = (src: string, k = 20) => edges.top(ids.intern(src), k)
  return { ids, edges, add, top }
}

describe('EdgeTable', () => {
  it('sums days into a row ordered by count then id', () => {
    const { edges, add, top, ids } = table()
    add('x', 'b', 10)
    add('x', 'c', 10, 2)
    add('x', 'b', 11)
    add('x', 'a', 11, 2)
    expect(top('x')).toEqual([['a', 2], ['b', 2], ['c', 2]])
    expect(edges.total(ids.intern('x'))).toBe(6)
    expect(edges.count(ids.intern('x'), ids.intern('b'), 10)).toBe(1)
  })

  it('keeps the top k by count then id, whatever the insertion order', () => {
    const { add, top } = table()
    const counts = Array.from({ length: 200 }, (_, i) => [`i${i}`, (i * 37) % 11] as const)
    for (const [dst, n] of counts) if (n > 0) add('x', dst, 1, n)
    const expected = counts
      .filter(([, n]) => n > 0)
      .map(([d, n]) => [d, n] as [string, number])
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 7)
    expect(top('x', 7)).toEqual(expected)
  })

  it('counts a day added out of order in its own cell', () => {
    const { edges, add, ids } = table()
    add('x', 'y', 5)
    add('x', 'y', 6, 2)
    add('x', 'y', 5, 3)
    const [x, y] = [ids.intern('x'), ids.intern('y')]
    expect([edges.count(x, y, 5), edges.count(x, y, 6)]).toEqual([4, 2])
    expect(edges.dropBefore(6)).toEqual(new Set([x]))
    expect(edges.total(x)).toBe(2)
  })

  it('drops days, forgets emptied edges and compacts without changing what is left', () => {
    const { edges, add, top, ids } = table()
    for (let i = 0; i < 3000; i++) add(`s${i % 50}`, `d${i}`, 1)
    for (let i = 0; i < 500; i++) add(`s${i % 50}`, `d${i}`, 2, 2)
    add('s1', 'late', 2)
    expect(edges.size).toBe(3001)
    const changed = edges.dropBefore(2)
    expect(changed.size).toBe(50)
    expect(edges.size).toBe(501)
    expect(top('s1', 3)).toEqual([['d1', 2], ['d101', 2], ['d151', 2]])
    expect(edges.total(ids.intern('s1'))).toBe(21)
    // Still counts into the compacted table, on the remaining and new days.
    add('s1', 'd1', 2)
    add('s1', 'new', 3, 5)
    expect(top('s1', 2)).toEqual([['new', 5], ['d1', 3]])
    expect(edges.count(ids.intern('s1'), ids.intern('d1'), 2)).toBe(3)
    expect(edges.dropBefore(4).size).toBe(50)
    expect(top('s1')).toEqual([])
    expect(edges.size).toBe(0)
  })
})

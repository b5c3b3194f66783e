import { describe, expect, it } from 'vitest'
import { EdgeTable } from './edge-table'
import { ItemIds } from './item-ids'
import { mulberry32 } from '../random'

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

  it('agrees with a plain map of cells over random adds, out-of-order days and drops', () => {
    const random = mulberry32(7)
    const rnd = (n: number) => Math.floor(random() * n)
    const { edges, add, ids } = table()
    const cells = new Map<string, number>()
    let first = 0
    for (let i = 0; i < 60_000; i++) {
      const op = rnd(200)
      if (op < 198) {
        const [src, dst, day, n] = [`s${rnd(300)}`, `d${rnd(3000)}`, first + rnd(5), 1 + rnd(3)]
        add(src, dst, day, n)
        cells.set(`${src},${dst},${day}`, (cells.get(`${src},${dst},${day}`) ?? 0) + n)
      } else if (op === 198) {
        edges.dropBefore(++first)
        for (const key of [...cells.keys()]) if (Number(key.split(',')[2]) < first) cells.delete(key)
      } else {
        const [src, dst, day] = [`s${rnd(300)}`, `d${rnd(3000)}`, first + rnd(5)]
        expect(edges.count(ids.intern(src), ids.intern(dst), day)).toBe(cells.get(`${src},${dst},${day}`) ?? 0)
      }
    }
    const sums = new Map<string, Map<string, number>>()
    for (const [key, n] of cells) {
      const [src, dst] = key.split(',') as [string, string]
      const row = sums.get(src) ?? sums.set(src, new Map()).get(src)!
      row.set(dst, (row.get(dst) ?? 0) + n)
    }
    expect(edges.size).toBe([...sums.values()].reduce((n, row) => n + row.size, 0))
    for (const [src, row] of sums) {
      const expected = [...row].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10)
      expect(edges.top(ids.intern(src), 10)).toEqual(expected)
      expect(edges.total(ids.intern(src))).toBe([...row.values()].reduce((a, b) => a + b, 0))
    }
  })

  it('drains the edges and days changed since the last drain at their counts, across drops and compactions, and not restores', () => {
    const random = mulberry32(11)
    const rnd = (n: number) => Math.floor(random() * n)
    const ids = new ItemIds()
    const edges = new EdgeTable(ids)
    const counts = new Map<string, number>()
    let changed = new Set<string>()
    const changes = () => new Map([...changed].map((key) => [key, counts.get(key)]))
    const drain = () => {
      const drained = new Map<string, number>()
      // An edge touched out of day order has two cells on a day: it comes twice, at the same count.
      edges.drainChanges((src, dst, day, n) => drained.set(`${ids.name(src)},${ids.name(dst)},${day}`, n))
      return drained
    }
    let first = 0
    let drains = 0
    for (let i = 0; i < 60_000; i++) {
      const op = rnd(400)
      if (op < 396) {
        const [src, dst, day, n] = [`s${rnd(300)}`, `d${rnd(3000)}`, first + rnd(5), 1 + rnd(3)]
        const restore = rnd(10) === 0
        const key = `${src},${dst},${day}`
        edges.add(ids.intern(src), ids.intern(dst), day, n, !restore)
        counts.set(key, (counts.get(key) ?? 0) + n)
        if (!restore) changed.add(key)
      } else if (op < 398) {
        edges.dropBefore(++first)
        for (const key of [...changed]) if (Number(key.split(',')[2]) < first) changed.delete(key)
      } else {
        expect(drain()).toEqual(changes())
        changed = new Set()
        drains++
      }
    }
    expect(drain()).toEqual(changes())
    expect(drain().size).toBe(0)
    expect(drains).toBeGreaterThan(100)
  })

  it('tracks nothing unless asked to', () => {
    const { edges, add } = table()
    add('x', 'y', 1)
    let visited = 0
    edges.drainChanges(() => visited++)
    expect(visited).toBe(0)
  })
})

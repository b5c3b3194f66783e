import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { SiteModel } from './site-model'

const model = () => new SiteModel({ windowDays: 3, topK: 20 })

describe('SiteModel', () => {
  it('counts consecutive items of a session, repeats included', () => {
    const m = model()
    m.advance(100)
    expect(m.observe('s1', 'A', 100 * DAY_MS, 100)).toEqual([])
    expect(m.observe('s1', 'B', 100 * DAY_MS, 100)).toEqual([
      { kind: 'next', src: 'A', dst: 'B', day: 100, n: 1 },
      { kind: 'related', src: 'A', dst: 'B', day: 100, n: 30 },
      { kind: 'related', src: 'B', dst: 'A', day: 100, n: 6 },
    ])
    m.observe('s1', 'B', 100 * DAY_MS, 100)
    m.observe('s2', 'A', 100 * DAY_MS, 100)
    m.observe('s2', 'B', 100 * DAY_MS, 100)
    expect(m.row('A')).toMatchObject({ total: 2, next: [['B', 2]] })
    expect(m.row('B')).toMatchObject({ total: 1, next: [['B', 1]] })
  })

  it('weighs items up to three steps later and earlier by distance', () => {
    const m = model()
    m.advance(100)
    for (const item of ['A', 'B', 'C', 'D', 'E']) m.observe('s', item, 100 * DAY_MS, 100)
    // A: B one step later (30), C two (15), D three (10); E is four steps away and not counted.
    expect(m.row('A')!.related).toEqual({ total: 55, items: [['B', 30], ['C', 15], ['D', 10]] })
    // C: D (30), E (15) after it; B (6), A (3) before it.
    expect(m.row('C')!.related).toEqual({ total: 54, items: [['D', 30], ['E', 15], ['B', 6], ['A', 3]] })
    expect(m.row('E')).toEqual({ total: 0, next: [], related: { total: 11, items: [['D', 6], ['C', 3], ['B', 2]] } })
  })

  it('drops days that leave the window and reports the rows that changed', () => {
    const m = model()
    m.advance(100)
    m.observe('s', 'A', 100 * DAY_MS, 100)
    m.observe('s', 'B', 100 * DAY_MS, 100)
    m.advance(101)
    m.observe('s', 'A', 101 * DAY_MS, 101)
    expect(m.advance(102)).toEqual([])
    expect(m.advance(103).sort()).toEqual(['A', 'B'])
    // Day 101 keeps what the second A linked: B → A, and A two steps after A.
    expect(m.row('A')).toEqual({ total: 0, next: [], related: { total: 24, items: [['A', 18], ['B', 6]] } })
    expect(m.row('B')).toMatchObject({ total: 1, next: [['A', 1]] })
  })

  it('ends a session idle for a whole day', () => {
    const m = model()
    m.advance(100)
    m.observe('s', 'A', 100 * DAY_MS, 100)
    m.advance(102)
    expect(m.observe('s', 'B', 102 * DAY_MS, 102)).toEqual([])
  })

  it('does not count a transition older than the window', () => {
    const m = model()
    m.advance(100)
    m.observe('s', 'A', 90 * DAY_MS, 90)
    expect(m.observe('s', 'B', 90 * DAY_MS, 90)).toEqual([])
    expect(m.row('A')).toBeUndefined()
  })
})

import { describe, expect, it } from 'vitest'
import { SiteModel } from './site-model'

const model = () => new SiteModel({ windowDays: 3, topK: 20 })

describe('SiteModel', () => {
  it('counts consecutive items of a session, repeats included', () => {
    const m = model()
    m.advance(100)
    expect(m.observe('s1', 'A', 0, 100)).toBeUndefined()
    expect(m.observe('s1', 'B', 0, 100)).toEqual({ src: 'A', dst: 'B', day: 100 })
    m.observe('s1', 'B', 0, 100)
    m.observe('s2', 'A', 0, 100)
    m.observe('s2', 'B', 0, 100)
    expect(m.row('A')).toEqual({ total: 2, next: [['B', 2]] })
    expect(m.row('B')).toEqual({ total: 1, next: [['B', 1]] })
  })

  it('drops days that leave the window and reports the rows that changed', () => {
    const m = model()
    m.advance(100)
    m.observe('s', 'A', 0, 100)
    m.observe('s', 'B', 0, 100)
    m.advance(101)
    m.observe('s', 'A', 0, 101)
    expect(m.advance(102)).toEqual([])
    expect(m.advance(103)).toEqual(['A'])
    expect(m.row('A')).toBeUndefined()
    expect(m.row('B')).toEqual({ total: 1, next: [['A', 1]] })
  })

  it('does not count a transition older than the window', () => {
    const m = model()
    m.advance(100)
    m.observe('s', 'A', 0, 90)
    expect(m.observe('s', 'B', 0, 90)).toBeUndefined()
    expect(m.row('A')).toBeUndefined()
  })
})

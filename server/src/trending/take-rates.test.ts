import type { Event } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { TakeRates } from './take-rates'

const MIN = 60_000
let n = 0
const shown = (ts: number, list: string, ...items: string[]): Event => ({ id: `i${++n}`, type: 'impression', items, list, session: 's', ts })
const click = (ts: number, item: string, list?: string): Event => ({ id: `c${++n}`, type: 'click', item, session: 's', ts, ...(list ? { list } : {}) })

describe('TakeRates', () => {
  it('joins clicks to impressions of the same list, per item and epoch', () => {
    const t = new TakeRates()
    expect(t.observe(shown(0, 'L1', 'A', 'B'))).toBe('counted')
    expect(t.observe(shown(1 * MIN, 'L2', 'A'))).toBe('counted')
    expect(t.observe(click(2 * MIN, 'A', 'L1'))).toBe('counted')
    // Clicked without a list, or in a list that never showed it: nothing to join.
    expect(t.observe(click(3 * MIN, 'B'))).toBe('recent')
    expect(t.observe(click(3 * MIN, 'B', 'L2'))).toBe('recent')
    expect(t.cell(0, 'A')).toEqual({ impressions: 2, clicks: 1 })
    expect(t.cell(0, 'B')).toEqual({ impressions: 1, clicks: 0 })
  })

  it('counts an event late within the allowed lateness and drops a later one', () => {
    const t = new TakeRates()
    t.observe(shown(10 * MIN, 'L', 'A'))
    t.observe(shown(33 * MIN, 'L', 'B')) // epoch 1; epoch 0 ended at 30 min
    expect(t.observe(click(29 * MIN, 'A', 'L'))).toBe('counted') // 3 min after the end: within 5
    t.observe(shown(36 * MIN, 'L', 'B')) // now 6 min after epoch 0 ended
    expect(t.observe(click(29 * MIN, 'A', 'L'))).toBe('late')
    expect(t.cell(0, 'A')).toEqual({ impressions: 1, clicks: 1 })
  })

  it('counts every click per item over the last 10 minutes of event time', () => {
    const t = new TakeRates()
    t.observe(click(0, 'A'))
    t.observe(click(5 * MIN, 'A', 'L'))
    t.observe(click(9 * MIN, 'B'))
    expect(t.recentClicks()).toEqual({ A: 2, B: 1 })
    t.observe(click(12 * MIN, 'B'))
    // Minute 0 has left the window (minutes 3..12 remain).
    expect(t.recentClicks()).toEqual({ A: 1, B: 2 })
  })

  it('ranks by smoothed take rate over the recent epochs', () => {
    const t = new TakeRates({ prior: 10 })
    for (let i = 0; i < 10; i++) t.observe(shown(i, 'L', 'A', 'B'))
    for (let i = 0; i < 5; i++) t.observe(click(20 + i, 'A', 'L'))
    t.observe(click(30, 'B', 'L'))
    // Site rate 6 / 20 = 0.3; A: (5 + 3) / 20 = 0.4; B: (1 + 3) / 20 = 0.2.
    expect(t.trending(10)).toEqual([
      { item: 'A', impressions: 10, clicks: 5, rate: 0.4 },
      { item: 'B', impressions: 10, clicks: 1, rate: 0.2 },
    ])
  })
})

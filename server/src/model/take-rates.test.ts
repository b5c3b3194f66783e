import { describe, expect, it } from 'vitest'
import { DEFAULT_MODEL_OPTIONS } from './rules'
import { TakeRates } from './take-rates'

const MIN = 60_000
const rates = (o: Partial<typeof DEFAULT_MODEL_OPTIONS> = {}) => new TakeRates({ ...DEFAULT_MODEL_OPTIONS, ...o })

describe('TakeRates', () => {
  it('joins clicks to impressions of the same list, per item and epoch', () => {
    const t = rates()
    t.impression(['A', 'B'], 'L1', 0)
    t.impression(['A'], 'L2', 1 * MIN)
    expect(t.click('A', 'L1', 2 * MIN)).toBe(true)
    // Clicked without a list, or in a list that never showed it: nothing to join.
    expect(t.click('B', undefined, 3 * MIN)).toBe(false)
    expect(t.click('B', 'L2', 3 * MIN)).toBe(false)
    expect(t.cell(0, 'A')).toEqual({ impressions: 2, clicks: 1 })
    expect(t.cell(0, 'B')).toEqual({ impressions: 1, clicks: 0 })
  })

  it('joins a click to an impression of the epoch before, and keeps lists and items apart', () => {
    const t = rates()
    t.impression(['b\0c'], 'a', 29 * MIN)
    expect(t.click('c', 'a\0b', 31 * MIN)).toBe(false)
    expect(t.click('b\0c', 'a', 31 * MIN)).toBe(true)
    expect(t.cell(1, 'b\0c')).toEqual({ impressions: 0, clicks: 1 })
  })

  it('counts every click per item over the last 10 minutes of the site time', () => {
    const t = rates()
    t.click('A', undefined, 0)
    t.click('A', 'L', 5 * MIN)
    t.click('__proto__', undefined, 9 * MIN)
    t.advance(9 * MIN)
    expect(t.recentClicks()).toEqual({ A: 2, ['__proto__']: 1 })
    t.click('__proto__', undefined, 12 * MIN)
    t.advance(12 * MIN)
    // Minute 0 has left the window (minutes 3..12 remain).
    expect({ ...t.recentClicks() }).toEqual({ A: 1, ['__proto__']: 2 })
  })

  it('ranks by smoothed take rate over the recent epochs of the site time, and forgets older ones', () => {
    const t = rates({ prior: 10 })
    for (let i = 0; i < 10; i++) t.impression(['A', 'B'], 'L', i)
    for (let i = 0; i < 5; i++) t.click('A', 'L', 20 + i)
    t.click('B', 'L', 30)
    t.advance(30)
    // Site rate 6 / 20 = 0.3; A: (5 + 3) / 20 = 0.4; B: (1 + 3) / 20 = 0.2.
    expect(t.trending(10)).toEqual([
      { item: 'A', impressions: 10, clicks: 5, rate: 0.4 },
      { item: 'B', impressions: 10, clicks: 1, rate: 0.2 },
    ])
    // Four epochs on (two hours), epoch 0 is out of the ranking; two more and no click can join it: forgotten.
    expect(t.advance(4 * 30 * MIN)).toEqual([])
    expect(t.trending(10)).toEqual([])
    expect(t.advance(5 * 30 * MIN)).toEqual([])
    expect(t.advance(6 * 30 * MIN)).toEqual([0])
    expect(t.exportEpoch(0)).toBeNull()
  })
})

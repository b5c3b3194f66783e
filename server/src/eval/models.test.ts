import { describe, expect, it } from 'vitest'
import type { Session } from '../history'
import { latestDay, shipped } from './models'

const DAY = 86_400_000
const untimed = (items: string[], id: string): Session => ({ id, items })
const timed = (items: string[], id: string, start: number): Session => ({ id, items, times: items.map((_, i) => start + i * 1000) })

describe('shipped: the self-validation on the training data', () => {
  it('scores the latest sessions against a model that never saw them (untimed: the last day-share in file order)', () => {
    // One day of a 2-day window is the last half. If the validation read its own day, C → D would hit.
    const train = [untimed(['A', 'B'], '1'), untimed(['C', 'D'], '2')]
    expect(latestDay(train, 2)).toEqual({ before: [train[0]], day: [train[1]] })
    const model = shipped({ windowDays: 2 })(train)
    expect(model.validation).toMatchObject({ cases: 1, hr: 0, mrr: 0 })
    // The test uses the whole training data, the latest day included.
    expect(model.predict(['C']).ranked[0]?.[0]).toBe('D')
  })

  it('takes the sessions ending on the last day when the sessions carry times', () => {
    const train = [timed(['A', 'B'], '1', 0), timed(['C', 'D'], '2', DAY + 5000), timed(['A', 'B'], '3', 3 * DAY)]
    expect(latestDay(train, 60)).toEqual({ before: train.slice(0, 2), day: [train[2]] })
    // A → B was seen on day 0: the latest day's case hits, first.
    expect(shipped()(train).validation).toMatchObject({ cases: 1, hr: 1, mrr: 1 })
    const novel = [timed(['A', 'B'], '1', 0), timed(['C', 'D'], '2', 3 * DAY)]
    expect(shipped()(novel).validation).toMatchObject({ cases: 1, hr: 0 })
  })
})

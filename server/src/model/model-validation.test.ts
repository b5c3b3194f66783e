import type { Event } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { Model } from './model'
import { decodeEntry, encodeEntry, type StateEntry } from './state-codec'

const DAY1 = 20_000 * DAY_MS + 8 * 3_600_000
let n = 0
const click = (session: string, item: string, ts: number): Event => ({ id: `e${++n}`, type: 'click', item, session, ts })
const sessions = (model: Model, ts: number, trails: string[][]) =>
  trails.forEach((trail, s) => trail.forEach((item, i) => model.observe('shop', click(`${ts}-${s}`, item, ts + i * 1000), ts + i * 1000)))

describe('Model: the self-validation at each new day of event time', () => {
  it('scores the finished day against the rows as they were before it, and chooses the parameters', () => {
    const m = new Model({}, { validation: {} })
    sessions(m, DAY1, [['A', 'B'], ['A', 'B'], ['A', 'B']])
    expect(m.validation('shop')).toBeUndefined()
    // Day 2: A → B (known) and C → D (new that day: if the validation read its own day, it would hit).
    sessions(m, DAY1 + DAY_MS, [['A', 'B'], ['C', 'D'], ['X', 'X']])
    // Day 1 was scored when day 2 began, against nothing (no day before it).
    expect(m.validation('shop')).toMatchObject({ day: Math.floor(DAY1 / DAY_MS), cases: 3, hr: 0 })
    // The first event of day 3 finishes day 2, before that event counts.
    sessions(m, DAY1 + 2 * DAY_MS, [['E']])
    const v = m.validation('shop')!
    expect(v).toMatchObject({ day: Math.floor((DAY1 + DAY_MS) / DAY_MS), cases: 3, sessions: 3 })
    // A → B ranks first; C → D is a miss; X → X ranks first only with the repeat channel on.
    expect(v.params.repeat).toBeGreaterThan(0)
    expect(v).toMatchObject({ hr: 2 / 3, mrr: 2 / 3 })
    // The rows themselves did learn day 2.
    expect(m.counts.rowOf('shop', 'C')).toMatchObject({ next: [['D', 1]] })
  })

  it('reads the same rows before the finished day all through the next one: a late click counts into the day before the site’s', () => {
    const m = new Model({ windowDays: 5 }, { validation: {} })
    sessions(m, DAY1, [['A', 'B']])
    sessions(m, DAY1 + DAY_MS, [['A', 'C']])
    sessions(m, DAY1 + 2 * DAY_MS, [['A', 'D']])
    const day = Math.floor(DAY1 / DAY_MS) + 2
    const before = m.counts.rowsBefore('shop', day)('A')
    expect(before).toMatchObject({ total: 2 })
    // Day 4 begins; a click stamped on day 1 (three days late) and one of day 3 arrive during it.
    sessions(m, DAY1 + 3 * DAY_MS, [['E']])
    sessions(m, DAY1 + 3 * DAY_MS + 1000, [['A', 'F']])
    m.observe('shop', click('late-1', 'A', DAY1), DAY1 + 3 * DAY_MS + 2000)
    m.observe('shop', click('late-1', 'G', DAY1 + 1), DAY1 + 3 * DAY_MS + 3000)
    m.observe('shop', click('late-3', 'A', DAY1 + 2 * DAY_MS), DAY1 + 3 * DAY_MS + 4000)
    m.observe('shop', click('late-3', 'H', DAY1 + 2 * DAY_MS + 1), DAY1 + 3 * DAY_MS + 5000)
    expect(m.counts.rowsBefore('shop', day)('A')).toEqual(before)
    // Both late clicks do count, in the window's rows.
    expect(m.counts.rowOf('shop', 'A')!.next.map(([item]) => item).sort()).toEqual(['B', 'C', 'D', 'F', 'G', 'H'])
  })

  it('validates on demand on the last finished day, and not at all when off', () => {
    const m = new Model({}, { validation: {} })
    expect(m.validate('shop')).toBeUndefined()
    sessions(m, DAY1, [['A', 'B']])
    sessions(m, DAY1 + DAY_MS, [['A', 'B']])
    sessions(m, DAY1 + 2 * DAY_MS, [['A']])
    // Day 3 has begun: day 2 is the last finished day, whatever day 3 has added since.
    sessions(m, DAY1 + 2 * DAY_MS + 1000, [['C', 'D']])
    expect(m.validate('shop')).toMatchObject({ day: Math.floor(DAY1 / DAY_MS) + 1, cases: 1, hr: 1, mrr: 1 })
    const off = new Model()
    sessions(off, DAY1, [['A', 'B']])
    sessions(off, DAY1 + DAY_MS, [['A', 'B']])
    expect(off.validate('shop')).toBeUndefined()
  })

  it('keeps the chosen parameters as model state: a restored model has them, a removed site loses them', () => {
    const m = new Model({}, { validation: {} })
    sessions(m, DAY1, [['A', 'B']])
    sessions(m, DAY1 + DAY_MS, [['A', 'B'], ['X', 'X']])
    sessions(m, DAY1 + 2 * DAY_MS, [['E']])
    const stored = new Map<string, Buffer | null>()
    const drain = () => m.drainState((entry: StateEntry) => void stored.set(...encodeEntry(entry)))
    drain()
    const restored = new Model({}, { validation: {} })
    for (const [key, value] of stored) if (value) restored.restore(decodeEntry(key, value))
    restored.restored()
    expect(restored.validation('shop')).toEqual(m.validation('shop'))
    m.configure('shop', null)
    drain()
    expect([...stored].filter(([key]) => key.startsWith('v'))).toEqual([['v4:shop', null]])
    // The site's day sample went with it.
    expect([...stored].filter(([key, value]) => /^[yj]/.test(key) && value !== null)).toEqual([])
  })

  it('keeps the day sample as model state: restarted mid-day, it validates the day as if it had never stopped', () => {
    const day1 = Array.from({ length: 40 }, (_, s) => ['A', 'B', 'C', 'D'].slice(s % 3, (s % 3) + 2))
    const day2 = Array.from({ length: 40 }, (_, s) => ['A', 'B', 'C', 'D', 'A'].slice(s % 4, (s % 4) + 2 + (s % 2)))
    const whole = new Model({}, { validation: {} })
    sessions(whole, DAY1, day1)
    sessions(whole, DAY1 + DAY_MS, day2.slice(0, 25))
    sessions(whole, DAY1 + DAY_MS + 3_600_000, day2.slice(25))
    sessions(whole, DAY1 + 2 * DAY_MS, [['E']])
    // The same events, with a restart from the stored state halfway through day 2.
    const stored = new Map<string, Buffer | null>()
    const first = new Model({}, { validation: {} })
    sessions(first, DAY1, day1)
    sessions(first, DAY1 + DAY_MS, day2.slice(0, 25))
    first.drainState((entry: StateEntry) => void stored.set(...encodeEntry(entry)))
    const second = new Model({}, { validation: {} })
    for (const [key, value] of stored) if (value) second.restore(decodeEntry(key, value))
    second.restored()
    sessions(second, DAY1 + DAY_MS + 3_600_000, day2.slice(25))
    sessions(second, DAY1 + 2 * DAY_MS, [['E']])
    expect(whole.validation('shop')).toMatchObject({ day: Math.floor(DAY1 / DAY_MS) + 1, sessions: 40 })
    expect(second.validation('shop')).toEqual(whole.validation('shop'))
  })
})

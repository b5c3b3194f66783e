import { describe, expect, it } from 'vitest'
import { DaySample, type SampleWrite } from './day-sample'

/** Applies drained writes as a store keeps them: the latest value of each key. */
function keep(store: Map<string, SampleWrite>, sample: DaySample): void {
  sample.drain((w) => store.set('days' in w ? 'days' : `${w.latest}:${w.session}`, w))
}

describe('DaySample', () => {
  it('keeps the trails of the finished day, each in click order, the sessions in the order of their hash', () => {
    const sample = new DaySample()
    sample.add('s1', 'A', 1)
    sample.add('s2', 'X', 1)
    sample.add('s1', 'B', 1)
    expect(sample.latest()).toBeUndefined()
    sample.add('s1', 'C', 2)
    expect(sample.latest()).toEqual({ day: 1, sessions: [['X'], ['A', 'B']] })
  })

  it('keeps the same sessions whatever the order they arrive in, at most maxSessions, each cut to maxItems', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `s${i}`)
    const keep = (order: string[]) => {
      const sample = new DaySample({ maxSessions: 20, maxItems: 2 })
      for (const id of order) for (const item of ['A', 'B', 'C']) sample.add(id, `${id}:${item}`, 5)
      sample.add('next-day', 'Z', 6)
      return sample.latest()!.sessions
    }
    const forward = keep(ids)
    expect(forward).toHaveLength(20)
    expect(keep([...ids].reverse())).toEqual(forward)
    expect(forward.every((s) => s.length === 2)).toBe(true)
  })

  it('is restored mid-day from what it drained, and finishes the day as if it had never stopped', () => {
    const ids = Array.from({ length: 60 }, (_, i) => `s${i}`)
    const options = { maxSessions: 10, maxItems: 3 }
    const whole = new DaySample(options)
    const first = new DaySample(options)
    const store = new Map<string, SampleWrite>()
    const feed = (samples: DaySample[], from: number, to: number, day: number) => {
      for (let i = from; i < to; i++) for (const s of samples) s.add(ids[i % ids.length]!, `${day}:${i}`, day)
    }
    feed([whole, first], 0, 100, 1)
    feed([whole, first], 0, 80, 2)
    keep(store, first)
    const second = new DaySample(options)
    for (const w of store.values()) second.restore(w)
    second.restored()
    expect(second.latest()).toEqual(whole.latest())
    feed([whole, second], 80, 150, 2)
    keep(store, second)
    const third = new DaySample(options)
    for (const w of store.values()) third.restore(w)
    third.restored()
    for (const s of [whole, third]) s.add('x', 'X', 3)
    expect(third.latest()).toEqual(whole.latest())
    expect(third.latest()!.sessions).toHaveLength(10)
  })
})

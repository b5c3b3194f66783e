import { describe, expect, it } from 'vitest'
import { DaySample } from './day-sample'

describe('DaySample', () => {
  it('keeps the trails of the finished day, in click order', () => {
    const sample = new DaySample()
    sample.add('s1', 'A', 1)
    sample.add('s2', 'X', 1)
    sample.add('s1', 'B', 1)
    expect(sample.latest()).toBeUndefined()
    sample.add('s1', 'C', 2)
    expect(sample.latest()).toEqual({ day: 1, sessions: [['A', 'B'], ['X']] })
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
    const backward = keep([...ids].reverse())
    expect(forward).toHaveLength(20)
    expect(new Set(forward.map((s) => s[0]))).toEqual(new Set(backward.map((s) => s[0])))
    expect(forward.every((s) => s.length === 2)).toBe(true)
  })
})

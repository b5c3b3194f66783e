import { describe, expect, it } from 'vitest'
import { sessionFeatures } from './features'

describe('sessionFeatures', () => {
  it('measures the session and lists its recent categories, newest first', () => {
    const attrs: Record<string, { category: string }> = { A: { category: 'lamps' }, B: { category: 'mugs' }, C: { category: 'lamps' } }
    expect(sessionFeatures(['A', 'B', 'A', 'C'], [1000, 5000, 9000, 61_000], (item) => attrs[item])).toEqual({
      durationMs: 60_000,
      interactions: 4,
      distinctItems: 3,
      recentCategories: ['lamps', 'mugs'],
    })
    expect(sessionFeatures([], [], () => undefined)).toEqual({ durationMs: 0, interactions: 0, distinctItems: 0, recentCategories: [] })
  })
})

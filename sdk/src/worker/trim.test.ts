import { describe, expect, it } from 'vitest'
import { sizeOf, trimEntries } from './trim'

describe('trimEntries', () => {
  const events = Array.from({ length: 10 }, (_, i) => ({ id: `e${i}` }))
  it('drops the oldest beyond the event bound', () => {
    expect(trimEntries(events, 4, Infinity)).toBe(6)
    expect(trimEntries(events, 10, Infinity)).toBe(0)
    expect(trimEntries([], 4, 100)).toBe(0)
  })
  it('drops the oldest beyond the byte bound', () => {
    expect(trimEntries(events, 100, 3 * sizeOf(events[0]))).toBe(7)
    expect(trimEntries(events, 100, 0)).toBe(10)
  })
})

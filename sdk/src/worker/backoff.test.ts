import { describe, expect, it } from 'vitest'
import { backoffDelay, parseRetryAfter } from './backoff'

describe('backoffDelay', () => {
  it('doubles the ceiling with each attempt, between half and all of it', () => {
    expect(backoffDelay(1, undefined, { random: () => 0 })).toBe(250)
    expect(backoffDelay(1, undefined, { random: () => 0.999999 })).toBeCloseTo(500)
    expect(backoffDelay(2, undefined, { random: () => 0 })).toBe(500)
    expect(backoffDelay(4, undefined, { random: () => 0.5 })).toBe(3000)
  })

  it('never exceeds the cap', () => {
    expect(backoffDelay(50, undefined, { random: () => 0.999999 })).toBeLessThanOrEqual(30_000)
    expect(backoffDelay(50, undefined, { random: () => 0 })).toBe(15_000)
    expect(backoffDelay(3, undefined, { cap: 1000, random: () => 0 })).toBe(500)
  })

  it('waits at least as long as Retry-After asks', () => {
    expect(backoffDelay(1, 5000, { random: () => 0 })).toBe(5000)
    expect(backoffDelay(10, 1000, { random: () => 0 })).toBe(15_000)
    expect(backoffDelay(1, 3_600_000, { random: () => 0 })).toBe(300_000)
  })

  it('spreads retries after the same Retry-After: up to half the ceiling on top', () => {
    expect(backoffDelay(1, 5000, { random: () => 0.5 })).toBe(5125)
    expect(backoffDelay(3, 5000, { random: () => 0.999999 })).toBeCloseTo(6000)
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(2, 10_000)))
    expect(delays.size).toBeGreaterThan(40)
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(10_000)
  })
})

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z')

  it('reads seconds', () => {
    expect(parseRetryAfter('7', now)).toBe(7000)
    expect(parseRetryAfter('0', now)).toBe(0)
  })

  it('reads an HTTP date', () => {
    expect(parseRetryAfter('Wed, 01 Jan 2025 00:00:30 GMT', now)).toBe(30_000)
    expect(parseRetryAfter('Tue, 31 Dec 2024 00:00:00 GMT', now)).toBe(0)
  })

  it('ignores absent or invalid values', () => {
    expect(parseRetryAfter(null, now)).toBeUndefined()
    expect(parseRetryAfter('', now)).toBeUndefined()
    expect(parseRetryAfter('soon', now)).toBeUndefined()
    expect(parseRetryAfter('-3', now)).toBeUndefined()
  })
})

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

  it('waits as long as Retry-After asks, plus a random spread of half that wait or the exponential ceiling', () => {
    expect(backoffDelay(1, 5000, { random: () => 0 })).toBe(5000)
    expect(backoffDelay(1, 5000, { random: () => 0.5 })).toBe(6250)
    expect(backoffDelay(1, 5000, { random: () => 0.999999 })).toBeCloseTo(7500, 0)
    // Later attempts spread over the exponential ceiling when it is wider.
    expect(backoffDelay(10, 1000, { random: () => 0 })).toBe(1000)
    expect(backoffDelay(10, 1000, { random: () => 0.5 })).toBe(16_000)
    expect(backoffDelay(1, 3_600_000, { random: () => 0 })).toBe(300_000)
  })

  it('spreads a fleet told the same Retry-After over a window, none of it earlier', () => {
    let seed = 1
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646
    const delays = Array.from({ length: 10_000 }, () => backoffDelay(1, 5000, { random }))
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(5000)
    expect(Math.max(...delays)).toBeLessThanOrEqual(7500)
    // Uniform over the window: no half-second of it gets more than its share (1/5) plus noise.
    const perHalfSecond = new Array<number>(5).fill(0)
    for (const d of delays) perHalfSecond[Math.min(4, Math.floor((d - 5000) / 500))]!++
    for (const count of perHalfSecond) expect(count).toBeLessThan(2300)
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

import { describe, expect, it } from 'vitest'
import { MessageRate } from './message-rate'

describe('MessageRate', () => {
  it('allows the burst at once, then the rate, and never more than the burst after a pause', () => {
    const rate = new MessageRate(10, 3, 0)
    expect([rate.take(0), rate.take(0), rate.take(0), rate.take(0)]).toEqual([true, true, true, false])
    expect(rate.take(50)).toBe(false)
    expect(rate.take(100)).toBe(true)
    expect(rate.take(100)).toBe(false)
    const taken = [0, 1, 2, 3, 4].map(() => rate.take(60_000)).filter(Boolean).length
    expect(taken).toBe(3)
  })

  it('does not refill when the clock goes backwards', () => {
    const rate = new MessageRate(10, 1, 1000)
    expect(rate.take(1000)).toBe(true)
    expect(rate.take(0)).toBe(false)
  })
})

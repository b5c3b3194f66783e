import { describe, expect, it } from 'vitest'
import { clockOffset } from './clock-offset'

describe('clockOffset', () => {
  const server = Date.parse('2026-12-07T12:00:00Z')
  it('measures a device clock hours behind or ahead', () => {
    const behind = server - 3 * 3_600_000
    expect(clockOffset(new Date(server).toUTCString(), behind - 100, behind + 100)).toBe(3 * 3_600_000 + 500)
    const ahead = server + 5 * 3_600_000
    expect(clockOffset(new Date(server).toUTCString(), ahead, ahead)).toBe(-5 * 3_600_000 + 500)
  })
  it('ignores a skew within the resolution of Date and the round trip', () => {
    expect(clockOffset(new Date(server).toUTCString(), server + 30_000, server + 31_000)).toBe(0)
  })
  it('knows nothing without a readable header', () => {
    expect(clockOffset(null, 0, 0)).toBeUndefined()
    expect(clockOffset('soon', 0, 0)).toBeUndefined()
  })
})

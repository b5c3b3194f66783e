import { describe, expect, it } from 'vitest'
import { keyMatches, newSecret, newWriteKey, rotateKeys } from './site-keys'

describe('site keys', () => {
  it('makes random base64url keys (24 bytes) and secrets (32 bytes)', () => {
    expect(newWriteKey()).toMatch(/^[\w-]{32}$/)
    expect(newSecret()).toMatch(/^[\w-]{43}$/)
    expect(newWriteKey()).not.toBe(newWriteKey())
  })

  it('keeps the previous key for the grace period and prunes expired ones on the next rotation', () => {
    const once = rotateKeys([{ key: 'k1' }], 'k2', 1000, 500)
    expect(once).toEqual([{ key: 'k2' }, { key: 'k1', expiresAt: 1500 }])
    expect(keyMatches(once, 'k1', 1499)).toBe(true)
    expect(keyMatches(once, 'k1', 1500)).toBe(false)
    expect(keyMatches(once, 'k2', 10_000)).toBe(true)
    expect(rotateKeys(once, 'k3', 2000, 500)).toEqual([{ key: 'k3' }, { key: 'k2', expiresAt: 2500 }])
    expect(rotateKeys([{ key: 'k1' }], 'k2', 1000, 0)).toEqual([{ key: 'k2' }])
  })

  it('matches only whole keys', () => {
    expect(keyMatches([{ key: 'abc' }], 'ab', 0)).toBe(false)
    expect(keyMatches([{ key: 'abc' }], 'abcd', 0)).toBe(false)
    expect(keyMatches([], '', 0)).toBe(false)
  })
})

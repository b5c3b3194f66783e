import { describe, expect, it } from 'vitest'
import { isExpired, touchSession } from './session'

const MIN = 60_000
const newId = () => 'new'

describe('touchSession', () => {
  it('starts a session when there is none', () => {
    expect(touchSession(undefined, 1000, newId)).toEqual({ meta: { session: 'new', lastActivity: 1000 }, rotated: true })
  })

  it('continues a session active within 30 minutes', () => {
    const meta = { session: 's1', lastActivity: 0, cursor: '7.2' }
    expect(touchSession(meta, 29 * MIN, newId)).toEqual({ meta: { session: 's1', lastActivity: 29 * MIN, cursor: '7.2' }, rotated: false })
    expect(touchSession(meta, 30 * MIN, newId).rotated).toBe(false)
  })

  it('starts a new session after 30 minutes idle, keeping the stream cursor', () => {
    const meta = { session: 's1', lastActivity: 0, cursor: '7.2' }
    expect(touchSession(meta, 30 * MIN + 1, newId)).toEqual({ meta: { session: 'new', lastActivity: 30 * MIN + 1, cursor: '7.2' }, rotated: true })
  })

  it('never moves last activity back when the clock does', () => {
    expect(touchSession({ session: 's1', lastActivity: 5000 }, 4000, newId).meta.lastActivity).toBe(5000)
  })
})

describe('isExpired', () => {
  it('honours a custom idle time', () => {
    expect(isExpired(0, 11, 10)).toBe(true)
    expect(isExpired(0, 10, 10)).toBe(false)
  })
})

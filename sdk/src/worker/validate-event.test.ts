import { describe, expect, it } from 'vitest'
import { InvalidEventError } from './errors'
import { validateEvent } from './validate-event'

describe('validateEvent', () => {
  it('accepts an item event and an impression, before the session is known', () => {
    expect(validateEvent({ id: 'e1', type: 'click', item: 'P1', ts: 1 })).toEqual({ id: 'e1', type: 'click', item: 'P1', ts: 1, session: 'pending' })
    expect(validateEvent({ id: 'e2', type: 'impression', items: ['P1', 'P2'], list: 'grid', ts: 2, session: 's1' }).session).toBe('s1')
  })

  it('rejects what the server would refuse, naming the field', () => {
    expect(() => validateEvent({ id: 'e1', type: 'click', ts: 1 })).toThrow(InvalidEventError)
    expect(() => validateEvent({ id: 'e1', type: 'click', item: '', ts: 1 })).toThrow(/item/)
  })

  it('throws a named error that survives structured cloning by name', () => {
    try {
      validateEvent({ id: 'e1', type: 'cart', ts: -1, item: 'P1' })
      expect.unreachable()
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEventError)
      expect((error as Error).name).toBe('InvalidEventError')
      expect((error as Error).message).toMatch(/ts/)
    }
  })
})

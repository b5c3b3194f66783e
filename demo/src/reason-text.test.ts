import { describe, expect, it } from 'vitest'
import { describeReason } from './reason-text'

const names: Record<string, string> = { P1: 'Blue Runner' }
const nameOf = (id: string) => names[id] ?? id

describe('describeReason', () => {
  it('names the item the visitor came from and the share of next clicks', () => {
    const text = describeReason({ from: 'P1', via: 'next', count: 12, total: 30, weight: 1 }, nameOf)
    expect(text).toBe('after Blue Runner: 12 of 30 next clicks')
  })

  it('says "click" for a single next click', () => {
    expect(describeReason({ from: 'P9', via: 'next', count: 1, total: 1, weight: 1 }, nameOf)).toBe('after P9: 1 of 1 next click')
  })

  it('explains related items and the session’s own repeats', () => {
    expect(describeReason({ from: 'P1', via: 'related', count: 30, total: 90, weight: 1 }, nameOf)).toBe('often viewed near Blue Runner')
    expect(describeReason({ from: 'P1', via: 'repeat', count: 0, total: 0, weight: 0.02 }, nameOf)).toBe('you looked at it a moment ago')
    expect(describeReason({ from: 'lamps', via: 'profile', count: 0, total: 2, weight: 0.04 }, nameOf)).toBe('fits what you are looking at (lamps)')
    expect(describeReason({ from: 'P1', via: 'trending', count: 0, total: 0, weight: 0.4 }, nameOf)).toBe(
      'trending: other visitors often click it when shown',
    )
  })
})

import { describe, expect, it } from 'vitest'
import { describeReason } from './reason-text'

describe('describeReason', () => {
  it('names the item the visitor came from and the share of next clicks', () => {
    const names: Record<string, string> = { P1: 'Blue Runner' }
    const text = describeReason({ from: 'P1', count: 12, total: 30, weight: 1 }, (id) => names[id] ?? id)
    expect(text).toBe('after Blue Runner: 12 of 30 next clicks')
  })

  it('says "click" for a single next click', () => {
    expect(describeReason({ from: 'P9', count: 1, total: 1, weight: 1 }, (id) => id)).toBe('after P9: 1 of 1 next click')
  })
})

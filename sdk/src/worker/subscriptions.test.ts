import { describe, expect, it } from 'vitest'
import { diffItems, subscribeMessages, unsubscribeMessages } from './subscriptions'

describe('diffItems', () => {
  it('lists what to add and what to remove', () => {
    expect(diffItems(['a', 'b', 'c'], ['c', 'd', 'a'])).toEqual({ added: ['d'], removed: ['b'] })
    expect(diffItems([], ['a'])).toEqual({ added: ['a'], removed: [] })
  })
})

describe('subscribeMessages', () => {
  const held = (item: string) => item === 'a' || item === 'c'

  it('resumes held items from the cursor and asks for the full row of the others', () => {
    expect(subscribeMessages('demo', ['a', 'b', 'c', 'd'], held, { cursor: '42.0.7', epoch: 'k3' })).toEqual([
      { type: 'subscribe', site: 'demo', items: ['a', 'c'], cursor: '42.0.7', epoch: 'k3' },
      { type: 'subscribe', site: 'demo', items: ['b', 'd'] },
    ])
    // A cursor from an edge that named no epoch goes without one.
    expect(subscribeMessages('demo', ['a'], held, { cursor: '42' })).toEqual([{ type: 'subscribe', site: 'demo', items: ['a'], cursor: '42' }])
  })

  it('asks for full rows when no cursor was ever received', () => {
    expect(subscribeMessages('demo', ['a', 'b'], held, undefined)).toEqual([{ type: 'subscribe', site: 'demo', items: ['a', 'b'] }])
  })

  it('sends no empty message', () => {
    expect(subscribeMessages('demo', ['b'], held, { cursor: '3' })).toEqual([{ type: 'subscribe', site: 'demo', items: ['b'] }])
    expect(subscribeMessages('demo', [], held, { cursor: '3' })).toEqual([])
  })

  it('splits long lists', () => {
    const items = Array.from({ length: 5 }, (_, i) => `x${i}`)
    expect(subscribeMessages('demo', items, () => false, { cursor: '1' }, 2).map((m) => m.items)).toEqual([['x0', 'x1'], ['x2', 'x3'], ['x4']])
  })
})

describe('unsubscribeMessages', () => {
  it('splits long lists', () => {
    expect(unsubscribeMessages('demo', ['a', 'b', 'c'], 2)).toEqual([
      { type: 'unsubscribe', site: 'demo', items: ['a', 'b'] },
      { type: 'unsubscribe', site: 'demo', items: ['c'] },
    ])
  })
})

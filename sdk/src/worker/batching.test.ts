import { describe, expect, it } from 'vitest'
import { takeBatch, verdictOf } from './batching'

const sizes = (n: number, size: number) => Array.from({ length: n }, () => size)
const self = (n: number) => n

describe('takeBatch', () => {
  it('takes at most maxEvents', () => {
    expect(takeBatch(sizes(120, 10), self, { maxEvents: 50, maxBytes: 1e6 })).toHaveLength(50)
    expect(takeBatch(sizes(7, 10), self, { maxEvents: 50, maxBytes: 1e6 })).toHaveLength(7)
  })

  it('stops before the bytes limit', () => {
    expect(takeBatch(sizes(10, 100), self, { maxEvents: 50, maxBytes: 450 })).toHaveLength(4)
    expect(takeBatch(sizes(10, 100), self, { maxEvents: 50, maxBytes: 400 })).toHaveLength(4)
  })

  it('returns an oversized entry alone', () => {
    expect(takeBatch([900, 10], self, { maxEvents: 50, maxBytes: 500 })).toEqual([900])
    expect(takeBatch([10, 900], self, { maxEvents: 50, maxBytes: 500 })).toEqual([10])
  })

  it('returns nothing for an empty queue', () => {
    expect(takeBatch([], self, { maxEvents: 50, maxBytes: 500 })).toEqual([])
  })
})

describe('verdictOf', () => {
  it('treats 2xx as sent', () => {
    expect(verdictOf(202)).toBe('sent')
    expect(verdictOf(200)).toBe('sent')
  })

  it('retries on no answer, timeouts, rate limits and server errors', () => {
    for (const status of [0, 408, 429, 500, 502, 503]) expect(verdictOf(status)).toBe('retry')
  })

  it('drops batches the server can never accept', () => {
    for (const status of [400, 401, 404, 413, 415]) expect(verdictOf(status)).toBe('drop')
  })
})

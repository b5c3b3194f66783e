import { describe, expect, it } from 'vitest'
import { TokenBuckets, type BucketLimit } from './token-bucket'

const buckets = (limit: BucketLimit | undefined, maxKeys?: number) => new TokenBuckets({ limitOf: () => limit, maxKeys })

describe('TokenBuckets', () => {
  it('lets a full bucket spend its burst at once, then refuses with the wait until enough refilled', () => {
    const b = buckets({ perSecond: 10, burst: 20 })
    expect(b.take('s', 15, 0)).toEqual({ ok: true })
    expect(b.take('s', 5, 0)).toEqual({ ok: true })
    expect(b.take('s', 1, 0)).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(b.take('s', 15, 0)).toEqual({ ok: false, retryAfterSeconds: 2 })
    expect(b.take('s', 15, 1499)).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(b.take('s', 15, 1500)).toEqual({ ok: true })
  })

  it('answers Retry-After in whole seconds, at least 1', () => {
    const b = buckets({ perSecond: 1000, burst: 10 })
    b.take('s', 10, 0)
    expect(b.take('s', 1, 0)).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(buckets({ perSecond: 0.1, burst: 1 }).take('x', 1, 0)).toEqual({ ok: true })
  })

  it('never refills past the burst', () => {
    const b = buckets({ perSecond: 10, burst: 20 })
    b.take('s', 20, 0)
    expect(b.take('s', 21, 3_600_000)).toEqual({ ok: true }) // a full bucket, in debt by 1 after
    expect(b.take('s', 20, 3_600_000)).toEqual({ ok: false, retryAfterSeconds: 3 })
  })

  it('admits a cost above the burst only from a full bucket, leaving it in debt so the rate holds', () => {
    const b = buckets({ perSecond: 10, burst: 20 })
    expect(b.take('s', 50, 0)).toEqual({ ok: true })
    // 30 in debt: a full bucket again after 5 s.
    expect(b.take('s', 50, 4000)).toEqual({ ok: false, retryAfterSeconds: 1 })
    expect(b.take('s', 50, 5000)).toEqual({ ok: true })
  })

  it('keeps keys apart', () => {
    const b = buckets({ perSecond: 1, burst: 2 })
    expect(b.take('a', 2, 0).ok).toBe(true)
    expect(b.take('a', 1, 0).ok).toBe(false)
    expect(b.take('b', 2, 0).ok).toBe(true)
  })

  it('treats a null rate, or no limit, as unlimited and keeps nothing for it', () => {
    for (const b of [buckets({ perSecond: null, burst: 0 }), buckets(undefined)]) {
      for (let i = 0; i < 100; i++) expect(b.take('s', 500, 0)).toEqual({ ok: true })
      expect(b.size).toBe(0)
    }
  })

  it('reads the limit at each take, so a changed quota applies at once', () => {
    let limit: BucketLimit = { perSecond: 1, burst: 1 }
    const b = new TokenBuckets({ limitOf: () => limit })
    expect(b.take('s', 1, 0).ok).toBe(true)
    expect(b.take('s', 1, 0).ok).toBe(false)
    limit = { perSecond: null, burst: 1 }
    expect(b.take('s', 1, 0).ok).toBe(true)
  })

  it('checks without taking', () => {
    const b = buckets({ perSecond: 1, burst: 1 })
    expect(b.check('s', 1, 0)).toEqual({ ok: true })
    expect(b.check('s', 1, 0)).toEqual({ ok: true })
    b.take('s', 1, 0)
    expect(b.check('s', 1, 0)).toEqual({ ok: false, retryAfterSeconds: 1 })
  })

  it('forgets buckets that have refilled, so idle keys cost no memory', () => {
    const b = buckets({ perSecond: 1, burst: 1 })
    for (let i = 0; i < 100; i++) b.take(`k${i}`, 1, 0)
    expect(b.size).toBe(100)
    for (let i = 0; i < 60; i++) b.take('other', 0, 1000 + i)
    expect(b.size).toBeLessThanOrEqual(1)
  })

  it('stays within maxKeys under a flood of distinct keys, dropping the least recently used', () => {
    const b = buckets({ perSecond: 0.001, burst: 1 }, 1000)
    b.take('kept', 1, 0)
    for (let i = 0; i < 100_000; i++) {
      b.take(`flood${i}`, 1, 0)
      if (i % 500 === 0) b.take('kept', 1, 0) // still in use: stays, and stays empty
    }
    expect(b.size).toBe(1000)
    expect(b.take('kept', 1, 0).ok).toBe(false)
  })
  it('gives back a refunded take, never above the burst', () => {
    const buckets = new TokenBuckets({ limitOf: () => ({ perSecond: 0, burst: 2 }) })
    expect(buckets.take('a', 2, 0)).toEqual({ ok: true })
    expect(buckets.take('a', 1, 0).ok).toBe(false)
    buckets.refund('a', 1, 0)
    expect(buckets.take('a', 1, 0)).toEqual({ ok: true })
    buckets.refund('a', 5, 0)
    expect(buckets.take('a', 2, 0)).toEqual({ ok: true })
    expect(buckets.take('a', 1, 0).ok).toBe(false)
  })
})

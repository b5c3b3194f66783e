import { describe, expect, it } from 'vitest'
import { DAY_MS } from '../clock'
import { SeenIds } from './seen-ids'

describe('SeenIds', () => {
  it('tells a repeated id of a site, across growth, a drain and a restore, and forgets the ids of days gone', () => {
    const seen = new SeenIds()
    const ids = Array.from({ length: 20_000 }, (_, i) => `e-${i}`)
    for (const id of ids) expect(seen.add('shop', id, 10 * DAY_MS)).toBe(true)
    expect(ids.filter((id) => seen.add('shop', id, 11 * DAY_MS))).toEqual([])
    expect(seen.add('other', ids[0]!, 11 * DAY_MS)).toBe(true)
    const restored = new SeenIds()
    for (const [day, hashes] of seen.drain()) restored.restore(day, hashes)
    expect(ids.filter((id) => restored.add('shop', id, 12 * DAY_MS))).toEqual([])
    expect(restored.add('other', ids[0]!, 12 * DAY_MS)).toBe(false)
    restored.forgetBefore(11)
    expect(restored.add('shop', ids[1]!, 12 * DAY_MS)).toBe(true)
    expect(restored.add('other', ids[0]!, 12 * DAY_MS)).toBe(false)
  })
})

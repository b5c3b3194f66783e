import { describe, expect, it } from 'vitest'
import type { ItemAttributes } from '../protocol'
import { rank } from './score'
import { affinity, sessionProfile } from './session-profile'

/** Category names a catalog may well hold that name `Object.prototype` members. */
const CATEGORIES = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']

const attributes = new Map<string, ItemAttributes>(CATEGORIES.map((category, i) => [`I${i}`, { category, price: 10 }]))
const lookup = (item: string) => attributes.get(item)

describe('sessionProfile', () => {
  it('counts categories named like Object.prototype members as shares of their own', () => {
    const profile = sessionProfile(['I0', 'I1', 'I2', 'I3', 'I4', 'I0'], lookup)
    expect(profile.items).toBe(5)
    expect(Object.keys(profile.categories).sort()).toEqual([...CATEGORIES].sort())
    for (const category of CATEGORIES) expect(Object.getOwnPropertyDescriptor(profile.categories, category)?.value).toBeCloseTo(0.2)
  })
})

describe('affinity', () => {
  it('gives a category the profile has not seen nothing, whatever its name, even after a structured clone', () => {
    const profile = sessionProfile(['I0'], lookup)
    for (const p of [profile, structuredClone(profile)]) {
      expect(affinity(p, { category: '__proto__' })).toBe(1)
      for (const category of ['constructor', 'toString', 'hasOwnProperty']) expect(affinity(p, { category })).toBe(0)
    }
  })
})

describe('rank, with attributes', () => {
  it('scores candidates of hostile categories with finite numbers, the session’s category first', () => {
    const ranked = rank(['I1', 'I1'], () => undefined, ['I2', 'I0', 'I1', 'I3'], { attributes: lookup, repeat: 0 })
    for (const r of ranked) expect(Number.isFinite(r.score)).toBe(true)
    expect(ranked.map((r) => r.item)).toEqual(['I1', 'I2', 'I0', 'I3'])
    expect(ranked[0]!.reasons).toEqual([{ from: 'constructor', via: 'profile', count: 0, total: 1, weight: 0.05 }])
  })
})

import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { CatalogUpsertSchema } from './catalog'

/** A parsed JSON body, so that `__proto__` is an own key as it is on the wire. */
const body = (attrs: string) => JSON.parse(`{"items": [{"id": "__proto__", "category": "constructor", "attrs": ${attrs}}]}`) as unknown

describe('CatalogUpsertSchema', () => {
  it('keeps attributes named __proto__, constructor and prototype (valibot’s record drops them)', () => {
    const parsed = v.parse(CatalogUpsertSchema, body('{"__proto__": "a", "constructor": "b", "prototype": 3, "toString": "c"}'))
    const { attrs } = parsed.items[0]!
    expect(Object.getPrototypeOf(attrs)).toBe(null)
    expect(Object.entries(attrs!)).toEqual([['__proto__', 'a'], ['constructor', 'b'], ['prototype', 3], ['toString', 'c']])
  })

  it('names the invalid attribute, whatever it is called', () => {
    const parsed = v.safeParse(CatalogUpsertSchema, body(`{"constructor": true, "${'x'.repeat(65)}": 1, "ok": 1}`))
    expect(parsed.success).toBe(false)
    expect(parsed.issues!.map((issue) => [v.getDotPath(issue), issue.message])).toEqual([
      ['items.0.attrs.constructor', 'must be a string or a number'],
      [`items.0.attrs.${'x'.repeat(65)}`, 'attribute names must be at most 64 characters'],
    ])
    expect(v.safeParse(CatalogUpsertSchema, body('[]')).issues![0]!.message).toBe('must be an object of attributes')
    expect(v.safeParse(CatalogUpsertSchema, body(JSON.stringify(Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`a${i}`, i]))))).issues![0]!.message).toBe('must hold at most 32 attributes')
  })
})

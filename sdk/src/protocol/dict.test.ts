import { Packr, Unpackr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { dict, dictOf, fromMaps } from './dict'

const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'toJSON']

describe('dict', () => {
  it('takes names of Object.prototype members as keys like any other, and serializes them', () => {
    const d = dict<number>()
    expect('constructor' in d).toBe(false)
    HOSTILE.forEach((key, i) => (d[key] = i))
    expect(Object.keys(d)).toEqual(HOSTILE)
    expect(Object.getPrototypeOf(d)).toBe(null)
    expect(JSON.stringify(d)).toBe(`{${HOSTILE.map((k, i) => `"${k}":${i}`).join(',')}}`)
  })
})

describe('dictOf', () => {
  it('copies the own keys of a parsed object, __proto__ included', () => {
    const d = dictOf(JSON.parse('{"__proto__": 1, "constructor": 2}') as Record<string, number>)
    expect(Object.getPrototypeOf(d)).toBe(null)
    expect(Object.entries(d)).toEqual([['__proto__', 1], ['constructor', 2]])
  })
})

describe('fromMaps', () => {
  it('turns msgpackr Maps into dicts with every key as sent, where its objects decoder renames __proto__', () => {
    const bytes = new Packr({ useRecords: false }).pack(new Map<string, unknown>([['rows', new Map(HOSTILE.map((k, i) => [k, [new Map([['total', i]])]]))], ['__proto_', 0]]))
    expect(Object.keys(new Unpackr({ useRecords: false }).unpack(bytes).rows)).toContain('__proto_')
    const decoded = fromMaps(new Unpackr({ useRecords: false, mapsAsObjects: false }).unpack(bytes)) as { rows: Record<string, Array<{ total: number }>> }
    expect(Object.keys(decoded)).toEqual(['rows', '__proto_'])
    expect(Object.entries(decoded.rows).map(([k, [row]]) => [k, row!.total])).toEqual(HOSTILE.map((k, i) => [k, i]))
  })

  it('makes scalar keys strings and refuses others', () => {
    expect(fromMaps(new Map<unknown, number>([[1, 1], [true, 2]]))).toEqual({ 1: 1, true: 2 })
    expect(() => fromMaps(new Map([[[1], 1]]))).toThrow(TypeError)
  })
})

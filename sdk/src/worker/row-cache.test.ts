import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { recommend } from '../model'
import type { ModelRow, RowsMessage } from '../protocol'
import { decode, encode } from './codec'
import { RowCache } from './row-cache'

/** Ids a visitor may well send: names of `Object.prototype` members and of the wire's own fields. */
const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON', 'total', 'next', 'related', 'attrs', 'version', 'rows', 'type', '__proto_']

/** An item's catalog attributes: its own name as category, its place in the list as price. */
const attrsOf = (item: string) => ({ category: item, price: HOSTILE.indexOf(item) })

/** A row naming the next item of the list, with attributes keyed by hostile ids too. */
const rowOf = (item: string, i: number): ModelRow => {
  const next = HOSTILE[(i + 1) % HOSTILE.length]!
  return { total: i + 1, next: [[next, i + 1]], related: { total: 10, items: [[next, 10]] }, attrs: Object.fromEntries([[item, attrsOf(item)], [next, attrsOf(next)]]) }
}

/** The message the server sends for every hostile id; `Object.fromEntries` makes `__proto__` an own key. */
const message = (): RowsMessage => ({ type: 'rows', site: 'demo', version: 7, rows: Object.fromEntries(HOSTILE.map((item, i) => [item, rowOf(item, i)])) })

/** A cache fed one frame as the worker gets it: bytes off the socket, decoded. */
function fed(frame: Uint8Array) {
  const cache = new RowCache()
  const malformed: string[] = []
  const decoded = decode(frame) as RowsMessage
  const applied = cache.apply(decoded.rows, () => true, (item) => malformed.push(item))
  return { cache, malformed, applied, decoded }
}

describe('RowCache', () => {
  for (const [encoder, encodeFrame] of [
    ['msgpackr, as the server packs', (value: unknown) => new Packr({ useRecords: false, useToJSON: false }).pack(value)],
    ['the SDK encoder', encode],
  ] as const) {
    it(`holds each hostile id's own row, decoded from a frame of ${encoder}`, () => {
      const { cache, malformed, applied, decoded } = fed(encodeFrame(message()))
      expect(Object.keys(decoded.rows).sort()).toEqual([...HOSTILE].sort())
      expect(malformed).toEqual([])
      expect(applied.put.map((p) => p.item).sort()).toEqual([...HOSTILE].sort())
      HOSTILE.forEach((item, i) => {
        expect(cache.has(item)).toBe(true)
        expect(cache.get(item)).toEqual(rowOf(item, i))
        expect(cache.attributes(item)).toEqual(attrsOf(item))
      })
    })
  }

  it('drops and forgets hostile ids like any other', () => {
    const { cache } = fed(encode(message()))
    const removed = cache.apply(Object.fromEntries([['__proto__', null], ['constructor', null]]), () => true, () => {})
    expect(removed.removed).toEqual(['__proto__', 'constructor'])
    expect(cache.has('__proto__')).toBe(false)
    expect(cache.keep(['total', 'toString']).sort()).toEqual(HOSTILE.filter((i) => !['total', 'toString', '__proto__', 'constructor'].includes(i)).sort())
    expect(cache.get('total')).toEqual(rowOf('total', HOSTILE.indexOf('total')))
    expect(cache.get('next')).toBeUndefined()
  })

  it('feeds the scorer rows keyed by hostile ids', () => {
    const { cache } = fed(encode(message()))
    expect(recommend(['__proto__'], (item) => cache.get(item), 1).map((r) => r.item)).toEqual(['constructor'])
    expect(recommend(['__proto_'], (item) => cache.get(item), 1).map((r) => r.item)).toEqual(['__proto__'])
  })
})

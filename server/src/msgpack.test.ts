import { dict } from '@sequitur/sdk/protocol'
import { Packr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { decodeMsgpack, encodeMsgpack } from './http/codec'
import { unpackExact } from './msgpack'

const packr = new Packr({ useRecords: false })

describe('unpackExact', () => {
  it('keeps a __proto__ map key as sent (msgpackr’s objects would call it __proto_), as own data', () => {
    const attrs = new Map<string, unknown>([['__proto__', 'a'], ['__proto_', 'b'], ['constructor', 'c']])
    const decoded = unpackExact(packr.pack({ items: [{ id: 'x', attrs }] })) as { items: Array<{ attrs: Record<string, string> }> }
    const got = decoded.items[0]!.attrs
    expect(Object.getPrototypeOf(got)).toBe(null)
    expect(Object.entries(got)).toEqual([['__proto__', 'a'], ['__proto_', 'b'], ['constructor', 'c']])
  })

  it('decodes what never spells __proto__ as before, and refuses malformed bytes with a 400', () => {
    expect(unpackExact(packr.pack({ site: 'demo', events: [{ item: 'constructor' }] }))).toEqual({ site: 'demo', events: [{ item: 'constructor' }] })
    expect(() => decodeMsgpack(new Uint8Array([0xc1, 0xff, 0x00]))).toThrow(expect.objectContaining({ status: 400, code: 'invalid_msgpack' }))
  })
})

describe('encodeMsgpack', () => {
  it('packs a map keyed by toJSON and constructor as data (msgpackr would call toJSON)', () => {
    const rows = dict<{ total: number }>()
    for (const [i, item] of ['toJSON', 'constructor', '__proto__'].entries()) rows[item] = { total: i }
    const decoded = unpackExact(encodeMsgpack({ type: 'rows', rows })) as { rows: Record<string, { total: number }> }
    expect(Object.entries(decoded.rows)).toEqual([['toJSON', { total: 0 }], ['constructor', { total: 1 }], ['__proto__', { total: 2 }]])
  })
})

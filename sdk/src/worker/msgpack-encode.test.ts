import { pack, unpack } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { encodeMsgpack } from './msgpack-encode'

const hex = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')

describe('encodeMsgpack', () => {
  it('encodes what msgpackr decodes back to the same value (the server decodes with msgpackr)', () => {
    const values: unknown[] = [
      null,
      true,
      false,
      '',
      'P1',
      'é€😀'.repeat(3),
      'x'.repeat(31),
      'x'.repeat(32),
      'x'.repeat(255),
      'x'.repeat(256),
      'x'.repeat(65_536),
      [],
      Array.from({ length: 15 }, (_, i) => i),
      Array.from({ length: 16 }, (_, i) => `i${i}`),
      Array.from({ length: 70_000 }, (_, i) => i % 300),
      {},
      Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, i])),
      { nested: { deeper: [1, [2, [3]]] }, empty: '' },
      new Uint8Array([1, 2, 3]),
    ]
    for (const value of values) expect(unpack(encodeMsgpack(value))).toEqual(value)
  })

  it('encodes every width of integer and floats exactly as msgpackr does', () => {
    const numbers = [0, 1, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, Date.now(), 2 ** 53, -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1, 0.5, -0.1, 1e300, Infinity, -Infinity]
    for (const n of numbers) {
      expect(hex(encodeMsgpack(n)), String(n)).toBe(hex(pack(n)))
      expect(unpack(encodeMsgpack(n))).toBe(n)
    }
    expect(unpack(encodeMsgpack(Number.NaN))).toBeNaN()
  })

  it('encodes an event batch and a subscription the server reads as sent', () => {
    const batch = {
      site: 'demo',
      events: [
        { id: '3f1c-8a0d', type: 'click', item: 'P1', list: 'grid', session: 's-42', ts: 1_764_000_000_000 },
        { id: '8a0d-3f1c', type: 'impression', items: ['P1', 'P2'], list: 'grid', session: 's-42', ts: 1_764_000_000_100 },
      ],
    }
    expect(unpack(encodeMsgpack(batch))).toEqual(batch)
    const subscribe = { type: 'subscribe', site: 'demo', items: ['P1', 'P7'], since: 1200 }
    expect(unpack(encodeMsgpack(subscribe))).toEqual(subscribe)
  })

  it('leaves out properties whose value is undefined, as JSON does', () => {
    expect(unpack(encodeMsgpack({ type: 'subscribe', since: undefined, items: [] }))).toStrictEqual({ type: 'subscribe', items: [] })
  })

  it('refuses values JSON has no form for', () => {
    expect(() => encodeMsgpack({ when: new Date(0) })).toThrow(TypeError)
    expect(() => encodeMsgpack(10n)).toThrow(TypeError)
    expect(() => encodeMsgpack(new Map())).toThrow(TypeError)
  })
})

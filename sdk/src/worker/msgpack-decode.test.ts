import { Packr, Unpackr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { fromMaps } from '../protocol'
import { decodeMsgpack } from './msgpack-decode'
import { encodeMsgpack } from './msgpack-encode'

// What the server sends with (server/src/msgpack.ts), and what the worker decoded with before.
const packr = new Packr({ useRecords: false, useToJSON: false })
const before = new Unpackr({ useRecords: false, mapsAsObjects: false })
const pack = (value: unknown) => new Uint8Array(packr.pack(value))

/** Deterministic random JSON-like values: strings of every length class, integers of every width. */
function randomValue(next: () => number, depth = 0): unknown {
  const pick = Math.floor(next() * (depth > 3 ? 6 : 8))
  const ints = [0, 1, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1, 2 ** 32, 2 ** 53 - 1, -1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53 - 1)]
  switch (pick) {
    case 0:
      return ints[Math.floor(next() * ints.length)]! + (next() < 0.2 ? 0.5 : 0)
    case 1:
      return next() * 1e6 - 5e5
    case 2: {
      const lengths = [0, 1, 31, 32, 255, 256, 65535, 65536]
      const n = lengths[Math.floor(next() * lengths.length)]!
      return Array.from({ length: n }, (_, i) => 'aé€😀'[(i + Math.floor(next() * 4)) % 4]).join('').slice(0, n)
    }
    case 3:
      return [null, true, false][Math.floor(next() * 3)]
    case 4:
      return ['__proto__', 'toJSON', 'constructor', ''][Math.floor(next() * 4)]
    case 5:
      return Math.floor(next() * 2 ** 31)
    case 6: {
      const n = [0, 3, 15, 16, 17, 70000][Math.floor(next() * (depth > 1 ? 5 : 6))]!
      return Array.from({ length: n }, () => (n > 100 ? 7 : randomValue(next, depth + 1)))
    }
    default: {
      const out = new Map<string | number, unknown>()
      const n = [0, 1, 15, 16, 17][Math.floor(next() * 5)]!
      for (let i = 0; i < n; i++) out.set(next() < 0.1 ? i : ['__proto__', 'toJSON', `k${i}`][Math.floor(next() * 3)]! + i, randomValue(next, depth + 1))
      return out
    }
  }
}

function seeded(seed: number): () => number {
  let s = seed
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
}

describe('decodeMsgpack', () => {
  it('decodes what msgpackr packs exactly as msgpackr decoded it for the worker before', () => {
    const next = seeded(7)
    for (let i = 0; i < 300; i++) {
      const value = randomValue(next)
      const bytes = pack(value)
      expect(decodeMsgpack(bytes)).toEqual(fromMaps(before.unpack(bytes)))
    }
  })

  it('keeps every map key as sent, `__proto__` and `toJSON` included, in dicts', () => {
    const rows = new Map<string, unknown>([
      ['__proto__', { total: 2, next: [['toJSON', 2]] }],
      ['P1', null],
    ])
    const decoded = decodeMsgpack(pack({ type: 'rows', site: 'demo', version: 3, cursor: '4.5', epoch: 'k7', rows })) as { rows: Record<string, unknown> }
    expect(Object.getPrototypeOf(decoded.rows)).toBe(null)
    expect(Object.keys(decoded.rows)).toEqual(['__proto__', 'P1'])
    expect(decoded.rows['__proto__']).toEqual({ total: 2, next: [['toJSON', 2]] })
  })

  it('reads the worker’s own encoder, binary, and msgpackr’s undefined', () => {
    const value = { a: [1, -1, 300, -300, 70000, -70000, 2 ** 33, 0.25, 'x'.repeat(40), true, null], b: new Uint8Array([1, 2, 3]) }
    expect(decodeMsgpack(encodeMsgpack(value))).toEqual(value)
    expect(decodeMsgpack(pack([undefined, 1]))).toEqual([undefined, 1])
  })

  it('throws on malformed input: every truncation, extra bytes, extensions, huge integers, deep nesting', () => {
    const bytes = pack({ type: 'rows', site: 'demo', version: 3, rows: { P1: { total: 5, next: [['P2', 5]] } } })
    for (let cut = 0; cut < bytes.length; cut++) expect(() => decodeMsgpack(bytes.subarray(0, cut)), `cut ${cut}`).toThrow()
    expect(() => decodeMsgpack(new Uint8Array([...bytes, 0]))).toThrow(/after/)
    expect(() => decodeMsgpack(pack(new Date(0)))).toThrow(/unsupported/)
    expect(() => decodeMsgpack(new Uint8Array([0xc1]))).toThrow(/unsupported/)
    expect(() => decodeMsgpack(new Uint8Array([0xcf, 0x00, 0x20, 0, 0, 0, 0, 0, 0]))).toThrow(/2\^53/)
    expect(decodeMsgpack(new Uint8Array([0xcf, 0, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toBe(2 ** 53 - 1)
    expect(() => decodeMsgpack(new Uint8Array(10_000).fill(0x91))).toThrow(/deep/)
    // A length the bytes cannot hold fails without allocating it.
    expect(() => decodeMsgpack(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff]))).toThrow(/truncated/)
    expect(() => decodeMsgpack(new Uint8Array([0x81, 0x90, 0x01]))).toThrow(/key/)
  })
})

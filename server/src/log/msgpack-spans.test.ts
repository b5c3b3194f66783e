import { Packr, Unpackr } from 'msgpackr'
import { describe, expect, it } from 'vitest'
import { eventSpans } from './msgpack-spans'
import { mulberry32 } from '../random'

const packr = new Packr({ useRecords: false })
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })


function value(r: () => number, depth: number): unknown {
  const pick = Math.floor(r() * (depth > 2 ? 9 : 11))
  switch (pick) {
    case 0: return null
    case 1: return r() < 0.5
    case 2: return Math.floor(r() * 300) - 150
    case 3: return Math.floor(r() * 2 ** 40) * (r() < 0.5 ? -1 : 1)
    case 4: return r() * 1e6
    case 5: return 'x'.repeat(Math.floor(r() * 40))
    case 6: return 'é'.repeat(Math.floor(r() * 300)) // str8 and str16
    case 7: return new Uint8Array(Math.floor(r() * 20)) // bin
    case 8: return new Date(Math.floor(r() * 2e12)) // ext (timestamp)
    case 9: return Array.from({ length: Math.floor(r() * 20) }, () => value(r, depth + 1))
    default: return Object.fromEntries(Array.from({ length: Math.floor(r() * 20) }, (_, i) => [`k${i}`, value(r, depth + 1)]))
  }
}

describe('eventSpans', () => {
  it('finds the bytes of each element of `events`, whatever the values and the key order', () => {
    const r = mulberry32(3)
    for (let n = 0; n < 500; n++) {
      const events = Array.from({ length: Math.floor(r() * 30) }, () => value(r, 0))
      const batch = r() < 0.5 ? { site: 'demo', events, more: value(r, 1) } : { more: value(r, 1), events, site: 'demo' }
      const bytes = packr.pack(batch)
      const spans = eventSpans(bytes)!
      expect(spans.length).toBe(2 * events.length)
      events.forEach((_, i) => expect(unpackr.unpack(bytes.subarray(spans[2 * i]!, spans[2 * i + 1]!))).toEqual(unpackr.unpack(bytes).events[i]))
    }
    // 65,536 elements: the array32 header.
    const many = packr.pack({ events: new Array(70_000).fill(1) })
    expect(eventSpans(many)!.length).toBe(140_000)
  })

  it('gives up on bytes that are not such a map, truncated or not', () => {
    for (const bad of [packr.pack([1, 2]), packr.pack({ site: 'demo' }), packr.pack({ events: 'x' }), new Uint8Array([0x81]), new Uint8Array([0xc1])]) {
      expect(eventSpans(bad)).toBeUndefined()
    }
    const bytes = packr.pack({ site: 'demo', events: [{ id: 'a' }, { id: 'b' }] })
    for (let cut = 0; cut < bytes.length; cut++) expect(eventSpans(bytes.subarray(0, cut))).toBeUndefined()
  })
})

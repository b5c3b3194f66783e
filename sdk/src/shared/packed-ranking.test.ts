import { describe, expect, it } from 'vitest'
import { rank, type Ranked } from '../model'
import type { ModelRow } from '../protocol'
import { packRanking, unpackRanking } from './packed-ranking'

const reason = (from: string, via: Ranked['reasons'][number]['via'], count: number, total: number, weight: number) => ({ from, via, count, total, weight })

const candidates = ['A', 'B', 'C', 'D', 'B']
const ranked: Ranked[] = [
  { item: 'C', score: 0.61, reasons: [reason('X', 'next', 3, 7, 1), reason('Y', 'related', 12.5, 900, 0.4)] },
  { item: 'B', score: 0.03, reasons: [reason('B', 'repeat', 0, 0, 0.03)] },
  { item: 'B', score: 0.03, reasons: [reason('B', 'repeat', 0, 0, 0.03)] },
  { item: 'A', score: 0.0125, reasons: [reason('lamps', 'profile', 0, 2, 0.0125), reason('A', 'trending', 0, 0, 0.2)] },
  { item: 'D', score: 0, reasons: [] },
]

describe('packRanking', () => {
  it('unpacks to the same ranking, fields in the same order', () => {
    const packed = packRanking(candidates, ranked)
    expect(JSON.stringify(unpackRanking(candidates, packed))).toBe(JSON.stringify(ranked))
  })

  it('sends numbers and each `from` once, not objects', () => {
    const packed = packRanking(candidates, ranked)
    expect(packed.numbers).toBeInstanceOf(Float64Array)
    expect(packed.strings).toEqual(['X', 'Y', 'B', 'lamps', 'A'])
    expect(packed.session).toBeUndefined()
  })

  it('carries the debug features, with one shared session', () => {
    const session = { durationMs: 5000, interactions: 3, distinctItems: 2, recentCategories: ['lamps'] }
    const debug = ranked.map((r, i) => ({ ...r, features: { clicks10m: i * 2, session } }))
    const out = unpackRanking(candidates, structuredClone(packRanking(candidates, debug)))
    expect(out).toEqual(debug)
    expect(out[0]!.features!.session).toBe(out[1]!.features!.session)
  })

  it('round-trips what the scorer ranks, through structured cloning', () => {
    const rows: Record<string, ModelRow> = {
      P1: { total: 10, next: [['P2', 6], ['P3', 4]], related: { total: 300, items: [['P2', 180], ['P4', 90], ['P3', 30]] } },
      P2: { total: 5, next: [['P3', 5]] },
    }
    const items = ['P4', 'P9', 'P3', 'P2', 'P1']
    const out = rank(['P1', 'P2'], (item) => rows[item], items)
    expect(unpackRanking(items, structuredClone(packRanking(items, out)))).toEqual(out)
  })

  it('refuses a ranking that names an item that is not a candidate', () => {
    expect(() => packRanking(['A'], [{ item: 'Z', score: 1, reasons: [] }])).toThrow(RangeError)
  })

  it('unpacks an empty ranking', () => {
    expect(unpackRanking([], packRanking([], []))).toEqual([])
  })
})

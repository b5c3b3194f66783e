import { describe, expect, it } from 'vitest'
import type { ModelRow } from '../protocol'
import { channelScores, prepareSession } from './channels'
import { candidatesOf, contextOf, rank, recommend, SCORE_DEFAULTS } from './score'

const rows = new Map<string, ModelRow>([
  ['P1', { total: 10, next: [['P7', 6], ['P3', 4]] }],
  ['P2', { total: 4, next: [['P3', 4]] }],
])
const lookup = (item: string) => rows.get(item)

describe('contextOf', () => {
  it('keeps the most recent distinct items, most recent first', () => {
    expect(contextOf(['A', 'B', 'A', 'C'], 3)).toEqual(['C', 'A', 'B'])
    expect(contextOf(['A', 'B', 'C', 'D'], 2)).toEqual(['D', 'C'])
  })
})

describe('rank', () => {
  it('keeps the page order when there is no signal', () => {
    expect(rank([], lookup, ['P9', 'P8', 'P7']).map((r) => r.item)).toEqual(['P9', 'P8', 'P7'])
    expect(rank(['P5'], lookup, ['P9', 'P8']).map((r) => r.item)).toEqual(['P9', 'P8'])
  })

  it('moves the likeliest next item to the top and explains why', () => {
    const ranked = rank(['P1'], lookup, ['P9', 'P3', 'P7'], { repeat: 0 })
    expect(ranked.map((r) => r.item)).toEqual(['P7', 'P3', 'P9'])
    expect(ranked[0]).toEqual({ item: 'P7', score: 0.6, reasons: [{ from: 'P1', via: 'next', count: 6, total: 10, weight: 1 }] })
  })

  it('blends the related row when the server sends one, and explains with exact next clicks where it can', () => {
    const row: ModelRow = { total: 2, next: [['B', 2]], related: { total: 100, items: [['C', 60], ['B', 40]] } }
    const ranked = rank(['A'], (item) => (item === 'A' ? row : undefined), ['B', 'C'], { repeat: 0 })
    expect(ranked.map((r) => [r.item, r.score])).toEqual([['C', 0.6], ['B', 0.4]])
    expect(ranked[0]!.reasons).toEqual([{ from: 'A', via: 'related', count: 60, total: 100, weight: 1 }])
    expect(ranked[1]!.reasons).toEqual([{ from: 'A', via: 'next', count: 2, total: 2, weight: 1 }])
  })

  it('scores the session’s own clicks in the repeat channel, by recency and frequency', () => {
    // Repeat weight (0 returns + 2 · 0.05) / (1 step + 2) = 1/30; Y has 1/1.5 of it, X 0.5/1.5.
    const ranked = rank(['X', 'Y'], () => undefined, ['Z', 'X', 'Y'])
    expect(ranked.map((r) => r.item)).toEqual(['Y', 'X', 'Z'])
    expect(ranked.map((r) => r.score)).toEqual([expect.closeTo(1 / 45, 12), expect.closeTo(1 / 90, 12), 0])
    expect(ranked[0]!.reasons).toEqual([{ from: 'Y', via: 'repeat', count: 0, total: 0, weight: expect.closeTo(1 / 45, 12) }])
    expect(rank(['X', 'Y'], () => undefined, ['Z', 'X', 'Y'], { repeat: 0 }).map((r) => r.item)).toEqual(['Z', 'X', 'Y'])
  })

  it('weighs recent items more than older ones', () => {
    // P2 → P3 is certain, but P1 is the latest click: 0.6 (P7) vs 0.4 + 0.5 * 1 (P3).
    expect(rank(['P2', 'P1'], lookup, ['P7', 'P3']).map((r) => r.item)).toEqual(['P3', 'P7'])
    expect(rank(['P2', 'P1'], lookup, ['P7', 'P3'], { decay: 0.1 }).map((r) => r.item)).toEqual(['P7', 'P3'])
  })

  it('keeps the page order between equal scores', () => {
    const tie = (item: string) => (item === 'A' ? { total: 2, next: [['Y', 1], ['X', 1]] as Array<[string, number]> } : undefined)
    expect(rank(['A'], tie, ['X', 'Y']).map((r) => r.item)).toEqual(['X', 'Y'])
    expect(rank(['A'], tie, ['Y', 'X']).map((r) => r.item)).toEqual(['Y', 'X'])
  })
})

describe('rank scores only the candidates', () => {
  const many = new Map<string, ModelRow>([
    ['A', { total: 3, next: [['B', 2], ['C', 1]], related: { total: 90, items: [['C', 40], ['B', 30], ['D', 15], ['A', 5]] } }],
    ['B', { total: 5, next: [['D', 5]], related: { total: 50, items: [['D', 30], ['A', 12], ['E', 8]] } }],
    ['C', { total: 2, next: [['E', 2]] }],
  ])
  const lookup = (item: string) => many.get(item)
  const trail = ['C', 'A', 'B', 'A']

  it('gives each candidate exactly the score of the whole session’s scoring', () => {
    const whole = prepareSession(trail, lookup, SCORE_DEFAULTS.depth)
    const values = channelScores(whole, SCORE_DEFAULTS)
    for (const candidates of [['E', 'D', 'X'], ['A', 'B', 'C', 'D', 'E'], ['D']]) {
      const ranked = rank(trail, lookup, candidates)
      for (const { item, score } of ranked) expect(score).toBe(whole.items.includes(item) ? values[whole.items.indexOf(item)] : 0)
    }
  })

  it('explains each candidate by every row that names it, next clicks first where the row has them', () => {
    const [d] = rank(trail, lookup, ['D'])
    expect(d!.reasons).toEqual([
      { from: 'A', via: 'related', count: 15, total: 90, weight: 1 },
      { from: 'B', via: 'next', count: 5, total: 5, weight: 0.4 },
    ])
  })

  it('ranks a candidate listed twice twice, with the same score and its own reasons', () => {
    const attributes = (item: string) => ({ category: item === 'E' ? 'x' : 'y', price: 1 })
    const ranked = rank(trail, lookup, ['E', 'D', 'E'], { attributes })
    expect(ranked.map((r) => r.item)).toEqual(['D', 'E', 'E'])
    expect(ranked[1]!.score).toBe(ranked[2]!.score)
    expect(ranked[1]!.reasons).not.toBe(ranked[2]!.reasons)
    expect(ranked[1]!.reasons).toEqual(ranked[2]!.reasons)
  })
})

describe('rank with a fallback', () => {
  const trending = new Map([['P8', 0.5], ['P9', 0.2]])
  const fallback = (item: string) => trending.get(item)

  it('ranks a cold session by the fallback, unknown items keeping the page order after', () => {
    const ranked = rank([], lookup, ['P1', 'P9', 'P2', 'P8'], { fallback })
    expect(ranked.map((r) => r.item)).toEqual(['P8', 'P9', 'P1', 'P2'])
    expect(ranked[0]!.reasons).toEqual([{ from: 'P8', via: 'trending', count: 0, total: 0, weight: 0.5 }])
  })

  it('ignores the fallback once the session has signal', () => {
    expect(rank(['P1'], lookup, ['P8', 'P3', 'P7'], { fallback }).map((r) => r.item)).toEqual(['P7', 'P3', 'P8'])
  })
})

describe('rank with the session profile', () => {
  const attrs: Record<string, { category: string; price: number }> = {
    L1: { category: 'lamps', price: 40 },
    L2: { category: 'lamps', price: 45 },
    M1: { category: 'mugs', price: 10 },
  }
  const attributes = (item: string) => attrs[item]

  it('lifts candidates that fit what the session looked at, and says why', () => {
    const ranked = rank(['L1'], () => undefined, ['M1', 'L2'], { attributes, repeat: 0 })
    expect(ranked.map((r) => r.item)).toEqual(['L2', 'M1'])
    expect(ranked[0]!.reasons[0]).toMatchObject({ from: 'lamps', via: 'profile', total: 1 })
    // Same category (share 1) and a price 0.5 spread away: (1 + e^-0.125) / 2 of the weight.
    expect(ranked[0]!.score).toBeCloseTo(0.05 * ((1 + Math.exp(-0.125)) / 2))
  })

  it('leaves next-click signal in charge', () => {
    const row = (item: string) => (item === 'L1' ? { total: 1, next: [['M1', 1]] as Array<[string, number]> } : undefined)
    expect(rank(['L1'], row, ['L2', 'M1'], { attributes }).map((r) => r.item)).toEqual(['M1', 'L2'])
  })
})

describe('candidatesOf', () => {
  it('lists the session’s items and every item their rows name', () => {
    expect(candidatesOf(['P2', 'P1'], lookup).sort()).toEqual(['P1', 'P2', 'P3', 'P7'])
  })
})

describe('recommend', () => {
  it('returns the top k next items without the current one', () => {
    const withSelf = (item: string) => (item === 'A' ? { total: 5, next: [['A', 3], ['B', 2]] as Array<[string, number]> } : undefined)
    expect(recommend(['A'], withSelf, 5).map((r) => r.item)).toEqual(['B'])
    expect(recommend(['P1'], lookup, 1).map((r) => r.item)).toEqual(['P7'])
  })
})

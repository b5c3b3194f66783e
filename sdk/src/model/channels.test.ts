import { describe, expect, it } from 'vitest'
import type { ModelRow } from '../protocol'
import { channelScores, prepareSession, type ChannelParams } from './channels'

const rows = new Map<string, ModelRow>([
  ['A', { total: 1, next: [['C', 1]], related: { total: 4, items: [['C', 4]] } }],
  ['B', { total: 2, next: [['C', 2]], related: { total: 10, items: [['C', 6], ['A', 4]] } }],
])
const lookup = (item: string) => rows.get(item)
const params: ChannelParams = { depth: 2, decay: 0.5, repeat: 0.2, repeatDecay: 0.5, repeatPrior: 2, hop: 0 }
const scored = (trail: string[], p: ChannelParams, rowsOf = lookup) => {
  const session = prepareSession(trail, rowsOf, p.depth, undefined, p.hop > 0)
  const values = channelScores(session, p)
  return Object.fromEntries(session.items.map((item, i) => [item, values[i]!]))
}

describe('channelScores', () => {
  it('mixes the explore channel (recency-weighted row shares) with the repeat channel (the session’s own clicks)', () => {
    // r = (0 returns + 2 · 0.2) / (1 step + 2) = 0.4 / 3. Explore: rows weigh 1 (B) and 0.5 (A), present 1.5:
    // C = (0.6 + 0.5 · 1) / 1.5, A = 0.4 / 1.5. Repeat: B 1 / 1.5, A 0.5 / 1.5.
    const r = 0.4 / 3
    const s = scored(['A', 'B'], params)
    expect(s.C).toBeCloseTo((1 - r) * (1.1 / 1.5), 12)
    expect(s.A).toBeCloseTo((1 - r) * (0.4 / 1.5) + r * (0.5 / 1.5), 12)
    expect(s.B).toBeCloseTo(r * (1 / 1.5), 12)
  })

  it('moves the repeat weight toward the session’s own returns and counts an item clicked twice twice', () => {
    // A, B, A: one return in two steps, r = (1 + 0.4) / (2 + 2) = 0.35. Repeat shares: A (1 + 0.25) / 1.75, B 0.5 / 1.75.
    // Explore: context A (1), B (0.5): C = (1 + 0.5 · 0.6) / 1.5, A = 0.5 · 0.4 / 1.5.
    const s = scored(['A', 'B', 'A'], params)
    expect(s.A).toBeCloseTo(0.65 * (0.2 / 1.5) + 0.35 * (1.25 / 1.75), 12)
    expect(s.B).toBeCloseTo(0.35 * (0.5 / 1.75), 12)
    expect(s.C).toBeCloseTo(0.65 * (1.3 / 1.5), 12)
  })

  it('turns the repeat channel off at weight 0 and keeps to `depth` rows', () => {
    const s = scored(['A', 'B', 'A'], { ...params, repeat: 0, depth: 1 })
    expect(s).toEqual({ A: 0, B: 0, C: 1 })
  })

  it('gives everything to the repeat channel when no recent item has a row', () => {
    const s = scored(['X'], params)
    expect(s).toEqual({ X: 0.2 })
  })

  describe('the second hop', () => {
    // The last item L names H1 (weight 3) and H2 (1); H1's row names Z (1 of 2) and L (1 of 2), H2's
    // names Z (2 of 2). Hubs weigh 3/4 and 1/4: hop(Z) = 3/4 · 1/2 + 1/4 · 1 = 5/8, hop(L) = 3/8.
    const hopRows = new Map<string, ModelRow>([
      ['L', { total: 4, next: [], related: { total: 4, items: [['H1', 3], ['H2', 1]] } }],
      ['H1', { total: 2, next: [], related: { total: 2, items: [['Z', 1], ['L', 1]] } }],
      ['H2', { total: 2, next: [['Z', 2]] }],
    ])
    const hopLookup = (item: string) => hopRows.get(item)
    const p = { ...params, depth: 1, repeat: 0, hop: 0.25 }

    it('scores what the hubs’ rows name, mixed at its weight with the session’s own channels', () => {
      const s = scored(['L'], p, hopLookup)
      expect(s.H1).toBeCloseTo(0.75 * 0.75, 12)
      expect(s.H2).toBeCloseTo(0.75 * 0.25, 12)
      expect(s.Z).toBeCloseTo(0.25 * (5 / 8), 12)
      expect(s.L).toBeCloseTo(0.25 * (3 / 8), 12)
    })

    it('walks only from the last item, and takes the repeat channel’s part from the rest', () => {
      // Trail L, Q: the last item Q has no row, so no hop; with repeat the hop takes its share first.
      expect(scored(['L', 'Q'], { ...p, depth: 2 }, hopLookup).Z ?? 0).toBe(0)
      const r = (0 + 2 * 0.5) / (0 + 2)
      const s = scored(['L'], { ...p, repeat: 0.5 }, hopLookup)
      expect(s.L).toBeCloseTo(0.75 * r + 0.25 * (3 / 8), 12)
      expect(s.H1).toBeCloseTo(0.75 * (1 - r) * 0.75, 12)
    })

    it('is off at weight 0 and unprepared', () => {
      expect(scored(['L'], { ...p, hop: 0 }, hopLookup)).toEqual({ L: 0, H1: 0.75, H2: 0.25 })
      const session = prepareSession(['L'], hopLookup, 1)
      expect(session.hop.index).toEqual([])
    })
  })
})

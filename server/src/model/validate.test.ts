import type { ModelRow } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { validate, withinNoise } from './validate'

const rows = new Map<string, ModelRow>([['X', { total: 1, next: [['Y', 1]] }]])
const lookup = (item: string) => rows.get(item)
const start = { depth: 1, decay: 0.5, repeat: 0, repeatDecay: 0.5, repeatPrior: 2, hop: 0 }
const only = (repeat: number[]) => ({ repeat, depth: [1], decay: [0.5], repeatDecay: [0.5], repeatPrior: [2], hop: [0] })

describe('validate', () => {
  it('chooses the repeat weight with the best MRR@20', () => {
    // Three sessions return to X, one goes on to Y. Weight 0: X never scores (0.25 / 0.25);
    // 0.2: X ranks 2nd behind Y (hr 1, mrr (3 · 0.5 + 1) / 4); 0.8: X first, Y 2nd (mrr (3 + 0.5) / 4).
    const day = [['X', 'X'], ['X', 'X'], ['X', 'X'], ['X', 'Y']]
    const v = validate(lookup, day, { start, grid: only([0, 0.2, 0.8]) })
    expect(v.params.repeat).toBe(0.8)
    expect(v).toMatchObject({ hr: 1, mrr: 0.875, cases: 4, sessions: 4, daySessions: 4, defaults: { hr: 0.25, mrr: 0.25 } })
  })

  it('breaks a tie of MRR@20 by HR@20, and keeps the start on a full tie', () => {
    // Weight 0: X misses, Y first (0.5 / 0.5). Weight 0.5: X and Y tie at 0.5 and the label ranks
    // after its tie, 2nd on both cases (1 / 0.5).
    const day = [['X', 'X'], ['X', 'Y']]
    expect(validate(lookup, day, { start, grid: only([0, 0.5]) })).toMatchObject({ params: { repeat: 0.5 }, hr: 1, mrr: 0.5 })
    expect(validate(lookup, day, { start: { ...start, repeat: 0.5 }, grid: only([0, 0.5]) }).params.repeat).toBe(0.5)
  })

  it('samples a large day and counts cases only in the sample', () => {
    const day = Array.from({ length: 50 }, (_, i) => (i % 2 ? ['X', 'Y'] : ['X', 'X', 'X']))
    const v = validate(lookup, day, { start, grid: only([0]), maxSessions: 10 })
    expect(v.sessions).toBe(10)
    expect(v.daySessions).toBe(50)
    expect(v.cases).toBeGreaterThanOrEqual(10)
    expect(v.cases).toBeLessThanOrEqual(20)
  })
})

describe('the selection rule', () => {
  const ranked = (ranks: number[], hr: number, mrr: number, repeat: number) => ({ params: { ...start, repeat }, figures: { hr, mrr }, ranks: Uint16Array.from(ranks) })

  it('counts an MRR lead within one standard error of the paired difference as a tie that HR decides', () => {
    // Best: ranks 1, 1, –, – (mrr 0.5, hr 0.5). Rival: 2, 1, 3, – (mrr 11/24, hr 0.75). Differences of
    // reciprocal ranks 1/2, 0, −1/3, 0: mean 1/24, squared deviations (121 + 1 + 81 + 1) / 576, SE =
    // √(204 / 576 / 12) = √17 / 24, so the lead is 1/√17 ≈ 0.2425 standard errors.
    const best = ranked([1, 1, 0, 0], 0.5, 0.5, 0)
    const rival = ranked([2, 1, 3, 0], 0.75, 11 / 24, 0.5)
    expect(withinNoise([best, rival], best.params, 1)).toBe(rival)
    expect(withinNoise([best, rival], best.params, 0.25)).toBe(rival)
    expect(withinNoise([best, rival], best.params, 0.24)).toBe(best)
    expect(withinNoise([best, rival], best.params, 0)).toBe(best)
  })

  it('never takes a lower HR, and keeps the best on equal HR', () => {
    const best = ranked([1, 1, 0, 0], 0.5, 0.5, 0)
    expect(withinNoise([best, ranked([2, 0, 2, 0], 0.5, 0.25, 0.2), ranked([2, 0, 0, 0], 0.25, 0.125, 0.4)], best.params, 10)).toBe(best)
  })

  it('chooses by it in validate', () => {
    // Row X: next Y 2, W 1 of 3; every case is the trail X, labels X (2 sessions), Y (4), W (1); k = 2.
    // Weight 0: X scores 0 (miss), Y 1st, W 2nd: hr 5/7, mrr 4.5/7. Weight 0.5: X 0.5, Y 1/3, W 1/6:
    // X 1st, Y 2nd, W 3rd (miss): hr 6/7, mrr 4/7. Differences 1/rank: −1 (×2), 0.5 (×5), mean 1/14,
    // SE = √((2 · (15/14)² + 5 · (6/14)²) / 42) ≈ 0.2766: the lead of 0.0714 is noise.
    const xyw = (item: string) => (item === 'X' ? { total: 3, next: [['Y', 2], ['W', 1]] as Array<[string, number]> } : undefined)
    const day = [['X', 'X'], ['X', 'X'], ['X', 'Y'], ['X', 'Y'], ['X', 'Y'], ['X', 'Y'], ['X', 'W']]
    const v = validate(xyw, day, { start, grid: only([0, 0.5]), k: 2 })
    expect(v).toMatchObject({ params: { repeat: 0.5 }, hr: 6 / 7, mrr: 4 / 7 })
    expect(validate(xyw, day, { start, grid: only([0, 0.5]), k: 2, ties: 0 })).toMatchObject({ params: { repeat: 0 }, hr: 5 / 7, mrr: 4.5 / 7 })
  })
})

import type { ModelRow } from '@sequitur/sdk/protocol'
import { describe, expect, it } from 'vitest'
import { validate } from './validate'

const rows = new Map<string, ModelRow>([['X', { total: 1, next: [['Y', 1]] }]])
const lookup = (item: string) => rows.get(item)
const start = { depth: 1, decay: 0.5, repeat: 0, repeatDecay: 0.5, repeatPrior: 2 }
const only = (repeat: number[]) => ({ repeat, depth: [1], decay: [0.5], repeatDecay: [0.5], repeatPrior: [2] })

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

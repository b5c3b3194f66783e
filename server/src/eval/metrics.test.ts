import { describe, expect, it } from 'vitest'
import { MetricSum, aucOf, fixedPrediction, predictionOf, rankOf, topOf } from './metrics'

const catalogue = new Set(['a', 'b', 'c', 'd', 'e'])
const p = predictionOf

describe('rankOf', () => {
  it('ranks by score', () => {
    expect(rankOf(p(new Map([['a', 3], ['b', 2], ['c', 1]])), 'b', catalogue)).toBe(2)
  })

  it('puts the label after every item with an equal score', () => {
    expect(rankOf(p(new Map([['a', 2], ['b', 2], ['c', 2]])), 'a', catalogue)).toBe(3)
    expect(rankOf(p(new Map([['a', 2], ['b', 2], ['c', 1]])), 'b', catalogue)).toBe(2)
  })

  it('misses a label that scores nothing or was never seen in training', () => {
    expect(rankOf(p(new Map([['a', 1]])), 'b', catalogue)).toBe(Infinity)
    expect(rankOf(p(new Map([['z', 1]])), 'z', catalogue)).toBe(Infinity)
  })

  it('ignores scored items outside the catalogue', () => {
    expect(rankOf(p(new Map([['z', 9], ['a', 1]])), 'a', catalogue)).toBe(1)
  })
})

describe('MetricSum', () => {
  it('computes HR@k and MRR@k with the k cut-off', () => {
    const m = new MetricSum(3)
    m.add(1, 1, ['a'])
    m.add(3, 1, ['b'])
    m.add(4, 0.5, [])
    m.add(Infinity, 0, [])
    expect(m.hr(1)).toBe(0.25)
    expect(m.hr(3)).toBe(0.5)
    expect(m.mrr(1)).toBe(0.25)
    expect(m.mrr(3)).toBeCloseTo((1 + 1 / 3) / 4)
    expect(m.mrr(2)).toBe(0.25)
    expect(m.auc()).toBe(0.625)
    expect(m.coverage(4)).toBe(0.5)
  })
})

describe('aucOf', () => {
  it('counts wins over negatives, ties as half', () => {
    expect(aucOf(p(new Map([['a', 2], ['b', 1], ['c', 2]])), 'a', ['b', 'c', 'd'])).toBeCloseTo((1 + 0.5 + 1) / 3)
  })
})

describe('topOf', () => {
  it('orders by score then id and skips unscored items', () => {
    expect(topOf(p(new Map([['b', 1], ['a', 1], ['c', 2], ['d', 0]])), 3, catalogue)).toEqual(['c', 'a', 'b'])
  })
})

describe('fixedPrediction', () => {
  it('ranks exactly as the scan does, ties never favouring the label', () => {
    const scores = new Map([['a', 3], ['b', 2], ['c', 2], ['z', 2], ['d', 1], ['e', 0]])
    const scanned = predictionOf(scores)
    const fixed = fixedPrediction(scores)
    for (const label of ['a', 'b', 'c', 'd', 'e', 'z', 'q']) expect(rankOf(fixed, label, catalogue)).toBe(rankOf(scanned, label, catalogue))
    expect(rankOf(fixed, 'b', catalogue)).toBe(3)
  })
})

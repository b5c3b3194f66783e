import { describe, expect, it } from 'vitest'
import { combine } from './combine'
import { emptyProfile, observeItem } from '../model'

const lamp = { id: 'L', category: 'lamps', color: 'amber', price: 40 }
const mug = { id: 'M', category: 'mugs', color: 'teal', price: 10, attrs: { volume: 300, glaze: 'matte' } }

describe('daily profiles', () => {
  it('count categorical values and keep mean and variance of numbers', () => {
    const p = emptyProfile()
    observeItem(p, lamp)
    observeItem(p, mug)
    observeItem(p, lamp)
    expect(p.counts).toEqual({ category: { lamps: 2, mugs: 1 }, color: { amber: 2, teal: 1 }, glaze: { matte: 1 } })
    expect(p.numbers.price!.n).toBe(3)
    expect(p.numbers.price!.mean).toBe(30)
    // Values 40, 10, 40: mean 30, sum of squared deviations 100 + 400 + 100.
    expect(p.numbers.price!.m2).toBeCloseTo(600)
    expect(p.numbers.volume).toEqual({ n: 1, mean: 300, m2: 0 })
  })
})

describe('combine', () => {
  const day = (items: object[]) => {
    const p = emptyProfile()
    for (const item of items) observeItem(p, item as typeof lamp)
    return p
  }

  it('turns counts into likelihoods, today at full weight', () => {
    const answer = combine('u', [{ day: 10, profile: day([lamp, lamp, mug]) }], { today: 10, days: 30, halfLife: 7 })
    expect(answer.likelihoods.category).toEqual({ lamps: 2 / 3, mugs: 1 / 3 })
    expect(answer.numbers.price!.mean).toBeCloseTo(30)
    expect(answer.numbers.price!.variance).toBeCloseTo(200)
    expect(answer.weight).toBe(3)
  })

  it('halves the weight of a day per half-life and leaves out days past the window', () => {
    const daily = [
      { day: 3, profile: day([lamp]) }, // age 7: weight 1/2
      { day: 10, profile: day([mug]) }, // age 0: weight 1
      { day: 0, profile: day([lamp, lamp]) }, // age 10: outside days = 8
    ]
    const answer = combine('u', daily, { today: 10, days: 8, halfLife: 7 })
    expect(answer.likelihoods.category!.lamps).toBeCloseTo(0.5 / 1.5)
    expect(answer.likelihoods.category!.mugs).toBeCloseTo(1 / 1.5)
    // Weighted mean of prices: (0.5 * 40 + 1 * 10) / 1.5 = 20; variance (0.5 * 400 + 1 * 100) / 1.5 = 200.
    expect(answer.numbers.price!.mean).toBeCloseTo(20)
    expect(answer.numbers.price!.variance).toBeCloseTo(200)
    expect(answer.weight).toBeCloseTo(1.5)
  })
})

import { describe, expect, it } from 'vitest'
import { paramsOf } from './params'

describe('paramsOf', () => {
  it('takes the parameters of a model answer', () => {
    const params = { depth: 2, decay: 0.8, repeat: 0.6, repeatDecay: 0.9, repeatPrior: 5 }
    expect(paramsOf({ params, validated: null })).toEqual(params)
  })

  it('ignores what is missing, out of bounds or not a number', () => {
    expect(paramsOf(undefined)).toEqual({})
    expect(paramsOf({ params: 'x' })).toEqual({})
    expect(paramsOf({ params: { depth: 2.5, decay: -1, repeat: '0.5', repeatDecay: Number.NaN, repeatPrior: 3, __proto__: { depth: 3 } } })).toEqual({ repeatPrior: 3 })
  })
})

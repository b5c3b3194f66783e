import { describe, expect, it } from 'vitest'
import { describeModel } from './model-panel'

const params = { depth: 2, decay: 0.8, repeat: 0.6, repeatDecay: 0.9, repeatPrior: 5, hop: 0.1 }

describe('describeModel', () => {
  it('says the defaults hold until a day was validated', () => {
    expect(describeModel({ params, validated: null })).toMatch(/^Defaults: context 2 items .* Not validated yet/)
  })

  it('shows the day, the chosen parameters and both settings’ figures', () => {
    const validated = { day: 20429, cases: 8925, sessions: 2103, daySessions: 2103, hr: 0.5504, mrr: 0.3179, defaults: { hr: 0.547, mrr: 0.2924 } }
    expect(describeModel({ params, validated })).toBe(
      'Chosen on 2025-12-07 (8925 cases): context 2 items (decay 0.8), repeat weight 0.6 (fade 0.9, prior 5), second hop 0.1. HR@20 55.0 %, MRR@20 31.8 %; defaults 54.7 % / 29.2 %.',
    )
  })
})

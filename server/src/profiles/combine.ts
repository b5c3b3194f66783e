import { dict, type ProfileAnswer } from '@sequitur/sdk/protocol'
import type { DailyProfile } from '../model'

/**
 * Combines daily profiles of the `days` days up to `today`, each weighted 0.5^(age / halfLife):
 * categorical counts become likelihoods, numeric moments a pooled mean and variance.
 */
export function combine(
  user: string,
  daily: ReadonlyArray<{ day: number; profile: DailyProfile }>,
  { today, days, halfLife }: { today: number; days: number; halfLife: number },
): ProfileAnswer {
  // Keyed by catalog attribute names and values: `dict()`s, so `__proto__` or `constructor` are data.
  const counts = dict<Record<string, number>>()
  const sums = dict<{ w: number; mean: number; m2: number }>()
  let weight = 0
  for (const { day, profile } of daily) {
    const age = today - day
    if (age < 0 || age >= days) continue
    const w = 0.5 ** (age / halfLife)
    let interactions = 0
    for (const [dimension, values] of Object.entries(profile.counts)) {
      const out = (counts[dimension] ??= dict())
      let total = 0
      for (const [value, n] of Object.entries(values)) {
        out[value] = (out[value] ?? 0) + w * n
        total += n
      }
      interactions = Math.max(interactions, total)
    }
    for (const [dimension, m] of Object.entries(profile.numbers)) {
      // Pooled (Chan et al.) combination of weighted moments.
      const s = (sums[dimension] ??= { w: 0, mean: 0, m2: 0 })
      const wn = w * m.n
      const total = s.w + wn
      const delta = m.mean - s.mean
      s.m2 += w * m.m2 + (delta * delta * s.w * wn) / total
      s.mean += (delta * wn) / total
      s.w = total
      interactions = Math.max(interactions, m.n)
    }
    weight += w * interactions
  }
  const likelihoods: ProfileAnswer['likelihoods'] = dict()
  for (const [dimension, values] of Object.entries(counts)) {
    const total = Object.values(values).reduce((a, b) => a + b, 0)
    const shares = (likelihoods[dimension] = dict())
    for (const [value, n] of Object.entries(values)) shares[value] = n / total
  }
  const numbers: ProfileAnswer['numbers'] = dict()
  for (const [dimension, s] of Object.entries(sums)) numbers[dimension] = { mean: s.mean, variance: s.w > 0 ? s.m2 / s.w : 0, weight: s.w }
  return { user, days, halfLife, weight, likelihoods, numbers }
}

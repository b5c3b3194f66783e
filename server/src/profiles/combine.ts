import type { DailyProfile } from './daily-profile'

/** A user's profile over several days, as `GET /v1/profiles/:user` answers it. */
export interface ProfileAnswer {
  user: string
  days: number
  halfLife: number
  /** The decayed number of interactions behind the profile. */
  weight: number
  /** Per categorical dimension, the likelihood of each value (they sum to 1). */
  likelihoods: Record<string, Record<string, number>>
  /** Per numeric dimension, the decayed mean and variance. */
  numbers: Record<string, { mean: number; variance: number; weight: number }>
}

/**
 * Combines daily profiles of the `days` days up to `today`, each weighted 0.5^(age / halfLife):
 * categorical counts become likelihoods, numeric moments a pooled mean and variance.
 */
export function combine(
  user: string,
  daily: ReadonlyArray<{ day: number; profile: DailyProfile }>,
  { today, days, halfLife }: { today: number; days: number; halfLife: number },
): ProfileAnswer {
  const counts: Record<string, Record<string, number>> = {}
  const sums: Record<string, { w: number; mean: number; m2: number }> = {}
  let weight = 0
  for (const { day, profile } of daily) {
    const age = today - day
    if (age < 0 || age >= days) continue
    const w = 0.5 ** (age / halfLife)
    let interactions = 0
    for (const [dimension, values] of Object.entries(profile.counts)) {
      const out = (counts[dimension] ??= {})
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
  const likelihoods: ProfileAnswer['likelihoods'] = {}
  for (const [dimension, values] of Object.entries(counts)) {
    const total = Object.values(values).reduce((a, b) => a + b, 0)
    likelihoods[dimension] = Object.fromEntries(Object.entries(values).map(([v, n]) => [v, n / total]))
  }
  const numbers: ProfileAnswer['numbers'] = {}
  for (const [dimension, s] of Object.entries(sums)) numbers[dimension] = { mean: s.mean, variance: s.w > 0 ? s.m2 / s.w : 0, weight: s.w }
  return { user, days, halfLife, weight, likelihoods, numbers }
}

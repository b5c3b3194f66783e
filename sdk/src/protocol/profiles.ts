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

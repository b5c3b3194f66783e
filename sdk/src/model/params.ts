import type { ChannelParams } from './channels'

/** The bounds a site's parameters must keep; anything else in an answer is ignored. */
const BOUNDS: { readonly [K in keyof ChannelParams]: readonly [min: number, max: number, integer: boolean] } = {
  depth: [1, 20, true],
  decay: [0, 1, false],
  repeat: [0, 1, false],
  repeatDecay: [0, 1, false],
  repeatPrior: [0, 1000, false],
  hop: [0, 1, false],
}

/**
 * The scorer parameters of a `GET /v1/model` answer (`params`), each kept only when it is a number
 * inside its bounds: a stale or broken answer leaves the defaults in place, never a broken scorer.
 */
export function paramsOf(answer: unknown): Partial<ChannelParams> {
  const params = (answer as { params?: unknown } | undefined)?.params
  const out: Partial<ChannelParams> = {}
  if (!params || typeof params !== 'object') return out
  for (const key of Object.keys(BOUNDS) as Array<keyof ChannelParams>) {
    const value = (params as Record<string, unknown>)[key]
    const [min, max, integer] = BOUNDS[key]
    if (typeof value === 'number' && value >= min && value <= max && (!integer || Number.isInteger(value))) out[key] = value
  }
  return out
}

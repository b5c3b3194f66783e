import { channelScores, prepareSession, SCORE_DEFAULTS, type ChannelParams, type PreparedSession, type RowLookup } from '@sequitur/sdk/model'
import { mulberry32 } from '../random'

/** HR@k and MRR@k of one setting over the validation cases. */
export interface Figures {
  hr: number
  mrr: number
}

/** What a validation chose, and how it and the defaults scored on the same cases. */
export interface Validation extends Figures {
  params: ChannelParams
  /** Cases scored (every position of every sampled session but the first). */
  cases: number
  /** Sessions scored, and how many the day had. */
  sessions: number
  daySessions: number
  /** The defaults' figures on the same cases. */
  defaults: Figures
}

/** The values tried per parameter, one parameter at a time. */
export type Grid = { readonly [K in keyof ChannelParams]: readonly number[] }

/** The parameters searched together (context depth and decay trade off), then one at a time. */
const AXES: ReadonlyArray<ReadonlyArray<keyof ChannelParams>> = [['depth', 'decay'], ['repeat'], ['repeatDecay'], ['repeatPrior'], ['hop']]

/** The candidate settings: the repeat weight spans sites from a few percent of repeats to half. */
export const VALIDATION_GRID: Grid = {
  repeat: [0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6],
  depth: [1, 2, 3, 5, 8],
  decay: [0.1, 0.2, 0.3, 0.4, 0.6, 0.8],
  repeatDecay: [0.3, 0.5, 0.7, 0.9],
  repeatPrior: [1, 2, 5, 10],
  hop: [0, 0.1, 0.2, 0.3],
}

/** Options of `validate`. */
export interface ValidateOptions {
  /** The cut-off of HR and MRR. */
  k?: number
  /** At most this many of the day's sessions are scored (a seeded sample beyond it): bounds the cost. */
  maxSessions?: number
  seed?: number
  grid?: Grid
  /** The setting the search starts from and reports as the defaults. */
  start?: ChannelParams
  /** Rounds of the search over all parameters. */
  rounds?: number
  /** How many standard errors of an MRR difference count as a tie (see `withinNoise`); 0: only equal MRR. */
  ties?: number
}

/** The defaults of `ValidateOptions`. */
export const VALIDATE_DEFAULTS = { k: 20, maxSessions: 3000, seed: 1, rounds: 2, ties: 1 }

export interface Case {
  session: PreparedSession
  /** Index of the label in `session.items`, or -1 when no channel can name it (a miss under any setting). */
  label: number
}

/**
 * Self-validation: scores the latest day's `sessions` (item trails) against `rows`, the model as it
 * was before that day, and chooses the channel parameters with the best MRR@k, where a difference of
 * MRR@k within `ties` standard errors counts as a tie that HR@k decides (`withinNoise`). The search
 * tries each axis's grid values in turn (`AXES`), keeping the best MRR@k, for up to `rounds` rounds
 * (fewer when a round moves nothing); the rule then chooses among every setting it scored. Pure: the
 * caller guarantees `rows` never saw the day it is scored on.
 */
export function validate(rows: RowLookup, sessions: ReadonlyArray<readonly string[]>, options: ValidateOptions = {}): Validation {
  const { k, maxSessions, seed, rounds, ties } = { ...VALIDATE_DEFAULTS, ...options }
  const grid = options.grid ?? VALIDATION_GRID
  const { depth, decay, repeat, repeatDecay, repeatPrior, hop } = options.start ?? SCORE_DEFAULTS
  const start: ChannelParams = { depth, decay, repeat, repeatDecay, repeatPrior, hop }
  const sample = sampleOf(sessions.filter((s) => s.length > 1), maxSessions, seed)
  const maxDepth = Math.max(start.depth, ...grid.depth)
  const cache = new Map<string, ReturnType<RowLookup>>()
  const row: RowLookup = (item) => {
    if (!cache.has(item)) cache.set(item, rows(item))
    return cache.get(item)
  }
  const cases = casesOf(sample, row, maxDepth)
  // Every setting scored, with the label's rank in each case (0: past k), for the noise of a difference.
  const scored: Array<{ params: ChannelParams; figures: Figures; ranks: Uint16Array }> = []
  const score = (params: ChannelParams) => {
    const ranks = new Uint16Array(cases.length)
    const figures = figuresOf(cases, params, k, ranks)
    scored.push({ params, figures, ranks })
    return figures
  }
  const defaults = score(start)
  let best = { params: start, ...defaults }
  for (let round = 0, moved = true; round < rounds && moved; round++) {
    moved = false
    for (const axis of AXES) {
      for (const values of product(axis.map((key) => grid[key]))) {
        const params = { ...best.params }
        axis.forEach((key, i) => (params[key] = values[i]!))
        if (axis.every((key) => params[key] === best.params[key])) continue
        const figures = score(params)
        if (figures.mrr > best.mrr || (figures.mrr === best.mrr && figures.hr > best.hr)) {
          best = { params, ...figures }
          moved = true
        }
      }
    }
  }
  const chosen = withinNoise(scored, best.params, ties)
  return { params: chosen.params, ...chosen.figures, cases: cases.length, sessions: sample.length, daySessions: sessions.length, defaults }
}

/**
 * The selection rule. `best` is the setting of the best MRR@k among those `scored` (every setting the
 * search scored, with the label's rank in each case, 0 past k). Another setting s ties with it when
 * MRR(best) − MRR(s) ≤ `ties` · SE, SE the standard error of that paired difference over the same n
 * cases: with d_i = 1/rank_best(i) − 1/rank_s(i) (1/rank 0 past k) and d̄ their mean (the MRR
 * difference), SE = √(Σ (d_i − d̄)² / (n (n − 1))). Of `best` and the settings tied with it, the one
 * with the highest HR@k is chosen (on equal HR@k the first scored, so `best` before any other). With
 * `ties` 1 this is the one-standard-error rule: a lead in MRR@k smaller than its own sampling noise does
 * not outweigh a higher HR@k. The ranks are kept as 16-bit integers: k ≤ 65,535.
 */
export function withinNoise<T extends { params: ChannelParams; figures: Figures; ranks: Uint16Array }>(scored: readonly T[], best: ChannelParams, ties: number): T {
  const top = scored.find((s) => s.params === best)!
  let chosen = top
  const n = top.ranks.length
  for (const s of scored) {
    if (s.figures.hr <= chosen.figures.hr) continue
    const mean = top.figures.mrr - s.figures.mrr
    let squares = 0
    for (let i = 0; i < n; i++) {
      const d = reciprocal(top.ranks[i]!) - reciprocal(s.ranks[i]!) - mean
      squares += d * d
    }
    if (n > 1 && mean <= ties * Math.sqrt(squares / (n * (n - 1)))) chosen = s
  }
  return chosen
}

const reciprocal = (rank: number) => (rank ? 1 / rank : 0)

/** Every position of every trail but the first, prepared once for any parameters up to `maxDepth`. */
export function casesOf(trails: ReadonlyArray<readonly string[]>, row: RowLookup, maxDepth: number): Case[] {
  const cases: Case[] = []
  for (const trail of trails) {
    for (let i = 1; i < trail.length; i++) {
      const session = prepareSession(trail.slice(0, i), row, maxDepth, undefined, true)
      cases.push({ session, label: session.items.indexOf(trail[i]!) })
    }
  }
  return cases
}

/** HR@k and MRR@k of one setting; the label ranks after every item of an equal score. */
export function figuresOf(cases: readonly Case[], params: ChannelParams, k: number, ranks?: Uint16Array): Figures {
  let hits = 0
  let rr = 0
  let buffer = new Float64Array(1024)
  for (let c = 0; c < cases.length; c++) {
    const { session, label } = cases[c]!
    if (label < 0) continue
    // One buffer for every case: the search scores each case dozens of times.
    const n = session.items.length
    if (n > buffer.length) buffer = new Float64Array(n * 2)
    const scores = buffer.subarray(0, n)
    scores.fill(0)
    channelScores(session, params, scores)
    const own = scores[label]!
    if (!(own > 0)) continue
    let rank = 1
    for (let i = 0; i < scores.length && rank <= k; i++) if (i !== label && scores[i]! >= own) rank++
    if (rank <= k) {
      if (ranks) ranks[c] = rank
      hits++
      rr += 1 / rank
    }
  }
  const n = cases.length
  return n ? { hr: hits / n, mrr: rr / n } : { hr: 0, mrr: 0 }
}

/** Every combination of one value from each list. */
function product(lists: ReadonlyArray<readonly number[]>): number[][] {
  return lists.reduce<number[][]>((out, list) => out.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]])
}

export function sampleOf<T>(items: readonly T[], max: number, seed: number): readonly T[] {
  if (items.length <= max) return items
  // A partial Fisher–Yates shuffle, then back in day order.
  const random = mulberry32(seed)
  const order = items.map((_, i) => i)
  for (let i = 0; i < max; i++) {
    const j = i + Math.floor(random() * (order.length - i))
    ;[order[i], order[j]] = [order[j]!, order[i]!]
  }
  return order.slice(0, max).sort((a, b) => a - b).map((i) => items[i]!)
}

import type { RankFeatures } from './features'
import { channelScores, prepareWithSlots, repeatScores, type ChannelParams, type PreparedSession, type RowLookup } from './channels'
import { blendOf } from './blend'
import { hubsOf } from './hop'
import { affinity, sessionProfile, type AttributeLookup } from './session-profile'

export type { RowLookup } from './channels'

/** Tuning of the session scorer; the defaults are the ones measured in docs/model.md, a site's validation may choose others. */
export interface ScoreOptions extends Partial<ChannelParams> {
  /**
   * What to rank by when the session's rows say nothing about any candidate (a cold visitor), e.g.
   * the take rates of trending items; items it does not know keep the page's order after them.
   */
  fallback?: (item: string) => number | undefined
  /** Catalog attributes of items (from the rows): the session's profile then scores candidates too. */
  attributes?: AttributeLookup
  /** Weight of the session profile's affinity (0–1) in a candidate's score. */
  profileWeight?: number
}

/** The defaults of `ScoreOptions`. */
export const SCORE_DEFAULTS: Required<Omit<ScoreOptions, 'fallback' | 'attributes'>> = {
  depth: 5,
  decay: 0.4,
  repeat: 0.05,
  repeatDecay: 0.5,
  repeatPrior: 2,
  hop: 0,
  profileWeight: 0.05,
}

/** Why a candidate scored. */
export interface Reason {
  /** The recent item whose row holds the candidate (for `repeat`: the candidate itself). */
  from: string
  /**
   * `next`: `count` of the `total` next clicks after `from` went to the candidate; `related`: the
   * candidate was seen near `from` in sessions (`count` of `total` co-occurrence weight); `repeat`:
   * this session clicked it recently; `trending`: a cold session, ranked by the fallback (`weight` is
   * its value); `profile`: it fits what the session looks at (`from` its category, `weight` the bonus).
   */
  via: 'next' | 'related' | 'repeat' | 'trending' | 'profile'
  count: number
  total: number
  /** The weight of `from` given its distance back in the session. */
  weight: number
}

/** A candidate with its score and the reasons behind it, for debugging and for "why it moved". */
export interface Ranked {
  item: string
  score: number
  reasons: Reason[]
  /** With `rerank(items, { debug: true })`: the windowed features behind the ranking. */
  features?: RankFeatures
}

/** The session's most recent distinct items, most recent first, at most `depth` of them. */
export function contextOf(trail: readonly string[], depth: number): string[] {
  const context: string[] = []
  for (let i = trail.length - 1; i >= 0 && context.length < depth; i--) {
    const item = trail[i]!
    if (!context.includes(item)) context.push(item)
  }
  return context
}

/**
 * The reasons behind each item's score in `session` (by index in its items): the explore channel's
 * rows (exact next clicks where the row has them), then the repeat channel's part.
 */
function reasonsOf(session: PreparedSession, slots: ReadonlyMap<string, number>, params: ChannelParams): Array<Reason[] | undefined> {
  const reasons: Array<Reason[] | undefined> = new Array(session.items.length)
  const add = (i: number, reason: Reason) => (reasons[i] ??= []).push(reason)
  const { items, index, entry } = session
  // Which of the row's next clicks name an item, found through `slots` (no map per row): `stamp` holds the row's number.
  const stamp: number[] = new Array(items.length).fill(0)
  const nextCount: number[] = new Array(items.length).fill(0)
  let weight = 1
  session.context.forEach(({ from, row, start, end }, d) => {
    if (end > start) {
      const related = row!.related
      const next = related ? row!.next : []
      for (let e = 0; e < next.length; e++) {
        const i = slots.get(next[e]![0])
        if (i !== undefined) (stamp[i] = d + 1), (nextCount[i] = next[e]![1])
      }
      for (let j = start; j < end; j++) {
        const i = index[j]!
        add(
          i,
          !related
            ? { from, via: 'next', count: row!.next[entry[j]!]![1], total: row!.total, weight }
            : stamp[i] === d + 1
              ? { from, via: 'next', count: nextCount[i]!, total: row!.total, weight }
              : { from, via: 'related', count: related.items[entry[j]!]![1], total: related.total, weight },
        )
      }
    }
    weight *= params.decay
  })
  // The second hop: the item was seen near a hub (its strongest), which the last item's row names.
  const { index: hopIndex, parts } = session.hop
  for (let j = 0; j < hopIndex.length && params.hop > 0; j++) {
    const { from, count, total, weight } = parts[j]!
    add(hopIndex[j]!, { from, via: 'related', count, total, weight: params.hop * weight })
  }
  if (params.repeat > 0) {
    const repeat = repeatScores(session, params)
    for (let i = 0; i < repeat.length; i++) {
      if (repeat[i]! > 0) add(i, { from: session.items[i]!, via: 'repeat', count: 0, total: 0, weight: repeat[i]! })
    }
  }
  return reasons
}

/** The session's scores under `options` and the reasons behind them, for `candidates` only when given. */
function scored(trail: readonly string[], rows: RowLookup, options: ScoreOptions, candidates?: readonly string[]) {
  const params = { ...SCORE_DEFAULTS, ...options }
  const { session, slots } = prepareWithSlots(trail, rows, params.depth, candidates, params.hop > 0)
  return { session, values: channelScores(session, params), reasons: reasonsOf(session, slots, params) }
}

/** Adds the session profile's affinity to each candidate whose attributes are known. */
function addProfile(trail: readonly string[], candidates: readonly string[], add: (k: number, bonus: number, reason: Reason) => void, options: ScoreOptions): void {
  const { attributes } = options
  const weight = options.profileWeight ?? SCORE_DEFAULTS.profileWeight
  if (!attributes || weight <= 0) return
  const profile = sessionProfile(trail, attributes)
  if (profile.items === 0) return
  candidates.forEach((item, k) => {
    const attrs = attributes(item)
    const bonus = attrs ? weight * affinity(profile, attrs) : 0
    if (bonus > 0) add(k, bonus, { from: attrs?.category ?? item, via: 'profile', count: 0, total: profile.items, weight: bonus })
  })
}

/**
 * Orders `candidates` for a session whose clicks so far are `trail` (oldest first). Candidates without
 * signal keep the page's order after those with signal; ties keep the page's order.
 */
export function rank(
  trail: readonly string[],
  rows: RowLookup,
  candidates: readonly string[],
  options: ScoreOptions = {},
): Ranked[] {
  // Only the candidates are scored: the rows keep what they say about them.
  const { session, values, reasons } = scored(trail, rows, options, candidates)
  const n = candidates.length
  const scores: number[] = new Array(n).fill(0)
  const own: Reason[][] = new Array(n)
  const taken: number[] = new Array(session.items.length).fill(0)
  // Cold: no row says anything about any candidate (the session's own repeats and profile do not count).
  const cold = options.fallback !== undefined && session.index.length === 0
  for (let k = 0; k < n; k++) {
    const i = session.candidates![k]!
    scores[k] = values[i]!
    // A candidate listed twice gets its own copy of the reasons (the profile adds to each).
    own[k] = reasons[i] ? (taken[i] ? [...reasons[i]!] : reasons[i]!) : []
    taken[i] = 1
  }
  addProfile(trail, candidates, (k, bonus, reason) => ((scores[k]! += bonus), own[k]!.push(reason)), options)
  if (cold) {
    for (let k = 0; k < n; k++) {
      const value = options.fallback!(candidates[k]!)
      if (value === undefined || value <= 0) continue
      scores[k]! += value
      own[k]!.push({ from: candidates[k]!, via: 'trending', count: 0, total: 0, weight: value })
    }
  }
  // Scores are never negative: only those above 0 need sorting, the rest keep the page's order after them.
  const order = [...own.keys()].filter((k) => scores[k]! > 0).sort((a, b) => scores[b]! - scores[a]! || a - b)
  for (let k = 0; k < n; k++) if (!(scores[k]! > 0)) order.push(k)
  return order.map((k) => ({ item: candidates[k]!, score: scores[k]!, reasons: own[k]! }))
}

/**
 * The `k` items the session most likely visits next among those its recent rows name, leaving out
 * the item the visitor is on now.
 */
export function recommend(
  trail: readonly string[],
  rows: RowLookup,
  k: number,
  options: ScoreOptions = {},
): Ranked[] {
  const { session, values, reasons } = scored(trail, rows, options)
  const current = trail[trail.length - 1]
  const scores = session.items.map((item, i) => ({ item, score: values[i]!, reasons: reasons[i] ?? [] })).filter((r) => r.item !== current)
  scores.sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
  return scores.slice(0, Math.max(0, k))
}

/** Every item the scorer can score for this session: its recent items and what their rows name. */
export function candidatesOf(trail: readonly string[], rows: RowLookup, options: ScoreOptions = {}): string[] {
  const { depth, hop } = { ...SCORE_DEFAULTS, ...options }
  const out = new Set(trail)
  const named = (from: string) => blendOf(rows(from))?.items ?? []
  const context = contextOf(trail, depth)
  for (const from of context) for (const [item] of named(from)) out.add(item)
  if (hop > 0 && context.length > 0) for (const hub of hubsOf(rows(context[0]!))) for (const [item] of named(hub)) out.add(item)
  return [...out]
}

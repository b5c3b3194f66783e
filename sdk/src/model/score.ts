import type { RankFeatures } from './features'
import { channelScores, prepareSession, type ChannelParams, type RowLookup } from './channels'
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

/** Scores every item the session's channels name (`channelScores`), with the reasons behind each score. */
function collect(trail: readonly string[], rows: RowLookup, options: ScoreOptions): Map<string, Ranked> {
  const params = { ...SCORE_DEFAULTS, ...options }
  const session = prepareSession(trail, rows, params.depth)
  const values = channelScores(session, params)
  const scores = new Map<string, Ranked>()
  session.items.forEach((item, i) => scores.set(item, { item, score: values[i]!, reasons: [] }))
  let weight = 1
  for (const { from, row, index } of session.context) {
    const next = new Map(row?.next)
    const related = new Map(row?.related?.items)
    for (const i of index) {
      const item = session.items[i]!
      const count = next.get(item)
      scores.get(item)!.reasons.push(
        count === undefined
          ? { from, via: 'related', count: related.get(item)!, total: row!.related!.total, weight }
          : { from, via: 'next', count, total: row!.total, weight },
      )
    }
    weight *= params.decay
  }
  if (params.repeat > 0) {
    const repeatScores = channelScores(session, { ...params, repeat: 1 })
    for (const i of new Set(session.clicks)) {
      const item = session.items[i]!
      scores.get(item)!.reasons.push({ from: item, via: 'repeat', count: 0, total: 0, weight: params.repeat * repeatScores[i]! })
    }
  }
  return scores
}

/** Adds the session profile's affinity to each candidate whose attributes are known. */
function addProfile(trail: readonly string[], candidates: readonly string[], scores: Map<string, Ranked>, options: ScoreOptions): void {
  const { attributes } = options
  const weight = options.profileWeight ?? SCORE_DEFAULTS.profileWeight
  if (!attributes || weight <= 0) return
  const profile = sessionProfile(trail, attributes)
  if (profile.items === 0) return
  for (const item of candidates) {
    const attrs = attributes(item)
    const bonus = attrs ? weight * affinity(profile, attrs) : 0
    if (bonus <= 0) continue
    let ranked = scores.get(item)
    if (!ranked) scores.set(item, (ranked = { item, score: 0, reasons: [] }))
    ranked.score += bonus
    ranked.reasons.push({ from: attrs?.category ?? item, via: 'profile', count: 0, total: profile.items, weight: bonus })
  }
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
  const scores = collect(trail, rows, options)
  addProfile(trail, candidates, scores, options)
  // Cold: no row says anything about any candidate (the session's own repeats and profile do not count).
  const cold = options.fallback && !candidates.some((item) => scores.get(item)?.reasons.some((r) => r.via === 'next' || r.via === 'related'))
  const ranked = candidates.map((item, index) => {
    const own = scores.get(item) ?? { item, score: 0, reasons: [] }
    const value = cold ? options.fallback!(item) : undefined
    if (value === undefined || value <= 0) return { index, ranked: own }
    const reason: Reason = { from: item, via: 'trending', count: 0, total: 0, weight: value }
    return { index, ranked: { item, score: own.score + value, reasons: [...own.reasons, reason] } }
  })
  ranked.sort((a, b) => b.ranked.score - a.ranked.score || a.index - b.index)
  return ranked.map(({ ranked }) => ranked)
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
  const current = trail[trail.length - 1]
  const scores = [...collect(trail, rows, options).values()].filter((r) => r.item !== current)
  scores.sort((a, b) => b.score - a.score || (a.item < b.item ? -1 : a.item > b.item ? 1 : 0))
  return scores.slice(0, Math.max(0, k))
}

/** Every item the scorer can score for this session: its recent items and what their rows name. */
export function candidatesOf(trail: readonly string[], rows: RowLookup, options: ScoreOptions = {}): string[] {
  const { depth } = { ...SCORE_DEFAULTS, ...options }
  const out = new Set(trail)
  for (const from of contextOf(trail, depth)) {
    const row = rows(from)
    for (const [item] of row?.related?.items ?? row?.next ?? []) out.add(item)
  }
  return [...out]
}

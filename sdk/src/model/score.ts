import type { Row } from '../protocol'

/** Tuning of the session scorer. */
export interface ScoreOptions {
  /** How many of the session's most recent distinct items feed the score. */
  depth?: number
  /** Weight of each step back in the session: the last item weighs 1, the one before `decay`, then `decay²`... */
  decay?: number
}

/** Why a candidate scored: one recent item whose row names it. */
export interface Reason {
  /** The recent item whose row holds the candidate. */
  from: string
  /** How often visitors went from `from` to the candidate. */
  count: number
  /** All next-clicks counted from `from`. */
  total: number
  /** The weight of `from` given its distance back in the session. */
  weight: number
}

/** A candidate with its score and the reasons behind it, for debugging and for "why it moved". */
export interface Ranked {
  item: string
  score: number
  reasons: Reason[]
}

/** Looks up the model row of an item. */
export type RowLookup = (item: string) => Row | undefined

/** The session's most recent distinct items, most recent first, at most `depth` of them. */
export function contextOf(trail: readonly string[], depth: number): string[] {
  const context: string[] = []
  for (let i = trail.length - 1; i >= 0 && context.length < depth; i--) {
    const item = trail[i]!
    if (!context.includes(item)) context.push(item)
  }
  return context
}

function collect(trail: readonly string[], rows: RowLookup, options: ScoreOptions): Map<string, Ranked> {
  const { depth = 3, decay = 0.5 } = options
  const scores = new Map<string, Ranked>()
  let weight = 1
  for (const from of contextOf(trail, depth)) {
    const row = rows(from)
    if (row && row.total > 0) {
      for (const [item, count] of row.next) {
        let ranked = scores.get(item)
        if (!ranked) scores.set(item, (ranked = { item, score: 0, reasons: [] }))
        ranked.score += (weight * count) / row.total
        ranked.reasons.push({ from, count, total: row.total, weight })
      }
    }
    weight *= decay
  }
  return scores
}

/**
 * Orders `candidates` for a session whose clicks so far are `trail` (oldest first): each candidate
 * scores the blend of its next-click probability from the last few items, recent items weighing more.
 * Candidates without signal keep the page's order after those with signal; ties keep the page's order.
 */
export function rank(
  trail: readonly string[],
  rows: RowLookup,
  candidates: readonly string[],
  options: ScoreOptions = {},
): Ranked[] {
  const scores = collect(trail, rows, options)
  const ranked = candidates.map((item, index) => ({
    index,
    ranked: scores.get(item) ?? { item, score: 0, reasons: [] },
  }))
  ranked.sort((a, b) => b.ranked.score - a.ranked.score || a.index - b.index)
  return ranked.map(({ ranked }) => ranked)
}

/**
 * The `k` items the session most likely visits next, drawn from the rows of its recent items,
 * leaving out the item the visitor is on now.
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

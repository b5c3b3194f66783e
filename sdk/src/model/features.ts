import type { AttributeLookup } from './session-profile'

/** The session's windowed features (the pipeline guide's), computed on the device. */
export interface SessionFeatures {
  /** From the session's first to its latest interaction, ms. */
  durationMs: number
  /** Interactions with items in the session. */
  interactions: number
  /** Distinct items among them. */
  distinctItems: number
  /** Categories of the latest items, most recent first, without repeats (at most 5). */
  recentCategories: string[]
}

/** What `rerank(items, { debug: true })` adds to each item. */
export interface RankFeatures {
  /** Clicks on the item by all visitors in the last 10 minutes (from the server's trending answer). */
  clicks10m: number
  session: SessionFeatures
}

/** The session's features from its trail (item ids and times, oldest first). */
export function sessionFeatures(trail: readonly string[], times: readonly number[], attributes: AttributeLookup): SessionFeatures {
  const recentCategories: string[] = []
  for (let i = trail.length - 1; i >= 0 && recentCategories.length < 5; i--) {
    const category = attributes(trail[i]!)?.category
    if (category !== undefined && !recentCategories.includes(category)) recentCategories.push(category)
  }
  return {
    durationMs: times.length > 1 ? times[times.length - 1]! - times[0]! : 0,
    interactions: trail.length,
    distinctItems: new Set(trail).size,
    recentCategories,
  }
}

import type { TrendingItem } from '@sequitur/sdk/protocol'

/** Where an edge reads trending items from. */
export interface TrendingView {
  /** The items with the highest smoothed take rate in the site's recent epochs. */
  trending(site: string, limit: number): TrendingItem[]
  /** Clicks per item in the site's last 10 minutes of event time. */
  recent(site: string): Record<string, number>
}

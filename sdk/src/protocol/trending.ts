/** One item of `GET /v1/trending`. */
export interface TrendingItem {
  item: string
  impressions: number
  clicks: number
  /** (clicks + prior × site rate) / (impressions + prior). */
  rate: number
}

/** The answer of `GET /v1/trending`. */
export interface TrendingAnswer {
  /** The items with the highest smoothed take rate recently, best first. */
  items: TrendingItem[]
  /** Clicks per item in the last 10 minutes of event time (at most 500 items). */
  recent: Record<string, number>
}

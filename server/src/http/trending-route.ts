import { dict, IdSchema, type TrendingAnswer } from '@sequitur/sdk/protocol'
import { Hono } from 'hono'
import * as v from 'valibot'
import { ApiError } from '../errors'
import { fieldIssues } from '../field-issues'
import type { Clock } from '../clock'
import type { SiteRegistry } from '../sites'
import type { TrendingView } from '../trending'
import { admitSite } from './site-access'

/** The query of the route (the OpenAPI document lists its parameters from it). */
export const TrendingQuerySchema = v.object({
  site: IdSchema,
  limit: v.pipe(
    v.optional(v.string(), '50'),
    v.transform(Number),
    v.integer('must be a whole number'),
    v.minValue(1, 'must be at least 1'),
    v.maxValue(500, 'must be at most 500'),
  ),
  key: v.optional(v.string()),
})

/**
 * `GET /v1/trending?site=S&limit=50[&key=K]`: the items with the highest smoothed take rate recently, and
 * `recent`: clicks per item in the last 10 minutes (at most 500 items).
 */
export function trendingRoute({ trending, sites, clock }: { trending: TrendingView; sites: SiteRegistry; clock: Clock }): Hono {
  return new Hono().get('/', (c) => {
    const parsed = v.safeParse(TrendingQuerySchema, c.req.query())
    if (!parsed.success) throw new ApiError(400, 'invalid_query', 'the query is invalid', fieldIssues(parsed.issues))
    const { site, limit, key } = parsed.output
    admitSite(c, sites, site, key, clock())
    const answer: TrendingAnswer = { items: trending.trending(site, limit), recent: dict() }
    const recent = Object.entries(trending.recent(site))
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, 500)
    for (const [item, clicks] of recent) answer.recent[item] = clicks
    return c.json(answer)
  })
}

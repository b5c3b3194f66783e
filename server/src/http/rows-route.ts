import { IdSchema, LIMITS, type RowsAnswer } from '@sequitur/sdk/protocol'
import { Hono } from 'hono'
import * as v from 'valibot'
import { ApiError } from '../errors'
import { fieldIssues } from '../field-issues'
import type { Clock } from '../clock'
import type { SiteRegistry } from '../sites'
import type { RowView } from '../state'
import { respond } from './codec'
import { admitSite } from './site-access'

/** The query of the route (the OpenAPI document lists its parameters from it). */
export const RowsQuerySchema = v.object({
  site: IdSchema,
  items: v.pipe(
    v.string('must list item ids separated by commas'),
    v.transform((s) => s.split(',').filter(Boolean)),
    v.array(IdSchema),
    v.maxLength(LIMITS.itemsPerRequest, `must list at most ${LIMITS.itemsPerRequest} items`),
  ),
  include: v.optional(v.literal('related', "may only be 'related'")),
  key: v.optional(v.string()),
})

/** `GET /v1/rows?site=S&items=a,b[&include=related][&key=K]`: the current rows of those items. */
export function rowsRoute({ view, sites, clock }: { view: RowView; sites: SiteRegistry; clock: Clock }): Hono {
  return new Hono().get('/', (c) => {
    const parsed = v.safeParse(RowsQuerySchema, c.req.query())
    if (!parsed.success) throw new ApiError(400, 'invalid_query', 'the query is invalid', fieldIssues(parsed.issues))
    const { site, items, include, key } = parsed.output
    admitSite(c, sites, site, key, clock())
    const answer: RowsAnswer = { version: view.version(), rows: view.rows(site, items, include === 'related') }
    return respond(c, answer)
  })
}

import { IdSchema, type ProfileAnswer } from '@sequitur/sdk/protocol'
import { Hono } from 'hono'
import * as v from 'valibot'
import { dayOf, type Clock } from '../clock'
import { ApiError } from '../errors'
import { fieldIssues } from '../field-issues'
import { combine, type ProfileView } from '../profiles'
import type { SiteRegistry } from '../sites'
import { adminOnly } from './admin-only'

const number = (min: number, max: number, fallback: number) =>
  v.pipe(
    v.optional(v.string(), String(fallback)),
    v.transform(Number),
    v.number('must be a number'),
    v.minValue(min, `must be at least ${min}`),
    v.maxValue(max, `must be at most ${max}`),
  )

/** The query of the route (the OpenAPI document lists its parameters from it). */
export const ProfilesQuerySchema = v.object({
  site: IdSchema,
  days: v.pipe(number(1, 365, 30), v.integer('must be a whole number of days')),
  halfLife: number(0.01, 365, 7),
})

/** `GET /v1/profiles/:user?site=S&days=30&halfLife=7` (admin): the user's decayed profile. */
export function profilesRoute({ profiles, sites, clock }: { profiles: ProfileView; sites: SiteRegistry; clock: Clock }): Hono {
  const app = new Hono()
  app.get('/:user', adminOnly(sites), (c) => {
    const parsed = v.safeParse(ProfilesQuerySchema, c.req.query())
    if (!parsed.success) throw new ApiError(400, 'invalid_query', 'the query is invalid', fieldIssues(parsed.issues))
    const user = v.safeParse(IdSchema, c.req.param('user'))
    if (!user.success) throw new ApiError(400, 'invalid_user', 'the user id is invalid', fieldIssues(user.issues))
    const { site, days, halfLife } = parsed.output
    const answer: ProfileAnswer = combine(user.output, profiles.daily(site, user.output), { today: dayOf(clock()), days, halfLife })
    return c.json(answer)
  })
  return app
}

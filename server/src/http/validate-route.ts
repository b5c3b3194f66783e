import { IdSchema, type ModelAnswer } from '@sequitur/sdk/protocol'
import { SCORE_DEFAULTS } from '@sequitur/sdk/model'
import { Hono } from 'hono'
import * as v from 'valibot'
import { ApiError } from '../errors'
import { fieldIssues } from '../field-issues'
import type { SiteValidation } from '../model'
import type { SiteRegistry } from '../sites'
import type { ValidationView } from '../validation'
import { adminOnly } from './admin-only'
import { admitSite } from './site-access'
import type { Clock } from '../clock'

/** The query of both routes (the OpenAPI document lists its parameters from it). */
export const ModelQuerySchema = v.object({ site: IdSchema, key: v.optional(v.string()) })

/** The answer about a site's model: its parameters, and how they were chosen when they were. */
export function modelAnswer(validation: SiteValidation | undefined): ModelAnswer {
  const { depth, decay, repeat, repeatDecay, repeatPrior, hop } = SCORE_DEFAULTS
  const standard = { depth, decay, repeat, repeatDecay, repeatPrior, hop }
  if (!validation) return { params: standard, validated: null }
  const { params, day, cases, sessions, daySessions, hr, mrr, defaults } = validation
  // A validation stored before a parameter existed chose it at its default.
  return { params: { ...standard, ...params }, validated: { day, cases, sessions, daySessions, hr, mrr, defaults } }
}

function queryOf(query: Record<string, string>): v.InferOutput<typeof ModelQuerySchema> {
  const parsed = v.safeParse(ModelQuerySchema, query)
  if (!parsed.success) throw new ApiError(400, 'invalid_query', 'the query is invalid', fieldIssues(parsed.issues))
  return parsed.output
}

/**
 * `POST /v1/admin/validate?site=S` (the site's admin secret): runs the site's self-validation now
 * and answers its result; in Kafka mode `202 {"site": S, "requested": true}` once the request is in
 * the events topic (the result follows in `GET /v1/model`).
 */
export function validateRoute({ validation, sites }: { validation: ValidationView; sites: SiteRegistry }): Hono {
  const app = new Hono()
  app.post('/', adminOnly(sites), async (c) => {
    const { site } = queryOf(c.req.query())
    const result = await validation.validate(site)
    if (result === 'requested') return c.json({ site, requested: true }, 202)
    if (!result) throw new ApiError(409, 'no_finished_day', 'the site has no finished day of events to validate on yet')
    return c.json(modelAnswer(result))
  })
  return app
}

/** `GET /v1/model?site=S[&key=K]`: the site's scorer parameters and their validation (public, like the rows). */
export function modelRoute({ validation, sites, clock }: { validation: ValidationView; sites: SiteRegistry; clock: Clock }): Hono {
  const app = new Hono()
  app.get('/', (c) => {
    const { site, key } = queryOf(c.req.query())
    admitSite(c, sites, site, key, clock())
    return c.json(modelAnswer(validation.validation(site)))
  })
  return app
}

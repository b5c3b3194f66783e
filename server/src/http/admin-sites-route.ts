import { IdSchema } from '@sequitur/sdk/protocol'
import { Hono, type Context } from 'hono'
import * as v from 'valibot'
import type { Clock } from '../clock'
import { ApiError } from '../errors'
import { fieldIssues } from '../field-issues'
import { CreateSiteSchema, PatchSiteSchema, RotateKeySchema, siteView, type SiteRegistry } from '../sites'
import { limitBody, readBody } from './codec'
import { operatorOnly } from './operator-only'

/** What the operator API needs. */
export interface AdminSitesRouteOptions {
  sites: SiteRegistry
  /** The operator token every call must present. */
  token: string
  clock: Clock
}

/** The parsed body, or a `400` naming each invalid field. */
async function body<S extends v.GenericSchema>(c: Context, schema: S, empty: unknown = undefined): Promise<v.InferOutput<S>> {
  const raw = c.req.header('content-length') === '0' || (!c.req.header('content-type') && empty !== undefined) ? empty : await readBody(c)
  const parsed = v.safeParse(schema, raw)
  if (!parsed.success) throw new ApiError(400, 'invalid_body', 'the body is invalid', fieldIssues(parsed.issues))
  return parsed.output
}

/** The `:site` of the path, or a `400`. */
function siteParam(c: Context): string {
  const parsed = v.safeParse(IdSchema, c.req.param('site'))
  if (!parsed.success) throw new ApiError(400, 'invalid_site', 'the site id is invalid', fieldIssues(parsed.issues))
  return parsed.output
}

const noSite = (site: string) => new ApiError(404, 'not_found', `no site '${site}'`)

/**
 * A site's window and retention within the deployment's: the counts changelog and the events topic
 * keep data for the deployment's days, and event ids are remembered for its retention.
 */
function withinDeployment<T extends { windowDays?: number; retentionDays?: number }>(input: T, sites: SiteRegistry): T {
  const { windowDays, retentionDays } = sites.defaults
  const issues = [
    ...(input.windowDays !== undefined && input.windowDays > windowDays ? [{ path: 'windowDays', message: `must be at most ${windowDays} (the deployment's SEQUITUR_WINDOW_DAYS)` }] : []),
    ...(input.retentionDays !== undefined && input.retentionDays > retentionDays
      ? [{ path: 'retentionDays', message: `must be at most ${retentionDays} (the deployment's SEQUITUR_LOG_RETENTION_DAYS)` }]
      : []),
  ]
  if (issues.length > 0) throw new ApiError(400, 'invalid_body', 'the body is invalid', issues)
  return input
}

/**
 * The operator API (`Authorization: Bearer $SEQUITUR_OPERATOR_TOKEN`): `POST /` creates a site
 * (answers its key and secret, once), `GET /` lists, `GET|PATCH|DELETE /:site`, `POST
 * /:site/rotate-key` (`{graceSeconds}`, default a day) and `POST /:site/rotate-secret`.
 */
export function adminSitesRoute({ sites, token, clock }: AdminSitesRouteOptions): Hono {
  const app = new Hono()
  app.use('*', operatorOnly(token), limitBody(64 * 1024, 'an operator request may be at most 64 KiB'))
  app.post('/', async (c) => {
    const input = withinDeployment(await body(c, CreateSiteSchema), sites)
    const created = await sites.create(input)
    if (!created) throw new ApiError(409, 'site_exists', `site '${input.site}' exists`)
    return c.json({ key: created.key, secret: created.secret, ...siteView(created.record, clock()) }, 201)
  })
  app.get('/', (c) => c.json({ sites: sites.list().map((r) => siteView(r, clock())) }))
  app.get('/:site', (c) => {
    const site = siteParam(c)
    const record = sites.get(site)
    if (!record) throw noSite(site)
    return c.json(siteView(record, clock()))
  })
  app.patch('/:site', async (c) => {
    const site = siteParam(c)
    const record = await sites.update(site, withinDeployment(await body(c, PatchSiteSchema), sites))
    if (!record) throw noSite(site)
    return c.json(siteView(record, clock()))
  })
  app.delete('/:site', async (c) => {
    const site = siteParam(c)
    if (!(await sites.remove(site))) throw noSite(site)
    return c.json({ site, removed: true })
  })
  app.post('/:site/rotate-key', async (c) => {
    const site = siteParam(c)
    const { graceSeconds } = await body(c, RotateKeySchema, {})
    const rotated = await sites.rotateKey(site, graceSeconds * 1000)
    if (!rotated) throw noSite(site)
    return c.json({ key: rotated.key, ...siteView(rotated.record, clock()) })
  })
  app.post('/:site/rotate-secret', async (c) => {
    const site = siteParam(c)
    const rotated = await sites.rotateSecret(site)
    if (!rotated) throw noSite(site)
    return c.json({ secret: rotated.secret, ...siteView(rotated.record, clock()) })
  })
  return app
}

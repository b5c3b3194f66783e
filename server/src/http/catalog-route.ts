import { CatalogUpsertSchema, IdSchema } from '@sequitur/sdk/protocol'
import { Hono } from 'hono'
import * as v from 'valibot'
import type { Catalog } from '../catalog'
import { ApiError } from '../errors'
import { fieldIssues } from '../field-issues'
import type { SiteRegistry } from '../sites'
import { adminOnly } from './admin-only'
import { limitBody, readBody } from './codec'

/** What the catalog API needs. */
export interface CatalogRouteOptions {
  catalog: Catalog
  /** The sites, whose admin secrets the calls present. */
  sites: SiteRegistry
}

const SiteQuery = v.object({ site: IdSchema })

/**
 * The catalog API (admin): `PUT /v1/catalog/items?site=S` upserts `{items: [...]}`,
 * `GET /v1/catalog/items/:id?site=S` reads one, `DELETE /v1/catalog/items/:id?site=S` removes one.
 * Every call needs `Authorization: Bearer <the site's admin secret>`.
 */
export function catalogRoute({ catalog, sites }: CatalogRouteOptions): Hono<{ Variables: { site: string } }> {
  const app = new Hono<{ Variables: { site: string } }>()
  app.use('*', async (c, next) => {
    const query = v.safeParse(SiteQuery, c.req.query())
    if (!query.success) throw new ApiError(400, 'invalid_query', 'the query is invalid', fieldIssues(query.issues))
    c.set('site', query.output.site)
    await next()
  }, adminOnly(sites))
  app.put(
    '/items',
    limitBody(1024 * 1024, 'a catalog upsert may be at most 1 MiB'),
    async (c) => {
      const parsed = v.safeParse(CatalogUpsertSchema, await readBody(c))
      if (!parsed.success) throw new ApiError(400, 'invalid_items', 'the items are invalid', fieldIssues(parsed.issues))
      await catalog.upsert(c.get('site'), parsed.output.items)
      return c.json({ upserted: parsed.output.items.length })
    },
  )
  app.get('/items/:id', (c) => {
    const item = catalog.get(c.get('site'), c.req.param('id'))
    if (!item) throw new ApiError(404, 'not_found', `no item '${c.req.param('id')}'`)
    return c.json(item)
  })
  app.delete('/items/:id', async (c) => {
    const removed = await catalog.remove(c.get('site'), [c.req.param('id')])
    if (removed === 0) throw new ApiError(404, 'not_found', `no item '${c.req.param('id')}'`)
    return c.json({ removed })
  })
  return app
}

import type { Context } from 'hono'
import { ApiError } from '../errors'
import { originAllowed, type SiteRecord, type SiteRegistry } from '../sites'

/**
 * Lets a request use a site's public routes (events, rows, trending) or refuses it: `401 unknown_site`,
 * `403 origin_not_allowed` from an Origin the site does not list (no CORS header then), `401
 * invalid_key` without a valid write key on a site that is not open. An allowed Origin gets its CORS
 * header here, since only the route knows the site.
 */
export function admitSite(c: Context, sites: SiteRegistry, site: string, key: string | undefined, now: number): SiteRecord {
  const record = sites.get(site)
  if (!record) throw new ApiError(401, 'unknown_site', `unknown site '${site}'`)
  const origin = c.req.header('origin')
  if (!originAllowed(record, origin)) throw new ApiError(403, 'origin_not_allowed', `site '${site}' does not allow origin ${origin}`)
  if (origin !== undefined) {
    c.header('access-control-allow-origin', origin)
    c.header('vary', 'Origin')
    c.header('access-control-expose-headers', 'Retry-After, Date')
  }
  if (!sites.keyValid(site, key, now)) {
    throw new ApiError(401, 'invalid_key', key === undefined ? `site '${site}' needs its write key` : `the key is not valid for site '${site}'`)
  }
  return record
}

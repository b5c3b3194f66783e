import type { MiddlewareHandler } from 'hono'
import type { SiteRegistry } from '../sites'

/** Origins some site allows, kept current as records change. */
function allowedOrigins(sites: SiteRegistry): (origin: string) => boolean {
  let any = false
  let origins = new Set<string>()
  const refresh = () => {
    const records = sites.list()
    any = records.some((r) => r.origins.length === 0)
    origins = new Set(records.flatMap((r) => r.origins))
  }
  refresh()
  sites.onChange(refresh)
  return (origin) => any || origins.has(origin)
}

/**
 * CORS per site. A preflight is answered for an Origin that some site allows (a POST names its site
 * in the body, which a preflight does not carry); the actual request is judged against its own site
 * by the route (`admitSite`: `403` and no CORS header for an Origin the site does not list). Other
 * answers (errors before the site is known) carry the header for an Origin some site allows, so the
 * page can read them.
 */
export function siteCors(sites: SiteRegistry): MiddlewareHandler {
  const allowed = allowedOrigins(sites)
  return async (c, next) => {
    const origin = c.req.header('origin')
    if (c.req.method === 'OPTIONS' && c.req.header('access-control-request-method')) {
      const headers: Record<string, string> = { vary: 'Origin' }
      if (origin && allowed(origin)) {
        headers['access-control-allow-origin'] = origin
        headers['access-control-allow-methods'] = 'GET, POST, PUT, DELETE, OPTIONS'
        headers['access-control-allow-headers'] = c.req.header('access-control-request-headers') ?? 'content-type, authorization'
        headers['access-control-max-age'] = '86400'
      }
      return c.body(null, 204, headers)
    }
    await next()
    if (!origin || c.res.status === 403 || c.res.headers.has('access-control-allow-origin') || !allowed(origin)) return undefined
    c.res.headers.set('access-control-allow-origin', origin)
    c.res.headers.append('vary', 'Origin')
    // The SDK reads Retry-After to back off, and Date to learn how far the device clock is off.
    c.res.headers.set('access-control-expose-headers', 'Retry-After, Date')
    return undefined
  }
}

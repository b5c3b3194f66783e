import type { MiddlewareHandler } from 'hono'
import { secretMatches } from '../catalog'
import { ApiError } from '../errors'

/** Lets a request through only with `Authorization: Bearer <the admin secret of ?site=>`. */
export function adminOnly(secrets: ReadonlyMap<string, string>): MiddlewareHandler {
  return async (c, next) => {
    const site = c.req.query('site') ?? ''
    const secret = secrets.get(site)
    const presented = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1]
    if (!secret || !presented || !secretMatches(presented, secret)) {
      throw new ApiError(401, 'unauthorized', 'a valid `Authorization: Bearer <admin secret>` for this site is required', undefined, {
        'www-authenticate': 'Bearer',
      })
    }
    await next()
  }
}

import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors'
import type { SiteRegistry } from '../sites'

/** The token of `Authorization: Bearer <token>`, if any. */
export const bearer = (header: string | undefined): string | undefined => /^Bearer (.+)$/.exec(header ?? '')?.[1]

/** Lets a request through only with `Authorization: Bearer <the admin secret of ?site=>`. */
export function adminOnly(sites: SiteRegistry): MiddlewareHandler {
  return async (c, next) => {
    const site = c.req.query('site') ?? ''
    const presented = bearer(c.req.header('authorization'))
    if (!presented || !(await sites.verifySecret(site, presented))) {
      throw new ApiError(401, 'unauthorized', 'a valid `Authorization: Bearer <admin secret>` for this site is required', undefined, {
        'www-authenticate': 'Bearer',
      })
    }
    await next()
  }
}

import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../errors'
import { bearer } from './admin-only'

const digest = (s: string) => createHash('sha256').update(s).digest()

/** Lets a request through only with `Authorization: Bearer <the operator token>` (constant-time compare). */
export function operatorOnly(token: string): MiddlewareHandler {
  const expected = digest(token)
  return async (c, next) => {
    const presented = bearer(c.req.header('authorization'))
    // Digests of equal length, so neither the comparison nor its length check reveals the token.
    if (presented === undefined || !timingSafeEqual(digest(presented), expected)) {
      throw new ApiError(401, 'unauthorized', 'a valid `Authorization: Bearer <operator token>` is required', undefined, {
        'www-authenticate': 'Bearer',
      })
    }
    await next()
  }
}

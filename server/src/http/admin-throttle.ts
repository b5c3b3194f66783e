import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context, MiddlewareHandler } from 'hono'
import type { Clock } from '../clock'
import { ApiError } from '../errors'
import { TokenBuckets } from './token-bucket'

/** Options of `adminThrottle()`. */
export interface AdminThrottleOptions {
  clock: Clock
  /** Failed credentials an address may present in a row before it is refused. */
  burst?: number
  /** Failures forgiven per second once the burst is spent. */
  perSecond?: number
  /** Most addresses tracked at once (the least recently failing are forgotten past it). */
  maxAddresses?: number
  /** The client's address: the socket's remote address, never a header a client can set. */
  addressOf?: (c: Context) => string
}

/** The socket's remote address (no X-Forwarded-For: any client could write it). */
function socketAddress(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    return 'unknown' // not behind @hono/node-server (e.g. `app.request()` in tests)
  }
}

/**
 * The bucket an address counts against: an IPv6 client by its /64 (one host is commonly given a
 * whole /64, so per address it could rotate forever); IPv4, IPv4-mapped and others as they are.
 */
export function clientKey(address: string): string {
  if (!address.includes(':') || address.toLowerCase().startsWith('::ffff:')) return address
  const [head = '', tail] = address.split('%')[0]!.toLowerCase().split('::')
  const left = head ? head.split(':') : []
  const right = tail ? tail.split(':') : []
  const groups = tail === undefined ? left : [...left, ...new Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`
}

/**
 * Throttles wrong admin credentials per client address. Put it in front of an admin check (the
 * site-secret or operator-token middleware): every `401` that check answers spends a token of the
 * caller's address (its /64 for IPv6); an address with no token left gets `429 rate_limited` with `Retry-After`
 * before its credential is even looked at, so guessing runs at `perSecond` at best. Successful
 * calls cost nothing.
 */
export function adminThrottle({
  clock,
  burst = 10,
  perSecond = 0.1,
  maxAddresses = 10_000,
  addressOf = socketAddress,
}: AdminThrottleOptions): MiddlewareHandler {
  const failures = new TokenBuckets({ limitOf: () => ({ perSecond, burst }), maxKeys: maxAddresses })
  return async (c, next) => {
    const address = clientKey(addressOf(c))
    // A failure is reserved before the credential is checked, and given back if it was right: checks
    // run concurrently (a secret's scrypt is asynchronous), and each must see the others' failures.
    const allowed = failures.take(address, 1, clock())
    if (!allowed.ok) {
      const seconds = String(allowed.retryAfterSeconds)
      throw new ApiError(429, 'rate_limited', `too many failed admin credentials from this address; retry in ${seconds} s`, undefined, {
        'retry-after': seconds,
      })
    }
    await next()
    // The check's refusal reached here as a response (Hono turns a downstream throw into one).
    if (c.res.status !== 401) failures.refund(address, 1, clock())
  }
}

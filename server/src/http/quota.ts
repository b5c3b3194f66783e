import type { Clock } from '../clock'
import { ApiError } from '../errors'
import type { SiteQuota } from '../sites'
import { TokenBuckets } from './token-bucket'

/** The quota of a site; `undefined` = unlimited. */
export type QuotaOf = (site: string) => SiteQuota | undefined

/** Admits `cost` events of `site` or throws the `429 rate_limited` a client sees. */
export type AdmitEvents = (site: string, cost: number) => void

/**
 * This edge's event quotas: a token bucket per site refilling at `eventsPerSecond` up to `burst`.
 * Each edge keeps its own buckets (README "Quotas": N edges admit up to N× the quota).
 */
export function eventQuotas({ quotaOf, clock, onLimited }: { quotaOf: QuotaOf; clock: Clock; onLimited?: (site: string, cost: number) => void }): AdmitEvents {
  const buckets = new TokenBuckets({
    limitOf: (site) => {
      const quota = quotaOf(site)
      return quota && { perSecond: quota.eventsPerSecond, burst: quota.burst }
    },
  })
  return (site, cost) => {
    const taken = buckets.take(site, cost, clock())
    if (taken.ok) return
    onLimited?.(site, cost)
    const seconds = String(taken.retryAfterSeconds)
    throw new ApiError(429, 'rate_limited', `site '${site}' is over its quota of events; retry in ${seconds} s`, undefined, {
      'retry-after': seconds,
    })
  }
}

/** Thrown for wrong usage (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** The values of the site options as parsed by `parseArgs`. */
export interface SiteOptionValues {
  origin?: string[]
  'any-origin'?: boolean
  'events-per-second'?: string
  burst?: string
  connections?: string
  'window-days'?: string
  'top-k'?: string
  'retention-days'?: string
  open?: boolean
  closed?: boolean
}

/** `parseArgs` options of the site fields. */
export const SITE_OPTIONS = {
  origin: { type: 'string', multiple: true },
  'any-origin': { type: 'boolean' },
  'events-per-second': { type: 'string' },
  burst: { type: 'string' },
  connections: { type: 'string' },
  'window-days': { type: 'string' },
  'top-k': { type: 'string' },
  'retention-days': { type: 'string' },
  open: { type: 'boolean' },
  closed: { type: 'boolean' },
} as const

function whole(name: string, value: string | undefined, unlimited = false): number | null | undefined {
  if (value === undefined) return undefined
  if (unlimited && value === 'unlimited') return null
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number${unlimited ? ' or "unlimited"' : ''}, not ${JSON.stringify(value)}`)
  return Number(value)
}

/** The operator API body fields the options give (the server checks the ranges). */
export function siteFields(o: SiteOptionValues): Record<string, unknown> {
  if (o.open && o.closed) throw new UsageError('--open and --closed exclude each other')
  if (o['any-origin'] && o.origin) throw new UsageError('--origin and --any-origin exclude each other')
  const body: Record<string, unknown> = {}
  const quota: Record<string, unknown> = {}
  const put = (to: Record<string, unknown>, key: string, value: unknown) => value !== undefined && (to[key] = value)
  put(body, 'origins', o['any-origin'] ? [] : o.origin)
  put(quota, 'eventsPerSecond', whole('events-per-second', o['events-per-second'], true))
  put(quota, 'burst', whole('burst', o.burst))
  put(quota, 'connections', whole('connections', o.connections, true))
  if (Object.keys(quota).length > 0) body.quota = quota
  put(body, 'windowDays', whole('window-days', o['window-days']))
  put(body, 'topK', whole('top-k', o['top-k']))
  put(body, 'retentionDays', whole('retention-days', o['retention-days']))
  put(body, 'open', o.open ? true : o.closed ? false : undefined)
  return body
}

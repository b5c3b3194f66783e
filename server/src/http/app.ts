import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import type { Clock } from '../clock'
import { ApiError } from '../errors'
import type { Metrics } from '../metrics'
import type { EdgeParts } from '../mode'
import { catalogRoute } from './catalog-route'
import { adminThrottle } from './admin-throttle'
import { eventsRoute } from './events-route'
import { eventQuotas, type QuotaOf } from './quota'
import { profilesRoute } from './profiles-route'
import { trendingRoute } from './trending-route'
import { rowsRoute } from './rows-route'
import { staticRoutes, type StaticDirs } from './static-routes'
import { streamRoute } from './stream-route'
import { LogUnavailableError, type EventSink } from '../log'

/** Counts accepted events on their way to the log. */
function countingSink(sink: EventSink, metrics: Metrics): EventSink {
  return {
    async append(site, events, encoded) {
      const result = await sink.append(site, events, encoded)
      metrics.eventsIn.inc(result.accepted)
      return result
    },
  }
}

/** The HTTP form of an expected failure: the server's own `ApiError`, or a port's typed error. */
function asApiError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error
  if (error instanceof LogUnavailableError) {
    const headers = { 'retry-after': String(error.retryAfterSeconds) }
    return new ApiError(503, 'log_unavailable', 'the event log is unavailable; retry later', error.message, headers)
  }
  return undefined
}

/** Everything the HTTP edge is wired to. */
export interface AppOptions {
  /** The edge's log, rows and stream; absent on a processor-only process (then only health and metrics). */
  edge: EdgeParts | undefined
  /** The admin secret of each site that has one (the catalog API needs it). */
  adminSecrets?: ReadonlyMap<string, string>
  sites: ReadonlySet<string>
  /** Each site's quota on this edge (events/s and burst); absent or `undefined` for a site = unlimited. */
  quotaOf?: QuotaOf
  metrics?: Metrics
  clock: Clock
  /** Serve the SDK and the demo from these folders; omit to serve only the API. */
  staticDirs?: StaticDirs
  /** Called with unexpected errors (a 500 is answered). */
  onUnexpected?: (error: unknown) => void
}

/** The edge's HTTP API (see README "HTTP API"). */
export function createApp({ edge, sites, quotaOf, metrics, clock, staticDirs, onUnexpected, adminSecrets = new Map() }: AppOptions): Hono {
  const app = new Hono()
  app.use('/v1/*', cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 86400 }))
  // Wrong admin credentials are throttled per client address on every admin route (one budget for all).
  const throttle = adminThrottle({ clock })
  for (const path of ['/v1/catalog/*', '/v1/profiles/*', '/v1/admin/*']) app.use(path, throttle)
  app.get('/healthz', (c) => c.json(edge ? { status: 'ok', version: edge.view.version() } : { status: 'ok' }))
  if (metrics) {
    app.get('/metrics', async (c) => c.text(await metrics.text(), 200, { 'content-type': metrics.registry.contentType }))
  }
  if (edge) {
    const { sink, view, hub } = edge
    const counted = metrics ? countingSink(sink, metrics) : sink
    const admit = quotaOf && eventQuotas({ quotaOf, clock, onLimited: (_, cost) => metrics?.eventsLimited.inc(cost) })
    app.route('/v1/events', eventsRoute({ sink: counted, sites, clock, admit }))
    app.route('/v1/rows', rowsRoute({ view, sites }))
    app.get('/v1/stream', streamRoute(hub))
    app.route('/v1/catalog', catalogRoute({ catalog: edge.catalog, secrets: adminSecrets }))
    if (edge.profiles) app.route('/v1/profiles', profilesRoute({ profiles: edge.profiles, secrets: adminSecrets, clock }))
    if (edge.trending) app.route('/v1/trending', trendingRoute({ trending: edge.trending, sites }))
  }
  app.all('/v1/*', () => {
    throw new ApiError(404, 'not_found', 'no such endpoint')
  })
  if (staticDirs && edge) app.route('/', staticRoutes(staticDirs))

  app.notFound((c) => c.json({ error: 'not found', code: 'not_found' }, 404))
  app.onError((error, c) => {
    const api = asApiError(error)
    if (api) return c.json(api.toBody(), api.status, api.headers)
    if (error instanceof HTTPException && error.status < 500) {
      return c.json({ error: error.message || 'bad request', code: 'bad_request' }, error.status)
    }
    onUnexpected?.(error)
    return c.json({ error: 'internal error', code: 'internal' }, 500)
  })
  return app
}

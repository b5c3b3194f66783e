import { Hono } from 'hono'
import serverPackage from '../../package.json' with { type: 'json' }
import { HTTPException } from 'hono/http-exception'
import type { Clock } from '../clock'
import { ApiError } from '../errors'
import type { Metrics } from '../metrics'
import type { EdgeParts } from '../mode'
import { adminSitesRoute } from './admin-sites-route'
import { openApiDocument } from './openapi'
import { catalogRoute } from './catalog-route'
import { adminThrottle, type AdminThrottleOptions } from './admin-throttle'
import { eventsRoute } from './events-route'
import { eventQuotas } from './quota'
import { profilesRoute } from './profiles-route'
import { trendingRoute } from './trending-route'
import { rowsRoute } from './rows-route'
import { modelRoute, validateRoute } from './validate-route'
import { staticRoutes, type StaticDirs } from './static-routes'
import { siteCors } from './site-cors'
import { streamRoute } from './stream-route'
import type { StreamLimits } from './stream-limits'
import { LogUnavailableError, type EventSink } from '../log'

/** The server package's version: the OpenAPI document's (imported, so that the compiled program carries it). */
const SERVER_VERSION = serverPackage.version

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
  /** The token of the operator API (`/v1/admin/sites`); the API is absent without one. */
  operatorToken?: string
  metrics?: Metrics
  clock: Clock
  /** Serve the SDK and the demo from these folders; omit to serve only the API. */
  staticDirs?: StaticDirs
  /** Called with unexpected errors (a 500 is answered). */
  onUnexpected?: (error: unknown) => void
  /** How many wrong admin credentials an address may present (defaults in `adminThrottle`). */
  adminThrottle?: Pick<AdminThrottleOptions, 'burst' | 'perSecond'>
  /** Per-connection limits of `/v1/stream` (defaults in `DEFAULT_STREAM_LIMITS`). */
  streamLimits?: Partial<StreamLimits>
}

/** The edge's HTTP API (see README "HTTP API"). */
export function createApp({ edge, metrics, clock, staticDirs, onUnexpected, operatorToken, streamLimits, adminThrottle: throttling }: AppOptions): Hono {
  const app = new Hono()
  if (metrics) {
    app.use('*', async (c, next) => {
      await next()
      metrics.respond(c.req.path, c.res.status)
    })
  }
  // Wrong admin credentials are throttled per client address on every admin route (one budget for all).
  const throttle = adminThrottle({ clock, ...throttling })
  for (const path of ['/v1/catalog/*', '/v1/profiles/*', '/v1/admin/*']) app.use(path, throttle)
  let openApi: Record<string, unknown> | undefined
  app.get('/openapi.json', (c) => c.json((openApi ??= openApiDocument(SERVER_VERSION))))
  app.get('/healthz', (c) => c.json(edge ? { status: 'ok', version: edge.view.version() } : { status: 'ok' }))
  if (metrics) {
    app.get('/metrics', async (c) => c.text(await metrics.text(), 200, { 'content-type': metrics.registry.contentType }))
  }
  if (edge) {
    const { sink, view, hub, sites } = edge
    const counted = metrics ? countingSink(sink, metrics) : sink
    // The operator API is for servers and the CLI, not pages: no CORS.
    if (operatorToken) app.route('/v1/admin/sites', adminSitesRoute({ sites, token: operatorToken, clock }))
    app.use('/v1/*', siteCors(sites))
    // Each site's quota on this edge, from its record (so a change reaches every edge).
    const admit = eventQuotas({ quotaOf: (site) => sites.get(site)?.quota, clock, onLimited: (_, cost) => metrics?.eventsLimited.inc(cost) })
    app.route('/v1/events', eventsRoute({ sink: counted, sites, clock, admit }))
    app.route('/v1/rows', rowsRoute({ view, sites, clock }))
    app.get('/v1/stream', streamRoute({ hub, clock, limits: streamLimits }))
    app.route('/v1/catalog', catalogRoute({ catalog: edge.catalog, sites }))
    if (edge.profiles) app.route('/v1/profiles', profilesRoute({ profiles: edge.profiles, sites, clock }))
    if (edge.trending) app.route('/v1/trending', trendingRoute({ trending: edge.trending, sites, clock }))
    if (edge.validation) {
      app.route('/v1/model', modelRoute({ validation: edge.validation, sites, clock }))
      app.route('/v1/admin/validate', validateRoute({ validation: edge.validation, sites }))
    }
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

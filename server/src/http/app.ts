import { Hono } from 'hono'
import { cors } from 'hono/cors'
import { HTTPException } from 'hono/http-exception'
import type { Clock } from '../clock'
import type { StreamHub } from '../edge/stream-hub'
import { ApiError } from '../errors'
import type { EventSink } from '../log/event-log'
import type { RowView } from '../state/row-table'
import { eventsRoute } from './events-route'
import { rowsRoute } from './rows-route'
import { staticRoutes, type StaticDirs } from './static-routes'
import { streamRoute } from './stream-route'

/** Everything the HTTP edge is wired to. */
export interface AppOptions {
  sink: EventSink
  view: RowView
  hub: StreamHub
  sites: ReadonlySet<string>
  clock: Clock
  /** Serve the SDK and the demo from these folders; omit to serve only the API. */
  staticDirs?: StaticDirs
  /** Called with unexpected errors (a 500 is answered). */
  onUnexpected?: (error: unknown) => void
}

/** The edge's HTTP API (see README "HTTP API"). */
export function createApp({ sink, view, hub, sites, clock, staticDirs, onUnexpected }: AppOptions): Hono {
  const app = new Hono()
  app.use('/v1/*', cors({ origin: '*', allowMethods: ['GET', 'POST', 'OPTIONS'], maxAge: 86400 }))
  app.get('/healthz', (c) => c.json({ status: 'ok', version: view.version() }))
  app.route('/v1/events', eventsRoute({ sink, sites, clock }))
  app.route('/v1/rows', rowsRoute({ view, sites }))
  app.get('/v1/stream', streamRoute(hub))
  app.all('/v1/*', () => {
    throw new ApiError(404, 'not_found', 'no such endpoint')
  })
  if (staticDirs) app.route('/', staticRoutes(staticDirs))

  app.notFound((c) => c.json({ error: 'not found', code: 'not_found' }, 404))
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status, error.headers)
    if (error instanceof HTTPException && error.status < 500) {
      return c.json({ error: error.message || 'bad request', code: 'bad_request' }, error.status)
    }
    onUnexpected?.(error)
    return c.json({ error: 'internal error', code: 'internal' }, 500)
  })
  return app
}

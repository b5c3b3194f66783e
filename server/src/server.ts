import { getRequestListener } from '@hono/node-server'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { systemClock, type Clock } from './clock'
import type { Config } from './config'
import { seedDemoCatalog } from './catalog/demo-catalog'
import { startEmbedded } from './embedded/embedded-mode'
import { createApp, type AppOptions } from './http/app'
import { answerClientError } from './http/client-errors'
import { endWithJson } from './http/raw-response'
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './http/stream-limits'
import { answerUpgrades } from './http/upgrades'
import type { StaticDirs } from './http/static-routes'
import { startKafka } from './kafka/kafka-mode'
import { Metrics } from './metrics'
import { ensureConfiguredSites, loadOperatorToken } from './sites'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The folders of the built SDK and demo in this repository. */
export const defaultStaticDirs: StaticDirs = { sdk: join(root, 'sdk/dist'), demo: join(root, 'demo/dist') }

/** A running Sequitur server. */
export interface RunningServer {
  /** The port it listens on. */
  port: number
  /** The HTTP routes it serves (method and path), for the OpenAPI document's test. */
  routes: ReadonlyArray<{ method: string; path: string }>
  /** Stops accepting, closes sockets, then stops the mode (log, processor, consumers). */
  close(): Promise<void>
}

/** Options beyond the configuration, for tests. */
export interface StartOptions {
  clock?: Clock
  staticDirs?: StaticDirs
  log?: (line: string) => void
  /** Per-connection limits of `/v1/stream`. */
  streamLimits?: Partial<StreamLimits>
  /** How many wrong admin credentials an address may present (default: 10, then one per 10 s). */
  adminThrottle?: AppOptions['adminThrottle']
}

/**
 * Starts a Sequitur server: embedded (log, processor and edge in this process) by default, or the
 * Kafka mode's edge and/or processor when `SEQUITUR_KAFKA_BROKERS` is set.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const { clock = systemClock, staticDirs = defaultStaticDirs, log = console.log } = options
  const streamLimits = { ...DEFAULT_STREAM_LIMITS, ...options.streamLimits }
  const metrics = new Metrics()
  const context = { config, clock, metrics, log }
  const mode = config.kafkaBrokers ? await startKafka(context) : await startEmbedded(context)
  let operatorToken: string | undefined
  if (mode.edge) {
    await ensureConfiguredSites(mode.edge.sites, config, log)
    operatorToken = loadOperatorToken(config.operatorToken, config.dataDir, log)
    if (config.sites.includes('demo')) {
      const seeded = await seedDemoCatalog(mode.edge.catalog)
      if (seeded > 0) log(`sequitur: loaded ${seeded} demo products into the catalog of site "demo"`)
    }
  }
  const app = createApp({
    edge: mode.edge,
    operatorToken,
    clock,
    metrics,
    staticDirs,
    onUnexpected: (error) => log(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`),
    streamLimits,
    adminThrottle: options.adminThrottle,
  })
  const server = listen(app.fetch)
  // ws refuses an oversized frame from its header, before buffering the payload.
  const wss = new WebSocketServer({ noServer: true, maxPayload: streamLimits.maxMessageBytes })
  const dropPendingUpgrades = answerUpgrades(server, { fetch: (request, env) => app.fetch(request, env), wss })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port

  return {
    port,
    routes: app.routes.map(({ method, path }) => ({ method, path })),
    async close() {
      for (const client of wss.clients) client.terminate()
      dropPendingUpgrades()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
      wss.close()
      await mode.close()
    },
  }
}

/**
 * The HTTP server of `fetch`, with every answer below the app in the API's JSON shape too: parser
 * errors, requests Node cannot turn into a Fetch request (no or bad `Host`), `Expect` other than
 * `100-continue`, and `CONNECT`.
 */
function listen(fetch: (request: Request, env: unknown) => Response | Promise<Response>) {
  const listener = getRequestListener(fetch, {
    errorHandler: () => Response.json({ error: 'malformed HTTP request', code: 'bad_request' }, { status: 400 }),
  })
  // Without a Host, Node answers a bare 400 itself; the listener refuses it with the JSON one.
  // An idle connection is kept longer than clients and proxies keep theirs (undici 4 s, nginx 60 s), so
  // that they never send a request on a connection the server is closing at that moment.
  const server = createServer({ requireHostHeader: false, keepAliveTimeout: 65_000 }, listener)
  server.on('clientError', answerClientError)
  server.on('checkExpectation', (_request, response) => {
    const body = JSON.stringify({ error: 'only Expect: 100-continue is supported', code: 'expectation_failed' })
    response.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' })
    response.end(body)
  })
  server.on('connect', (_request, socket) => {
    endWithJson(socket, 405, { error: 'CONNECT is not supported', code: 'method_not_allowed' })
  })
  return server
}

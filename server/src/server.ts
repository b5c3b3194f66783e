import { serve, type ServerType } from '@hono/node-server'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { systemClock, type Clock } from './clock'
import type { Config } from './config'
import { loadAdminSecret } from './catalog/admin-secret'
import { seedDemoCatalog } from './catalog/demo-catalog'
import { startEmbedded } from './embedded/embedded-mode'
import { createApp } from './http/app'
import type { QuotaOf } from './http/quota'
import type { StaticDirs } from './http/static-routes'
import { startKafka } from './kafka/kafka-mode'
import { Metrics } from './metrics'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The folders of the built SDK and demo in this repository. */
export const defaultStaticDirs: StaticDirs = { sdk: join(root, 'sdk/dist'), demo: join(root, 'demo/dist') }

/** A running Sequitur server. */
export interface RunningServer {
  /** The port it listens on. */
  port: number
  /** Stops accepting, closes sockets, then stops the mode (log, processor, consumers). */
  close(): Promise<void>
}

/** Options beyond the configuration, for tests. */
export interface StartOptions {
  clock?: Clock
  staticDirs?: StaticDirs
  log?: (line: string) => void
  /** Each site's quota on this edge; unlimited when absent (the site registry supplies it once merged). */
  quotaOf?: QuotaOf
}

/**
 * Starts a Sequitur server: embedded (log, processor and edge in this process) by default, or the
 * Kafka mode's edge and/or processor when `SEQUITUR_KAFKA_BROKERS` is set.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const { clock = systemClock, staticDirs = defaultStaticDirs, log = console.log, quotaOf } = options
  const metrics = new Metrics()
  const context = { config, clock, metrics, log }
  const mode = config.kafkaBrokers ? await startKafka(context) : startEmbedded(context)
  const adminSecrets = new Map<string, string>()
  if (mode.edge && config.sites.includes('demo')) {
    adminSecrets.set('demo', loadAdminSecret(config.adminSecret, config.dataDir, log))
    const seeded = await seedDemoCatalog(mode.edge.catalog)
    if (seeded > 0) log(`sequitur: loaded ${seeded} demo products into the catalog of site "demo"`)
  }
  const app = createApp({
    edge: mode.edge,
    adminSecrets,
    sites: new Set(config.sites),
    quotaOf,
    clock,
    metrics,
    staticDirs,
    onUnexpected: (error) => log(`unexpected error: ${error instanceof Error ? error.stack : String(error)}`),
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve(
      { fetch: app.fetch, port: config.port, ...(config.host ? { hostname: config.host } : {}), websocket: { server: wss } },
      () => resolve(s),
    )
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : config.port

  return {
    port,
    async close() {
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      })
      await mode.close()
    },
  }
}

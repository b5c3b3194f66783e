import { serve, type ServerType } from '@hono/node-server'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocketServer } from 'ws'
import { systemClock, type Clock } from './clock'
import type { Config } from './config'
import { StreamHub } from './edge/stream-hub'
import { MemoryRowFeed } from './feed/row-feed'
import { createApp } from './http/app'
import type { StaticDirs } from './http/static-routes'
import { SqliteLog } from './log/sqlite-log'
import { Processor } from './processor/processor'
import { ModelStore } from './state/model-store'
import { RowTable } from './state/row-table'
import { openDb } from './state/sqlite'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The folders of the built SDK and demo in this repository. */
export const defaultStaticDirs: StaticDirs = { sdk: join(root, 'sdk/dist'), demo: join(root, 'demo/dist') }

/** A running Sequitur server in embedded mode. */
export interface RunningServer {
  /** The port it listens on. */
  port: number
  /** Stops accepting, closes sockets, and closes the log and the state. */
  close(): Promise<void>
}

/** Options beyond the configuration, for tests. */
export interface StartOptions {
  clock?: Clock
  staticDirs?: StaticDirs
  log?: (line: string) => void
}

/**
 * Starts the edge, the embedded log and the processor in one process: the default mode of
 * `npm start`.
 */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const { clock = systemClock, staticDirs = defaultStaticDirs, log = console.log } = options
  const eventLog = new SqliteLog({ file: join(config.dataDir, 'log.db'), clock })
  const stateDb = openDb(join(config.dataDir, 'state.db'))
  const rows = new RowTable(stateDb)
  const feed = new MemoryRowFeed()
  const sites = new Set(config.sites)
  const hub = new StreamHub({ view: rows, sites })
  feed.subscribe((changes) => hub.publish(changes))
  const processor = new Processor({
    source: eventLog,
    store: new ModelStore(stateDb),
    rows,
    feed,
    clock,
    windowDays: config.windowDays,
    topK: config.topK,
    logRetentionDays: config.logRetentionDays,
    onError: (error) => log(`processor: batch failed, state reloaded: ${String(error)}`),
  })
  processor.drain()
  processor.start()

  const app = createApp({
    sink: eventLog,
    view: rows,
    hub,
    sites,
    clock,
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
      processor.stop()
      for (const client of wss.clients) client.terminate()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      ;(server as { closeAllConnections?: () => void }).closeAllConnections?.()
      eventLog.close()
      stateDb.close()
    },
  }
}

import { afterAll, afterEach, beforeAll, describe } from 'vitest'
import type { RowsAnswer } from '@sequitur/sdk'
import { launch } from '../driver/launch'
import type { Engine, EngineName, LaunchOptions, Tab } from '../driver/engine'
import { recordRow, type RowResult } from './fault-matrix'
import { FaultProxy } from './fault-proxy'
import { until } from './page-helpers'
import { SequiturServer } from './sequitur-server'
import type { PageOptions } from './test-page'

/** What a suite's tests use: one engine, the real server, and the proxy in front of it. */
export interface Harness {
  readonly name: EngineName
  engine(): Engine
  server: SequiturServer
  proxy: FaultProxy
  /** The URL of the test page on the proxy's origin. */
  pageUrl(options?: PageOptions): string
  /** Opens the test page in a new tab (closed after the test unless the test closed it). */
  open(options?: PageOptions): Promise<Tab>
  /** How many times the server counted the event of each item of a chain the page tracked (see fault-matrix.ts). */
  counted(items: string[]): Promise<number[]>
  /** Waits until the server counted every item (or `ms` passed), then a little longer for late duplicates. */
  settle(items: string[], ms?: number): Promise<number[]>
  /** Measures the row, writes it for docs/fault-matrix.md, and answers it. */
  result(fault: string, items: string[], extra?: Pick<RowResult, 'dropped' | 'note'>): Promise<RowResult>
}

/** Options of `forEachEngine`. */
export interface SuiteOptions {
  /** How each engine's browser is started (a fault that lives in the browser: its clock, its storage). */
  launch?: LaunchOptions | ((engine: EngineName) => LaunchOptions)
}

/** Waits for `promise` (its failure included) at most `ms`. */
function atMost(promise: Promise<unknown> | undefined, ms: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise((resolve) => (timer = setTimeout(resolve, ms)))
  return Promise.race([promise?.catch(() => {}), timeout]).finally(() => clearTimeout(timer))
}

/** Declares a `describe` per selected engine, with the server, proxy and browser started once for it and always stopped. */
export function forEachEngine(engines: EngineName[], title: string, body: (h: Harness) => void, options: SuiteOptions = {}): void {
  for (const name of engines) {
    describe(`${title} [${name}]`, () => {
      let engine: Engine | undefined
      const server = new SequiturServer()
      const proxy = new FaultProxy(() => server.port)
      const tabs: Tab[] = []
      beforeAll(async () => {
        await server.start()
        await proxy.start()
        engine = await launch(name, typeof options.launch === 'function' ? options.launch(name) : options.launch)
      })
      afterEach(async () => {
        proxy.fault = { kind: 'pass' }
        if (engine?.offline === true) await engine.setOffline(false).catch(() => {})
        for (const tab of tabs.splice(0)) await tab.close().catch(() => {})
        if (!server.up) await server.start()
      })
      afterAll(async () => {
        // Each step bounded: one that hangs must not take the others (and the hook's 90 s) with it.
        await atMost(engine?.close(), 30_000)
        await atMost(proxy.close(), 10_000)
        await atMost(server.dispose(), 30_000)
      })
      const counted = async (items: string[]): Promise<number[]> => {
        const rows: RowsAnswer['rows'] = {}
        for (let i = 0; i < items.length; i += 20) {
          const chunk = items.slice(i, i + 20)
          const response = await fetch(`${server.origin}/v1/rows?site=demo&items=${chunk.map(encodeURIComponent).join(',')}`)
          Object.assign(rows, ((await response.json()) as RowsAnswer).rows)
        }
        return items.map((item, i) => {
          if (i < items.length - 1) return rows[item]?.total ?? 0
          const into = rows[items[i - 1]!]?.next.find(([next]) => next === item)
          return into ? into[1] : 0
        })
      }
      const harness: Harness = {
        name,
        engine: () => engine!,
        server,
        proxy,
        pageUrl: (options = {}) => `${proxy.origin}/test-page?${new URLSearchParams(options as Record<string, string>)}`,
        async open(options) {
          const tab = await engine!.open(harness.pageUrl(options))
          tabs.push(tab)
          return tab
        },
        counted,
        async settle(items, ms = 20_000) {
          await until(async () => (await counted(items)).every((n) => n > 0), 'every event counted', ms).catch(() => {})
          await new Promise((resolve) => setTimeout(resolve, 700))
          return counted(items)
        },
        async result(fault, items, extra = {}) {
          const counts = await harness.settle(items)
          const deliveries = proxy.deliveries()
          const result: RowResult = {
            fault,
            engine: name,
            version: engine!.version,
            tracked: items.length,
            sent: items.filter((item) => (deliveries.get(item) ?? 0) > 0).length,
            resent: items.reduce((sum, item) => sum + Math.max(0, (deliveries.get(item) ?? 0) - 1), 0),
            counted: counts.filter((n) => n > 0).length,
            lost: counts.filter((n) => n === 0).length,
            duplicated: counts.reduce((sum, n) => sum + Math.max(0, n - 1), 0),
            ...extra,
          }
          recordRow(result)
          return result
        },
      }
      body(harness)
    })
  }
}

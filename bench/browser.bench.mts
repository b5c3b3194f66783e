/**
 * The SDK's browser budgets, measured in Debian Chromium (then Firefox ESR and WebKitGTK, side by side, no target) through the public API a page uses
 * (`window.sequitur` from `<script src=/sdk.js>`): `rerank()` of 100 and 500 candidates (main thread →
 * worker → main) for a visitor whose 10 clicked items have real model rows cached in the worker, the
 * main-thread time of one `track()` call, and the min+gzip size of the two bundles.
 *
 * It builds the SDK, starts a real Sequitur server (embedded mode, a fresh temp data dir, 127.0.0.1 only),
 * posts real click sessions (YOOCHOOSE 1/64 when ../shared/data is present, else the rsc15 sample) so the
 * rows exist, and drives Chromium with Playwright. The page is served cross-origin isolated (COOP/COEP):
 * Chromium then gives `performance.now()` a 5 µs resolution instead of 100 µs. Firefox and WebKit are driven
 * through the e2e driver seam (e2e/driver) on the engine suites' test page, served isolated by their proxy; the
 * same in-page timing functions measure `rerank()` of 100 candidates and `track()` there.
 *
 *   node --import tsx bench/browser.bench.mts [--quick]
 */
import { chromium, type Browser, type Page } from '@playwright/test'
import type { Event, RowsAnswer, Sequitur } from '@sequitur/sdk'
import { parsePosition, type ModelRow } from '@sequitur/sdk/protocol'
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { readClickLog, readSessionLines, type Session } from '../server/src/history/sessions'
import { median, percentile, quick, report, round } from './suite.mts'

/**
 * What the bench touches in the page. The bench is type-checked with Node's types only (no DOM library), so
 * the functions run by `page.evaluate` see the page's globals through this.
 */
interface PageGlobal {
  sequitur?: Sequitur
  crossOriginIsolated: boolean
  performance: { now(): number }
  indexedDB: { open(name: string): IdbRequest<IdbDatabase> }
  MessageChannel: new () => { port1: { onmessage: (() => void) | null; close(): void }; port2: { postMessage(value: unknown): void } }
}
interface IdbRequest<T> {
  result: T
  error: unknown
  onsuccess: (() => void) | null
  onerror: (() => void) | null
}
interface IdbDatabase {
  transaction(stores: string[]): {
    objectStore(name: string): { get(key: string): IdbRequest<unknown>; getAll(): IdbRequest<unknown[]> }
    oncomplete: (() => void) | null
    onerror: (() => void) | null
    error: unknown
  }
  close(): void
}

const root = join(import.meta.dirname, '..')
const RUNS = quick ? 3 : 5
const RERANKS = quick ? 300 : 1000
const WARMUP = quick ? 100 : 200
// track() calls are cheap: the quick run makes as many, since a p99 over 300 is the 3rd-worst call.
const TRACKS = 1000
const TRACK_WARMUP = 50
const DEPTH = 10
const MAX_SESSIONS = quick ? 3000 : 6000
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
/** Runs a function in the page: Playwright's `page.evaluate` or a driver seam tab's. */
type Evaluate = <A, T>(fn: (arg: A) => T | Promise<T>, arg: A) => Promise<T>
const onPage = (page: Page): Evaluate => (fn, arg) => page.evaluate(fn as never, arg) as never
/** The engines measured after Chromium, through the driver seam. */
const OTHER_ENGINES = ['firefox', 'webkit'] as const
type EngineName = (typeof OTHER_ENGINES)[number]

/**
 * The parts of the e2e driver seam (e2e/driver) and the engine suites' proxy (e2e/engines/fault-proxy.ts) the
 * bench uses. They are loaded by path: the e2e project is type-checked on its own (DOM, driver types), and a
 * static import would pull it into the server project that checks bench/.
 */
interface Seam {
  launch(name: EngineName): Promise<{ version: string; open(url: string): Promise<{ evaluate: Evaluate }>; close(): Promise<void> }>
  FaultProxy: new (upstreamPort: () => number) => { headers: Record<string, string>; origin: string; start(): Promise<void>; close(): Promise<void> }
}
type Proxy = InstanceType<Seam['FaultProxy']>
async function loadSeam(): Promise<Seam> {
  const [driver, proxy] = await Promise.all([import(join(root, 'e2e/driver/index.ts')), import(join(root, 'e2e/engines/fault-proxy.ts'))])
  return { launch: driver.launch, FaultProxy: proxy.FaultProxy } as Seam
}
/** Cross-origin isolation, for the finest timers each engine gives. */
const ISOLATION = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }

// A hung step must not leave the suite (or its server and browser) running.
const watchdog = setTimeout(() => void fail(new Error('the suite took longer than its time limit')), (quick ? 300 : 900) * 1000)
watchdog.unref()

let server: ChildProcess | undefined
let browser: Browser | undefined
let stopOthers: () => Promise<void> = async () => {}
const dataDir = mkdtempSync(join(tmpdir(), 'sequitur-bench-browser-'))

async function fail(error: unknown): Promise<never> {
  console.error('browser bench failed:', error)
  await cleanUp()
  process.exit(1)
}

async function cleanUp(): Promise<void> {
  await stopOthers().catch(() => {})
  await browser?.close().catch(() => {})
  browser = undefined
  const child = server
  server = undefined // (so its exit is not taken for a crash)
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    const stuck = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(stuck)
  }
  rmSync(dataDir, { recursive: true, force: true })
}

/** Starts `server/src/main.ts` (embedded mode) on a free loopback port; resolves its base URL once it listens. */
function startServer(): Promise<string> {
  // The embedded defaults, whatever SEQUITUR_* the shell has (a broker list would switch to Kafka mode).
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('SEQUITUR_')))
  return new Promise((resolve, reject) => {
    const child = (server = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/src/main.ts')], {
      cwd: root,
      env: { ...env, PORT: '0', HOST: '127.0.0.1', SEQUITUR_DATA_DIR: dataDir, SEQUITUR_ADMIN_SECRET: 'bench-secret-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    }))
    let out = ''
    let listening = false
    const onData = (chunk: Buffer) => {
      out += chunk.toString()
      const match = /listening on http:\/\/localhost:(\d+)/.exec(out)
      if (match && !listening) {
        listening = true
        resolve(`http://127.0.0.1:${match[1]}`)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
    child.once('exit', (code, signal) => {
      const error = new Error(`the server exited (${code ?? signal}) ${listening ? 'during the run' : 'before listening'}:\n${out.slice(-2000)}`)
      if (!listening) reject(error)
      else if (server === child) void fail(error)
    })
  })
}

/** Distinct items of a session, most recent first, at most `depth` (the worker's row depth). */
function latestDistinct(items: readonly string[], depth: number): string[] {
  const out: string[] = []
  for (let i = items.length - 1; i >= 0 && out.length < depth; i--) if (!out.includes(items[i]!)) out.push(items[i]!)
  return out
}

async function postSessions(url: string, sessions: readonly Session[]): Promise<number> {
  const start = Date.now() - 6 * 3600_000
  let events: Event[] = []
  let posted = 0
  const send = async () => {
    const response = await fetch(`${url}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ site: 'demo', events }),
    })
    if (response.status !== 202) throw new Error(`POST /v1/events answered ${response.status}: ${await response.text()}`)
    posted += events.length
    events = []
  }
  for (const [s, session] of sessions.entries()) {
    if (events.length + session.items.length > 500) await send()
    session.items.forEach((item, i) =>
      events.push({ id: `bench-${s}-${i}`, type: 'click', item, session: `bench-${s}`, ts: start + s * 1000 + i * 10 }),
    )
  }
  if (events.length > 0) await send()
  return posted
}

const serverVersion = async (url: string) => ((await (await fetch(`${url}/healthz`)).json()) as { version: number }).version

/** Events the server accepted and events its processor applied, from `/metrics`. */
async function counters(url: string): Promise<{ accepted: number; applied: number }> {
  const text = await (await fetch(`${url}/metrics`)).text()
  const value = (name: string) => Number(new RegExp(`^${name} (\\d+)`, 'm').exec(text)?.[1] ?? 0)
  return { accepted: value('sequitur_events_in_total'), applied: value('sequitur_events_processed_total') }
}

/** Waits until the processor has applied every accepted event and the row version then stays put for `quietMs`. */
async function settle(url: string, quietMs: number, timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs
  let last = -1
  let since = Date.now()
  while (Date.now() < until) {
    const { accepted, applied } = await counters(url)
    const version = await serverVersion(url)
    if (applied < accepted || version !== last) {
      last = applied < accepted ? -1 : version
      since = Date.now()
    } else if (Date.now() - since >= quietMs) return version
    await sleep(50)
  }
  throw new Error(`the server's rows did not settle within ${timeoutMs} ms`)
}

async function fetchRows(url: string, items: readonly string[]): Promise<Record<string, ModelRow>> {
  const answer = (await (await fetch(`${url}/v1/rows?site=demo&include=related&items=${items.map(encodeURIComponent).join(',')}`)).json()) as RowsAnswer
  return answer.rows
}

/** What the worker persisted next to its in-memory cache: the stream version and the cached rows. */
async function workerCache(evaluate: Evaluate): Promise<{ version: number | undefined; rows: Array<{ item: string; row: ModelRow }> }> {
  const { cursor, rows } = await evaluate(
    (): Promise<{ cursor: string | undefined; rows: Array<{ item: string; row: ModelRow }> }> =>
      new Promise((resolve, reject) => {
        const open = (globalThis as unknown as PageGlobal).indexedDB.open('sequitur:demo')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const tx = open.result.transaction(['meta', 'rows'])
          const meta = tx.objectStore('meta').get('state')
          const rows = tx.objectStore('rows').getAll()
          tx.oncomplete = () => {
            open.result.close()
            resolve({ cursor: (meta.result as { cursor?: string } | undefined)?.cursor, rows: rows.result as Array<{ item: string; row: ModelRow }> })
          }
          tx.onerror = () => reject(tx.error)
        }
      }),
    null,
  )
  // The stored stream position, `epoch:cursor`; embedded mode's cursor is one offset, the version.
  return { version: cursor === undefined ? undefined : parsePosition(cursor)?.offsets[0], rows }
}

/** Times `count` sequential `rerank()` calls inside the page, after `warmup` untimed ones; checks every answer is real. */
function timeRerank(evaluate: Evaluate, candidates: readonly string[], count: number, warmup: number, scored: number): Promise<number[]> {
  return evaluate(
    async ({ candidates, count, warmup, scored }) => {
      const sequitur = (globalThis as unknown as PageGlobal).sequitur!
      const samples: number[] = []
      for (let i = 0; i < warmup + count; i++) {
        const start = performance.now()
        const ranked = await sequitur.rerank(candidates)
        const took = performance.now() - start
        // A failed call resolves to the page's order with zero scores: that would be fast and wrong.
        if (ranked.length !== candidates.length || ranked.filter((r) => r.score > 0).length !== scored) {
          throw new Error(`rerank answered ${ranked.length} items, ${ranked.filter((r) => r.score > 0).length} scored (expected ${scored})`)
        }
        if (i >= warmup) samples.push(took)
      }
      return samples
    },
    { candidates: [...candidates], count, warmup, scored },
  )
}

/** Times the synchronous part of `count` `track()` click calls, yielding a macrotask between calls as real clicks do. */
function timeTrack(evaluate: Evaluate, items: readonly string[], count: number, warmup: number): Promise<number[]> {
  return evaluate(
    async ({ items, count, warmup }) => {
      const sequitur = (globalThis as unknown as PageGlobal).sequitur!
      // (No named helpers in here: tsx would wrap them in a `__name` call the page does not have.)
      const channel = new (globalThis as unknown as PageGlobal).MessageChannel()
      const samples: number[] = []
      for (let i = 0; i < warmup + count; i++) {
        const item = items[i % items.length]!
        const start = performance.now()
        sequitur.track({ type: 'click', item })
        const took = performance.now() - start
        if (i >= warmup) samples.push(took)
        await new Promise<void>((resolve) => {
          channel.port1.onmessage = () => resolve()
          channel.port2.postMessage(0)
        })
      }
      channel.port1.close()
      return samples
    },
    { items: [...items], count, warmup },
  )
}

/**
 * The visitor clicks its 10 items through the SDK on the page and the worker subscribes to their rows over the
 * stream; resolves once the worker holds every row at the server's settled version (the clicks changed them)
 * and those rows score `candidates`, with the server's version and how many candidates have signal.
 */
async function holdRows(evaluate: Evaluate, url: string, visitor: string[], candidates: string[]): Promise<{ version: number; scored: number }> {
  await evaluate(async (items) => {
    for (const item of items) (globalThis as unknown as PageGlobal).sequitur!.track({ type: 'click', item })
    await (globalThis as unknown as PageGlobal).sequitur!.flush()
  }, visitor)
  const trail = await evaluate(() => (globalThis as unknown as PageGlobal).sequitur!.trail(), null)
  if (trail.join() !== visitor.join()) throw new Error(`the worker's trail is ${trail.join()}, expected ${visitor.join()}`)
  const version = await settle(url, 300, 30_000)
  const finalRows = await fetchRows(url, visitor)
  const deadline = Date.now() + 20_000
  for (;;) {
    const cache = await workerCache(evaluate)
    const held = new Map(cache.rows.map(({ item, row }) => [item, row]))
    const current = visitor.every((item) => {
      const row = held.get(item)
      return row && row.total === finalRows[item]!.total && row.related?.total === finalRows[item]!.related?.total
    })
    if (current && cache.version === version && held.size === DEPTH) break
    if (Date.now() > deadline) {
      throw new Error(`the worker holds ${held.size} current rows of ${DEPTH} (version ${cache.version}, server ${version}): ${visitor.filter((i) => !held.has(i)).join(', ') || 'stale rows'}`)
    }
    await sleep(200)
  }
  // The cached rows are the ones scoring: each of the scorer's context items gives reasons.
  const probe = await evaluate((c) => (globalThis as unknown as PageGlobal).sequitur!.rerank(c), candidates)
  const from = new Set(probe.flatMap((r) => r.reasons.map((reason) => reason.from)))
  const latest = visitor.slice(-5)
  if (!latest.every((item) => from.has(item))) throw new Error(`rerank used the rows of ${[...from].join(', ')}, expected ${latest.join(', ')}`)
  return { version, scored: probe.filter((r) => r.score > 0).length }
}

/** What one engine measured through the driver seam. */
interface EngineFigures {
  version: string
  isolated: boolean
  /** The smallest step of `performance.now()` seen in the page (ms). */
  resolution: number
  scored: number
  rerankP99s: number[]
  trackP99s: number[]
}

/**
 * `rerank()` of 100 candidates and `track()` in `name`, timed in the page by the same functions as in Chromium:
 * the engine suites' test page on `proxy` (isolated), a fresh profile, the same visitor.
 */
async function measureEngine(seam: Seam, name: EngineName, proxy: Proxy, url: string, visitor: string[], c100: string[]): Promise<EngineFigures> {
  const engine = await seam.launch(name)
  stopOthers = () => engine.close()
  try {
    const tab = await engine.open(`${proxy.origin}/test-page`)
    const evaluate: Evaluate = (fn, arg) => tab.evaluate(fn, arg)
    const deadline = Date.now() + 20_000
    while (!(await evaluate(() => (globalThis as unknown as PageGlobal).sequitur !== undefined, null))) {
      if (Date.now() > deadline) throw new Error(`${name}: window.sequitur did not appear`)
      await sleep(100)
    }
    await evaluate(() => (globalThis as unknown as PageGlobal).sequitur!.trail(), null)
    const isolated = await evaluate(() => (globalThis as unknown as PageGlobal).crossOriginIsolated === true, null)
    const resolution = await evaluate(() => {
      const clock = (globalThis as unknown as PageGlobal).performance
      let smallest = Infinity
      let last = clock.now()
      for (let i = 0; i < 200_000; i++) {
        const now = clock.now()
        if (now > last) smallest = Math.min(smallest, now - last)
        last = now
      }
      return smallest
    }, null)
    const { scored } = await holdRows(evaluate, url, visitor, c100)
    const rerankP99s: number[] = []
    for (let run = 0; run < RUNS; run++) rerankP99s.push(percentile(await timeRerank(evaluate, c100, RERANKS, WARMUP, scored), 99))
    const trackP99s: number[] = []
    for (let run = 0; run < RUNS; run++) {
      trackP99s.push(percentile(await timeTrack(evaluate, visitor, TRACKS, TRACK_WARMUP), 99))
      await evaluate(() => (globalThis as unknown as PageGlobal).sequitur!.flush(), null)
    }
    return { version: engine.version, isolated, resolution, scored, rerankP99s, trackP99s }
  } finally {
    await engine.close()
    stopOthers = async () => {}
  }
}

async function main(): Promise<void> {
  const begun = performance.now()
  execFileSync('npm', ['run', 'build', '-w', '@sequitur/sdk'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
  const gzipBytes = (file: string) => gzipSync(readFileSync(join(root, 'sdk/dist', file)), { level: 9 }).length
  const loaderGzip = gzipBytes('sdk.js')
  const workerGzip = gzipBytes('sdk-worker.js')

  // Real sessions: the visitor replays one with 10 distinct items; every session naming one of them makes their rows.
  const yoochoose = join(root, '../shared/data/yoochoose-1-64/train.txt')
  const dataset = existsSync(yoochoose) ? 'YOOCHOOSE 1/64 train.txt' : 'server/fixtures/rsc15-sample/train.tsv'
  const sessions = existsSync(yoochoose) ? readSessionLines(yoochoose) : readClickLog(join(root, 'server/fixtures/rsc15-sample/train.tsv')).sessions
  const frequency = new Map<string, number>()
  for (const s of sessions) for (const item of new Set(s.items)) frequency.set(item, (frequency.get(item) ?? 0) + 1)
  let visitor: string[] = []
  let best = -1
  for (const s of sessions) {
    const latest = latestDistinct(s.items, DEPTH)
    if (latest.length < DEPTH) continue
    const weakest = Math.min(...latest.map((item) => frequency.get(item)!))
    if (weakest > best) {
      best = weakest
      visitor = latest.reverse()
    }
  }
  if (visitor.length < DEPTH) throw new Error(`no session in ${dataset} has ${DEPTH} distinct items`)
  const wanted = new Set(visitor)
  const history = sessions.filter((s) => s.items.length > 1 && s.items.some((item) => wanted.has(item))).slice(0, MAX_SESSIONS)
  const catalogue = [...frequency.keys()].filter((item) => !wanted.has(item))

  const url = await startServer()
  const posted = await postSessions(url, history)
  await settle(url, 300, 60_000)
  const serverRows = await fetchRows(url, visitor)
  const missing = visitor.filter((item) => !serverRows[item]?.related)
  if (missing.length > 0) throw new Error(`the server has no rows for ${missing.join(', ')} after ${posted} events`)

  // Candidates: the related items of the session's rows, latest item first (signal), then catalogue filler (no
  // signal), in a fixed shuffle. The scorer reads the rows of the latest 5 items, so the older rows' items may score 0.
  const newestFirst = [...visitor].reverse()
  const related = [...new Set(newestFirst.flatMap((item) => serverRows[item]!.related!.items.map(([id]) => id)))].filter((id) => !wanted.has(id))
  const candidatesOf = (size: number) => {
    const signal = related.slice(0, Math.round(size * 0.6))
    const filler = catalogue.filter((id) => !related.includes(id)).slice(0, size - signal.length)
    const all = [...signal, ...filler]
    for (let i = all.length - 1; i > 0; i--) {
      const j = (i * 7919) % (i + 1)
      ;[all[i], all[j]] = [all[j]!, all[i]!]
    }
    return all
  }
  const c100 = candidatesOf(100)
  const c500 = candidatesOf(500)

  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS })
  // The page is fulfilled by Playwright, so Chromium does not know it came from loopback: allow its stream socket.
  const context = await browser.newContext({ permissions: ['local-network-access'] })
  const page = await context.newPage()
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>browser bench</title>
    <script src="/sdk.js" data-site="demo" data-debug async></script></head><body><p>bench</p></body></html>`
  // Cross-origin isolation (for 5 µs timers): the page and the worker script both carry COEP.
  await page.route(`${url}/bench`, (route) => route.fulfill({ contentType: 'text/html', headers: ISOLATION, body: html }))
  await page.route(`${url}/sdk-worker.js`, async (route) => {
    const response = await route.fetch()
    await route.fulfill({ response, headers: { ...response.headers(), ...ISOLATION } })
  })
  // The SDK runs with data-debug: whatever it logs (only failures) goes to stderr.
  page.on('console', (message) => console.error('[page]', message.text()))
  page.on('requestfailed', (request) => console.error('[request failed]', request.url(), request.failure()?.errorText))
  page.on('worker', (worker) => worker.on('console', (message) => console.error('[worker]', message.text())))
  await page.goto(`${url}/bench`)
  await page.waitForFunction(() => (globalThis as unknown as PageGlobal).sequitur !== undefined)
  if (!(await page.evaluate(() => (globalThis as unknown as PageGlobal).crossOriginIsolated))) throw new Error('the page is not cross-origin isolated: timers would be coarse')
  await page.evaluate(() => (globalThis as unknown as PageGlobal).sequitur!.trail())

  const { version, scored: scored100 } = await holdRows(onPage(page), url, visitor, c100)
  const scored500 = (await page.evaluate((c) => (globalThis as unknown as PageGlobal).sequitur!.rerank(c), c500)).filter((r) => r.score > 0).length

  const p50s100: number[] = []
  const p99s100: number[] = []
  const p99s500: number[] = []
  const trackP99s: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const s100 = await timeRerank(onPage(page), c100, RERANKS, WARMUP, scored100)
    p50s100.push(percentile(s100, 50))
    p99s100.push(percentile(s100, 99))
    const s500 = await timeRerank(onPage(page), c500, RERANKS, WARMUP, scored500)
    p99s500.push(percentile(s500, 99))
  }
  // Last: clicking changes the session (the same 10 items, so the rows held stay the same).
  const trackP50s: number[] = []
  for (let run = 0; run < RUNS; run++) {
    const samples = await timeTrack(onPage(page), visitor, TRACKS, TRACK_WARMUP)
    trackP50s.push(percentile(samples, 50))
    trackP99s.push(percentile(samples, 99))
    await page.evaluate(() => (globalThis as unknown as PageGlobal).sequitur!.flush())
  }

  const chromiumVersion = browser.version()
  await browser.close()
  browser = undefined

  // Firefox and WebKit, one after the other, on the engine suites' test page behind their proxy (isolated).
  const seam = await loadSeam()
  const proxy = new seam.FaultProxy(() => Number(new URL(url).port))
  proxy.headers = ISOLATION
  await proxy.start()
  const others = new Map<EngineName, EngineFigures>()
  try {
    for (const name of OTHER_ENGINES) others.set(name, await measureEngine(seam, name, proxy, url, visitor, c100))
  } finally {
    await proxy.close()
  }
  await cleanUp()
  const otherResults = Object.fromEntries(
    [...others].flatMap(([name, f]) => [
      [`rerank_p99_ms_100_${name}`, round(median(f.rerankP99s))],
      [`track_main_thread_ms_p99_${name}`, round(median(f.trackP99s), 5)],
    ]),
  )
  const results = {
    rerank_p50_ms_100: round(median(p50s100)),
    rerank_p99_ms_100: round(median(p99s100)),
    rerank_p99_ms_500: round(median(p99s500)),
    track_main_thread_ms_p99: round(median(trackP99s), 5),
    track_main_thread_ms_p50: round(median(trackP50s), 5),
    sdk_loader_gzip_bytes: loaderGzip,
    sdk_worker_gzip_bytes: workerGzip,
    ...otherResults,
  }
  const setup = [
    `Chromium ${chromiumVersion} (Debian, headless, Playwright), page cross-origin isolated (performance.now() at 5 µs), on this machine's ${cpus().length} cores.`,
    `Server: embedded mode, fresh data dir, loopback; ${posted} click events of ${history.length} real sessions from ${dataset} posted first.`,
    `Visitor: 10 distinct real items clicked through window.sequitur.track(); the worker holds all 10 rows (checked against /v1/rows, version ${version}).`,
    `rerank: sequential window.sequitur.rerank() calls timed in the page (main → worker → main); 100 candidates (${scored100} with signal) and 500 (${scored500} with signal);`,
    `  ${RUNS} runs of ${RERANKS} calls per size after ${WARMUP} warm-up calls each run; reported: the median over runs of each run's p50 / p99.`,
    `track: the synchronous part of one track({type: 'click'}) call, ${RUNS} runs of ${TRACKS} calls (after ${TRACK_WARMUP} warm-up), one macrotask between calls; median of the runs' p99.`,
    `  Runs' p50 / p99 (ms): ${trackP50s.map((p, i) => `${round(p, 5)} / ${round(trackP99s[i]!, 5)}`).join(', ')}.`,
    ...[...others].map(
      ([name, f]) =>
        `${name} ${f.version} (through e2e/driver; page ${f.isolated ? '' : 'NOT '}cross-origin isolated, performance.now() steps of ${round(f.resolution, 4)} ms): rerank 100 (${f.scored} with signal) and track the same way; runs' rerank p99 ${f.rerankP99s.map((p) => round(p)).join(', ')} ms, track p99 ${f.trackP99s.map((p) => round(p, 5)).join(', ')} ms.`,
    ),
    `Sizes: sdk/dist/sdk.js and sdk-worker.js as built by \`npm run build -w @sequitur/sdk\` (esbuild, minified), gzip level 9.`,
    `${quick ? 'Quick mode. ' : ''}Took ${Math.round((performance.now() - begun) / 1000)} s.`,
  ].join('\n')
  report('browser', setup, results)
}

try {
  await main()
} catch (error) {
  await fail(error)
}

import { expect, it } from 'vitest'
import type { EngineName } from '../driver/engine'
import { selectedEngines } from '../driver/launch'
import { FAULTS } from './fault-matrix'
import { forEachEngine } from './harness'
import { flush, freshItems, outboxSize, pageErrors, sdkReady, storageOf, track, trail, until } from './page-helpers'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const runs = (fault: string, engine: EngineName) => {
  const row = FAULTS.find((r) => r.id === fault)
  return !row?.cannot?.[engine] && !row?.notRun?.[engine]
}
const clean = { lost: 0, duplicated: 0 }

// Each row ends by comparing what the server counted with what the page tracked (see fault-matrix.ts).
forEachEngine(selectedEngines(), 'fault', (h) => {
  if (runs('offline-online', h.name)) {
    it('offline, then online: kept in the outbox, sent once back online', async () => {
      const items = freshItems('offline', 4)
      const tab = await h.open()
      await sdkReady(tab)
      await h.engine().setOffline(true)
      await track(tab, items)
      await flush(tab)
      expect(await outboxSize(tab)).toBe(items.length)
      await h.engine().setOffline(false)
      await flush(tab)
      expect(await h.result('offline-online', items)).toMatchObject({ ...clean, counted: items.length })
      expect(await pageErrors(tab)).toEqual([])
    })
  }

  it('server down 10 s: kept, then sent once to the restarted server', async () => {
    const items = freshItems('down', 4)
    const tab = await h.open()
    await sdkReady(tab)
    await h.server.stop()
    await track(tab, items)
    await flush(tab)
    await sleep(10_000)
    expect(await outboxSize(tab)).toBe(items.length)
    await h.server.start()
    await flush(tab)
    expect(await h.result('server-down', items)).toMatchObject({ ...clean, counted: items.length })
    expect(await pageErrors(tab)).toEqual([])
  })

  for (const status of [503, 429] as const) {
    it(`${status} storm with Retry-After: retries spread by at least Retry-After, then sent once`, async () => {
      const items = freshItems(`storm${status}`, 4)
      const tab = await h.open()
      await sdkReady(tab)
      const start = h.proxy.eventPosts().length
      h.proxy.fault = { kind: 'status', status, retryAfterSeconds: 2 }
      await track(tab, items)
      await until(async () => h.proxy.eventPosts().length > start, 'a first try')
      await sleep(6_000)
      const tries = h.proxy.eventPosts().slice(start)
      h.proxy.fault = { kind: 'pass' }
      const gaps = tries.slice(1).map((t, i) => t.at - tries[i]!.at)
      // Retry-After: 2 honoured: no retry sooner than ~2 s after the last answer, so at most 4 tries in 6 s.
      expect(tries.length).toBeLessThanOrEqual(4)
      for (const gap of gaps) expect(gap).toBeGreaterThan(1_900)
      const note = `${tries.length} tries in 6 s, gaps ${gaps.map((g) => (g / 1000).toFixed(1)).join('/')} s`
      expect(await h.result(`storm-${status}`, items, { note })).toMatchObject({ ...clean, counted: items.length })
    })
  }

  it('tab closed mid-batch: the beacon or the next page delivers, each event counted once', async () => {
    const items = freshItems('close', 5)
    const start = h.proxy.requests.length
    const tab = await h.open()
    await sdkReady(tab)
    await track(tab, items)
    await tab.close()
    const next = await h.open()
    await sdkReady(next)
    await flush(next)
    await h.settle(items)
    // Which path delivered what: the closing page's beacons (text/plain) and the workers' POSTs (MessagePack).
    const posts = h.proxy.requests.slice(start).filter((r) => r.path === '/v1/events' && r.status === 202)
    const beacons = posts.filter((r) => r.contentType.startsWith('text/plain'))
    const sent = posts.filter((r) => !beacons.includes(r))
    const events = (requests: typeof posts) => requests.reduce((n, r) => n + r.items.length, 0)
    const note = `${beacons.length} beacon(s) of ${events(beacons)} events, ${sent.length} worker POST(s) of ${events(sent)}`
    expect(await h.result('close-mid-batch', items, { note })).toMatchObject({ ...clean, counted: items.length })
  })

  it('back/forward cache: leaving and coming back by history, each event counted once', async () => {
    const items = freshItems('bfcache', 4)
    const tab = await h.open()
    await sdkReady(tab)
    await track(tab, items.slice(0, 2))
    await tab.goto(`${h.proxy.origin}/elsewhere`)
    await tab.back()
    await sdkReady(tab)
    const restored = (await tab.console()).includes('pagehide persisted=true')
    await track(tab, items.slice(2))
    await flush(tab)
    const note = restored ? 'restored from the bfcache' : 'not kept in the bfcache by this engine: a fresh load'
    expect(await h.result('bfcache', items, { note })).toMatchObject({ ...clean, counted: items.length })
    expect(await pageErrors(tab)).toEqual([])
  })

  if (runs('beacon-limits', h.name)) it('beacons on leaving stay under 64 KB and need no preflight', async () => {
    // Long ids so the pending events are well over the 64 KB a beacon may carry.
    const items = freshItems(`beacon-${'x'.repeat(100)}`, 400)
    const tab = await h.open()
    await sdkReady(tab)
    const start = h.proxy.requests.length
    const before = await outboxSize(tab)
    // The worker's send (MessagePack) hangs; the page's beacons on leaving (JSON) go through. Hanging, not
    // failing: a failed send is retried, and each retry reads the outbox. WebKit keeps a page left in the
    // middle of an IndexedDB read in its back/forward cache with the transaction suspended, and the next
    // page's IndexedDB stalls behind it (see navigation.engine.ts): the events left for the outbox could
    // not be sent from there.
    h.proxy.fault = { kind: 'hold', contentTypes: ['msgpack'] }
    await track(tab, items)
    await until(async () => (await outboxSize(tab)) === before + items.length, 'all in the outbox')
    await tab.goto(`${h.proxy.origin}/elsewhere`)
    await sleep(1_000)
    const during = h.proxy.requests.slice(start)
    h.proxy.fault = { kind: 'pass' }
    // A beacon's string body goes as text/plain (CORS-safelisted: no preflight); the worker's batches are MessagePack.
    const beacons = during.filter((r) => r.path === '/v1/events' && r.contentType.startsWith('text/plain'))
    expect(during.filter((r) => r.method === 'OPTIONS')).toEqual([])
    expect(beacons.length).toBeGreaterThan(0)
    for (const beacon of beacons) expect(beacon.bytes).toBeLessThan(64 * 1024)
    await tab.goto(h.pageUrl())
    await sdkReady(tab)
    // Beacons travel in parallel and may reach the server out of order; the server links each event to the one
    // it got before, so the last to arrive needs a later event to be counted: two more clicks on the next page.
    const tail = freshItems('beacon-tail', 2)
    await track(tab, tail)
    await flush(tab)
    const carried = beacons.reduce((sum, b) => sum + b.items.length, 0)
    let stalled = ''
    if ((await storageOf(tab)) === 'memory') {
      // WebKit kept the page left mid-transaction in its back/forward cache, and the origin's IndexedDB stalls
      // behind it (a page can still be in the middle of one: writing its session, reading the outbox). The events
      // left for the outbox wait for a later page: closing the tab lets the kept page go, and a new one sends them.
      await tab.close()
      const later = await h.open()
      await sdkReady(later)
      await flush(later)
      stalled = `; the next page ran on memory storage (IndexedDB stalled behind the page kept in the back/forward cache): a later page, after the tab closed, sent the rest (${await storageOf(later)} storage)`
    }
    const note = `${beacons.length} text/plain beacon(s) of ${beacons.map((b) => b.items.length).join('+')} events, largest ${Math.max(...beacons.map((b) => b.bytes))} B, no OPTIONS; ${items.length - carried} left for the outbox; 2 clicks after, on the next page${stalled}`
    expect(await h.result('beacon-limits', [...items, ...tail], { note })).toMatchObject({ ...clean, counted: items.length + tail.length })
  })

  it('two tabs of one session: each event counted once', async () => {
    const items = freshItems('tabs', 6)
    const a = await h.open()
    await sdkReady(a)
    const b = await h.open()
    await sdkReady(b)
    for (const [i, item] of items.entries()) {
      await track(i % 2 === 0 ? a : b, [item])
      await sleep(150)
    }
    await flush(a)
    await flush(b)
    const trails = [await trail(a), await trail(b)]
    const note = trails.every((t) => JSON.stringify(t.slice(-items.length)) === JSON.stringify(items)) ? 'both trails hold the 6 in order' : 'trails differ between tabs'
    expect(await h.result('two-tabs', items, { note })).toMatchObject({ ...clean, counted: items.length })
  })

  it("strict CSP (script-src 'self'): the SDK works same-origin without errors", async () => {
    const items = freshItems('csp', 4)
    const tab = await h.open({ csp: 'strict' })
    await sdkReady(tab)
    await track(tab, items)
    await flush(tab)
    expect(await h.result('strict-csp', items)).toMatchObject({ ...clean, counted: items.length })
    expect(await pageErrors(tab)).toEqual([])
  })
})

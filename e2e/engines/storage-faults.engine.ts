import { expect, it } from 'vitest'
import type { Event, SdkStats } from '@sequitur/sdk'
import type { EngineName } from '../driver/engine'
import { selectedEngines } from '../driver/launch'
import { FAULTS } from './fault-matrix'
import { forEachEngine, type Harness } from './harness'
import { flush, freshItems, pageErrors, sdkReady, track, until } from './page-helpers'
import type { Tab } from '../driver/engine'

// The SDK's outbox bound (sdk/src/worker/outbox.ts `maxQueued`): beyond it the oldest are dropped as `full`.
const BOUND = 5_000
// Its trim runs once every tenth of the bound: past the bound by one tenth, exactly one tenth is dropped.
const OVER = BOUND / 10
// The rows that fill the outbox: thousands of events stored, sent and counted on a loaded machine.
const LONG_MS = 240_000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const runs = (fault: string, engine: EngineName) => {
  const row = FAULTS.find((r) => r.id === fault)
  return !row?.cannot?.[engine] && !row?.notRun?.[engine]
}
const engines = (fault: string) => selectedEngines().filter((engine) => runs(fault, engine))
type WithSdk = { sequitur?: { stats(): Promise<SdkStats | undefined> } }
const stats = (tab: Tab) => tab.evaluate(() => (window as unknown as WithSdk).sequitur!.stats(), null) as Promise<SdkStats>
const droppedOf = (s: SdkStats) => s.dropped.full + s.dropped.quota + s.dropped.refused + s.dropped.consent

/** Tracks `items` in chunks (one page script each: a long one may outlast the driver's timeout). */
async function trackAll(tab: Tab, items: string[], chunk = 500): Promise<void> {
  for (let i = 0; i < items.length; i += chunk) await track(tab, items.slice(i, i + chunk))
}

forEachEngine(engines('endpoint-blocked'), 'storage fault', (h) => {
  it('endpoint blocked: the outbox stays bounded, the oldest are dropped and counted, retries stop growing', async () => {
    const items = freshItems('blocked', BOUND + OVER)
    // No list on the page: its impression would be one more event dropped that is not in `items`.
    const tab = await h.open()
    await sdkReady(tab)
    // As an ad blocker does: every events request fails at the network.
    h.proxy.fault = { kind: 'drop' }
    await trackAll(tab, items)
    await until(async () => (await stats(tab)).dropped.full >= OVER, 'the oldest dropped', 60_000)
    // Tries while blocked, a browser's own immediate retry of a reset connection (< 100 ms) taken as one.
    const tries = () => h.proxy.eventPosts().filter((post, i, all) => i === 0 || post.at - all[i - 1]!.at >= 100)
    // Backoff: each delay's floor is the previous one's ceiling (equal jitter, doubling to 30 s), so after the
    // tries made while tracking, a further 8 s puts the next delays at 4 s and more: at most 2 tries in 10 s.
    await sleep(8_000)
    const before = tries().length
    await sleep(10_000)
    const during = tries().length - before
    expect(during).toBeLessThanOrEqual(2)
    const gaps = tries().slice(-4).map((t, i, all) => (i === 0 ? 0 : t.at - all[i - 1]!.at)).slice(1)
    expect(await pageErrors(tab)).toEqual([])
    // The page is unaffected: it still answers, and the SDK still ranks.
    expect(await tab.evaluate(() => (window as unknown as { sequitur: { rerank(i: string[]): Promise<unknown[]> } }).sequitur.rerank(['a', 'b']).then((r) => r.length), null)).toBe(2)

    h.proxy.fault = { kind: 'pass' }
    await flush(tab)
    const after = await stats(tab)
    expect(after.dropped.full).toBeGreaterThanOrEqual(OVER)
    const note = `${tries().length} tries while blocked, ${during} in its last 10 s, last gaps ${gaps.map((g) => (g / 1000).toFixed(1)).join('/')} s`
    const row = await h.result('endpoint-blocked', items, { dropped: droppedOf(after), note })
    expect(row.duplicated).toBe(0)
    expect(row.lost).toBe(droppedOf(after))
  }, LONG_MS)
})

type Reranked = { before: string[]; ranked: string[] }
type WithRerank = { __reranked?: Reranked }

/** Clicks `seen` on the page, lets another visitor's session teach the model seen → next, and answers the list's order once re-ranked. */
async function rerankAfterClick(h: Harness, tab: Tab, [seen, next]: [string, string]): Promise<string[]> {
  await tab.evaluate(() => {
    document.addEventListener('sequitur:reranked', (event) => {
      const { detail } = event as CustomEvent<{ before: string[]; ranked: Array<{ item: string }> }>
      ;(window as unknown as WithRerank).__reranked = { before: detail.before, ranked: detail.ranked.map((r) => r.item) }
    })
  }, null)
  await tab.evaluate((item) => (document.querySelector(`[data-sq-item="${item}"] button`) as HTMLElement).click(), seen)
  await until(async () => {
    await flush(tab)
    return h.proxy.deliveries().has(seen)
  }, 'the click reached the server')
  await sleep(500)
  const session = `other-${Math.random().toString(36).slice(2)}`
  const now = Date.now()
  const events: Event[] = [seen, next].map((item, i) => ({ id: `${session}-${i}`, type: 'click', item, session, ts: now + i }))
  const response = await fetch(`${h.server.origin}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
  expect(response.status).toBe(202)
  await until(() => tab.evaluate(() => (window as unknown as WithRerank).__reranked !== undefined, null), 'sequitur:reranked')
  return tab.evaluate(() => Array.from(document.querySelectorAll('#list > [data-sq-item]')).map((el) => el.getAttribute('data-sq-item')!), null)
}

// IndexedDB refused by the browser's own switch (driver/*: Chromium and Firefox block all site data, WebKit's IndexedDBAPI feature off).
forEachEngine(
  engines('idb-unavailable'),
  'storage fault',
  (h) => {
    it('IndexedDB unavailable: memory mode still sends each event once and still re-ranks the page', async () => {
      const chain = freshItems('noidb', 4)
      const [seen, other, next] = freshItems('noidb-list', 3) as [string, string, string]
      const tab = await h.open({ list: [seen, other, next].join(',') })
      await sdkReady(tab)
      const refused = await tab.evaluate(
        () =>
          new Promise<string>((resolve) => {
            try {
              const open = indexedDB.open('probe')
              open.onsuccess = () => resolve('opened')
              open.onerror = () => resolve(`refused: ${open.error?.name}`)
            } catch (error) {
              resolve(`refused: ${(error as Error).name}`)
            }
          }),
        null,
      )
      expect(refused).toMatch(/^refused/)
      // stats() answers undefined when the SDK's worker did not start: the page's console says why.
      expect({ storage: (await stats(tab))?.storage, console: await tab.console() }).toMatchObject({ storage: 'memory' })
      await track(tab, chain)
      await flush(tab)
      expect(await rerankAfterClick(h, tab, [seen, next])).toEqual([next, seen, other])
      const row = await h.result('idb-unavailable', chain, { note: `memory mode, IndexedDB ${refused}, list re-ranked` })
      expect(row).toMatchObject({ lost: 0, duplicated: 0, counted: chain.length })
      expect(await pageErrors(tab)).toEqual([])
    })
  },
  { launch: { indexedDb: false } },
)

// Chromium: the DevTools protocol's per-origin quota; Firefox: its temporary storage limit (driver/*). Sized so that
// it is reached with 3,000 to 4,000 events unsent (measured: ~380 B each in Chromium, ~440 B in Firefox over a larger
// base): past half the outbox bound, which the SDK trims to when a write exceeds the quota.
const QUOTA_BYTES: Partial<Record<EngineName, number>> = { chromium: 1_500_000, firefox: 2_000_000 }
forEachEngine(
  engines('quota-exceeded'),
  'storage fault',
  (h) => {
    it('quota exceeded: the oldest unsent events are dropped and counted, the rest sent once', async () => {
      const items = freshItems('quota', 4 * BOUND)
      const tab = await h.open()
      await sdkReady(tab)
      h.proxy.fault = { kind: 'drop' }
      let tracked = 0
      let now = await stats(tab)
      while (tracked < items.length && now.dropped.quota === 0) {
        await track(tab, items.slice(tracked, tracked + 250))
        tracked += 250
        // Waits until the worker stored them (a flush runs after the events queued before it; its send fails).
        await flush(tab)
        now = await stats(tab)
      }
      expect(now.dropped.quota).toBeGreaterThan(0)
      const sent = items.slice(0, tracked)
      h.proxy.fault = { kind: 'pass' }
      await until(async () => {
        await flush(tab)
        return (await stats(tab)).acknowledged >= tracked - droppedOf(await stats(tab))
      }, 'the rest acknowledged', 60_000)
      const after = await stats(tab)
      const note = `quota ${QUOTA_BYTES[h.name]} B, reached after ${tracked} events: ${after.dropped.quota} dropped for quota, ${after.dropped.full} for the bound`
      const row = await h.result('quota-exceeded', sent, { dropped: droppedOf(after), note })
      expect(row.duplicated).toBe(0)
      expect(row.lost).toBe(droppedOf(after))
      expect(await pageErrors(tab)).toEqual([])
    }, LONG_MS)
  },
  { launch: (engine) => ({ storageQuotaBytes: QUOTA_BYTES[engine] }) },
)

type Report = { stats: SdkStats; trail: string[]; console: string[] }

// Its own browser: the driver's session ends with the storage process, so nothing can use the engine after.
forEachEngine(engines('idb-connection-lost'), 'storage fault', (h) => {
  it('IndexedDB connection lost mid-session: the page goes on in memory in the same session, each event sent once', async () => {
    const before = freshItems('lost', 6)
    const after = before.splice(3)
    const tab = await h.open()
    await sdkReady(tab)
    await track(tab, before)
    await flush(tab)
    await until(async () => before.every((item) => h.proxy.deliveries().has(item)), 'the first clicks reached the server')
    // From the kill on the page is out of the driver's reach: it tracks on its own and reports by a request.
    await tab.evaluate((items) => {
      const sequitur = (window as unknown as { sequitur: import('@sequitur/sdk').Sequitur }).sequitur
      const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
      setTimeout(async () => {
        for (const item of items) {
          sequitur.track({ type: 'click', item })
          await pause(200)
        }
        for (let i = 0; i < 5; i++) await sequitur.flush().catch(() => undefined), await pause(300)
        const report = { stats: await sequitur.stats(), trail: await sequitur.trail(), console: (window as unknown as { __consoleLines?: string[] }).__consoleLines ?? [] }
        await fetch('/__report', { method: 'POST', body: JSON.stringify(report) })
      }, 2_000)
    }, after)
    await h.engine().killStorageProcess!()
    await until(async () => h.proxy.requests.some((r) => r.path === '/__report'), 'the page reported', 60_000)
    const report = JSON.parse(h.proxy.requests.find((r) => r.path === '/__report')!.body.toString()) as Report
    expect(report.stats.storage).toBe('memory')
    expect(report.console.filter((line) => line.startsWith('uncaught') || line.startsWith('unhandled'))).toEqual([])
    // The trail went on in memory from where IndexedDB left it: one session, the chain unbroken.
    expect(report.trail.slice(-6)).toEqual([...before, ...after])
    const note = `WebKitNetworkProcess killed after ${before.length} clicks sent; the page's reopen refused ("Connection to Indexed Database server lost"), ${after.length} more tracked in memory`
    const row = await h.result('idb-connection-lost', [...before, ...after], { note })
    expect(row.lost).toBe(0)
    expect(row.duplicated).toBe(0)
  }, LONG_MS)
})

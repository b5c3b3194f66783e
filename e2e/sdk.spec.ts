import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import type { Event, ItemEvent, Row, RowsAnswer, Sequitur } from '@sequitur/sdk'
import { baseUrl } from './fixtures'

declare global {
  interface Window {
    sequitur?: Sequitur
  }
}

const eventsUrl = () => `${baseUrl()}/v1/events`

/** Item ids no other test (or earlier run against the same data dir) has clicked. */
function itemsFor(name: string, count: number): string[] {
  const run = `${name}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`
  return Array.from({ length: count }, (_, i) => `${run}-${i}`)
}

/** A bare page at `origin` that loads the SDK the way a shop does, with a re-rankable list. */
async function openTestPage(page: Page, options: { origin?: string; list?: string[] } = {}): Promise<void> {
  const origin = options.origin ?? baseUrl()
  const items = (options.list ?? []).map((item) => `<li data-sq-item="${item}"><button>${item}</button></li>`).join('')
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>sdk test</title>
    <script src="${baseUrl()}/sdk.js" data-site="demo" data-debug async></script></head>
    <body><ul id="list" data-sq-rerank data-sq-list="test-list">${items}</ul></body></html>`
  await page.route(`${origin}/sdk-test`, (route) => route.fulfill({ contentType: 'text/html', body: html }))
  await page.goto(`${origin}/sdk-test`)
  await page.waitForFunction(() => window.sequitur !== undefined)
  // trail() answers once the worker has opened IndexedDB and restored the session.
  await page.evaluate(() => window.sequitur!.trail())
}

function track(page: Page, items: string[]): Promise<void> {
  return page.evaluate((items) => {
    for (const item of items) window.sequitur!.track({ type: 'click', item })
  }, items)
}

/** Reads a store of the SDK's IndexedDB from the page (the worker shares the page's origin). */
function readStore<T>(page: Page, store: 'outbox' | 'trail' | 'rows' | 'meta'): Promise<T[]> {
  return page.evaluate(
    (store) =>
      new Promise<T[]>((resolve, reject) => {
        const open = indexedDB.open('sequitur:demo')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const request = open.result.transaction(store).objectStore(store).getAll()
          request.onsuccess = () => {
            open.result.close()
            resolve(request.result as T[])
          }
          request.onerror = () => reject(request.error)
        }
      }),
    store,
  )
}

/**
 * Makes `POST /v1/events` unreachable for the whole context (page, worker and beacons); with `beacons`, the
 * page's beacons (`text/plain`) still go and only the worker's MessagePack sends fail. Returns how many tries it cut.
 */
async function cutEvents(context: BrowserContext, { beacons = false } = {}): Promise<{ tries: () => number; restore: () => Promise<void> }> {
  let tries = 0
  await context.route(eventsUrl(), (route) => {
    if (beacons && route.request().headers()['content-type']?.startsWith('text/plain')) return route.continue()
    tries++
    return route.abort('internetdisconnected')
  })
  return { tries: () => tries, restore: () => context.unroute(eventsUrl()) }
}

/** Makes the page say it is hidden or visible and tells it, as the browser would (a headless page cannot be hidden for real). */
function setHidden(page: Page, hidden: boolean): Promise<void> {
  return page.evaluate((hidden) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') })
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => hidden })
    document.dispatchEvent(new Event('visibilitychange', { bubbles: true }))
  }, hidden)
}

async function rows(items: string[]): Promise<RowsAnswer['rows']> {
  const response = await fetch(`${baseUrl()}/v1/rows?site=demo&items=${items.map(encodeURIComponent).join(',')}`)
  return ((await response.json()) as RowsAnswer).rows
}

/** Another visitor's session, sent straight to the server: each consecutive pair becomes a transition. */
async function otherVisitor(items: string[]): Promise<void> {
  const session = `other-${Math.random().toString(36).slice(2)}`
  const now = Date.now()
  const events: Event[] = items.map((item, i) => ({ id: `${session}-${i}`, type: 'click', item, session, ts: now + i }))
  const response = await fetch(eventsUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
  expect(response.status).toBe(202)
}

const chain = (items: string[]): Record<string, Row> =>
  Object.fromEntries(items.slice(0, -1).map((item, i) => [item, { total: 1, next: [[items[i + 1]!, 1]] }]))

test.describe('sdk', () => {
  test('keeps events in the outbox while the server is unreachable and delivers them once it is back, exactly once', async ({ page, context }) => {
    const items = itemsFor('offline', 3)
    await openTestPage(page)
    const cut = await cutEvents(context)
    await track(page, items)
    await page.evaluate(() => window.sequitur!.flush())
    expect(cut.tries()).toBeGreaterThan(0)
    expect((await readStore<ItemEvent>(page, 'outbox')).map((event) => event.item)).toEqual(items)
    expect(await rows(items)).toEqual({})

    await cut.restore()
    await page.evaluate(() => window.sequitur!.flush())
    expect(await readStore(page, 'outbox')).toEqual([])
    await expect.poll(() => rows(items)).toEqual(chain(items))
    // Flushing again sends nothing new, and the counts stay at one per transition.
    await page.evaluate(() => window.sequitur!.flush())
    await page.waitForTimeout(500)
    expect(await rows(items)).toEqual(chain(items))
  })

  test('keeps unsent events and the session across a reload, then sends them', async ({ page, context }) => {
    const items = itemsFor('reload', 3)
    await openTestPage(page)
    const cut = await cutEvents(context)
    await track(page, items)
    await expect.poll(async () => (await readStore(page, 'outbox')).length).toBe(3)
    const [before] = await readStore<{ session: string }>(page, 'meta')

    // (The beacon on leaving may deliver them meanwhile: Chromium sends it outside Playwright's routing.)
    await page.reload()
    await page.waitForFunction(() => window.sequitur !== undefined)
    expect(await page.evaluate(() => window.sequitur!.trail())).toEqual(items)
    const [after] = await readStore<{ session: string }>(page, 'meta')
    expect(after!.session).toBe(before!.session)
    expect((await readStore<ItemEvent>(page, 'outbox')).map((event) => event.item)).toEqual(items)

    await cut.restore()
    await page.evaluate(() => window.sequitur!.flush())
    expect(await readStore(page, 'outbox')).toEqual([])
    await expect.poll(() => rows(items)).toEqual(chain(items))
  })

  test('sends what a crashed tab left in the outbox from the next page', async ({ page, context }) => {
    const items = itemsFor('crash', 3)
    await openTestPage(page)
    const cut = await cutEvents(context)
    await track(page, items)
    await expect.poll(async () => (await readStore(page, 'outbox')).length).toBe(3)

    // A crash hides nothing first, so no beacon: only the outbox can deliver these.
    const crashed = page.waitForEvent('crash')
    void (await context.newCDPSession(page)).send('Page.crash').catch(() => {})
    await crashed
    await cut.restore()
    expect(await rows(items)).toEqual({})

    const next = await context.newPage()
    await openTestPage(next)
    await next.evaluate(() => window.sequitur!.flush())
    expect(await readStore(next, 'outbox')).toEqual([])
    await expect.poll(() => rows(items)).toEqual(chain(items))
    expect(await next.evaluate(() => window.sequitur!.trail())).toEqual(items)
  })

  test('counts events once when both the beacon on leaving and the outbox deliver them', async ({ page, context }) => {
    const items = itemsFor('beacon', 3)
    await openTestPage(page)
    const cut = await cutEvents(context)
    await track(page, items)
    await page.evaluate(() => window.sequitur!.flush())

    // The worker stays cut off; leaving the page (hidden) beacons the pending events (outside Playwright's routing).
    await page.goto('about:blank')
    await expect.poll(() => rows(items)).toEqual(chain(items))

    // Back on the page the worker still holds them (never acknowledged to it) and sends them again.
    await openTestPage(page)
    expect(await readStore(page, 'outbox')).toHaveLength(3)
    await cut.restore()
    await page.evaluate(() => window.sequitur!.flush())
    expect(await readStore(page, 'outbox')).toEqual([])
    await page.waitForTimeout(500)
    expect(await rows(items)).toEqual(chain(items))
  })

  test('beacons the pending events when the page is hidden, and the page goes on (a tab switch, an app sent to the background)', async ({ page, context }) => {
    const items = itemsFor('hidden', 3)
    await openTestPage(page)
    // A live page's beacon goes through the context's routing (one on leaving does not).
    const cut = await cutEvents(context, { beacons: true })
    await track(page, items)
    await page.evaluate(() => window.sequitur!.flush())
    expect(await rows(items)).toEqual({})

    await setHidden(page, true)
    await expect.poll(() => rows(items)).toEqual(chain(items))

    // Visible again: the same page keeps working, and its worker's copies are counted once.
    await setHidden(page, false)
    await cut.restore()
    const more = itemsFor('visible-again', 1)
    await track(page, more)
    await page.evaluate(() => window.sequitur!.flush())
    expect(await readStore(page, 'outbox')).toEqual([])
    await page.waitForTimeout(500)
    expect(await rows(items)).toEqual({ ...chain(items), [items[2]!]: { total: 1, next: [[more[0]!, 1]] } })
  })

  test('receives pushed rows over the stream and re-ranks the list', async ({ page }) => {
    const [seen, other, next] = itemsFor('stream', 3) as [string, string, string]
    await openTestPage(page, { list: [seen, other, next] })
    const reranked = page.evaluate(
      () =>
        new Promise<{ before: string[]; ranked: string[] }>((resolve) => {
          document.addEventListener('sequitur:reranked', (event) => {
            const { detail } = event as CustomEvent<{ before: string[]; ranked: Array<{ item: string }> }>
            resolve({ before: detail.before, ranked: detail.ranked.map((r) => r.item) })
          })
        }),
    )
    // A real click: auto-capture tracks it, and the worker subscribes to the row of `seen`.
    await page.locator(`[data-sq-item="${seen}"] button`).click()
    await expect.poll(async () => (await readStore<{ cursor?: string }>(page, 'meta'))[0]?.cursor).toMatch(/^[\w-]+:\d+(\.\d+)*$/)
    expect(await page.evaluate(() => window.sequitur!.recommend(3))).toEqual([])

    await otherVisitor([seen, next])
    expect(await reranked).toEqual({ before: [seen, other, next], ranked: [next, seen, other] })
    const order = await page.locator('#list > [data-sq-item]').evaluateAll((els) => els.map((el) => el.getAttribute('data-sq-item')))
    expect(order).toEqual([next, seen, other])
    const recommended = await page.evaluate(() => window.sequitur!.recommend(3))
    expect(recommended.map((r) => r.item)).toEqual([next])
    expect(recommended[0]!.reasons).toEqual([{ from: seen, via: 'next', count: 1, total: 1, weight: 1 }])
    expect(await readStore(page, 'rows')).toEqual([
      { item: seen, row: { total: 1, next: [[next, 1]], related: { total: 30, items: [[next, 30]] } } },
    ])
    await page.evaluate(() => window.sequitur!.flush())
    await expect.poll(async () => (await readStore<Event>(page, 'outbox')).length).toBe(0)
  })

  test('starts the worker from another origin, sends from it and beacons to it', async ({ page, context }) => {
    const [first, second] = [itemsFor('cross-origin', 2), itemsFor('cross-beacon', 2)]
    // A real loopback page (a routed one counts as public to Chromium's local network checks).
    await page.goto(`${baseUrl().replace('localhost', '127.0.0.1')}/healthz`)
    await page.setContent(`<!doctype html><script src="${baseUrl()}/sdk.js" data-site="demo" async></script>`)
    await page.waitForFunction(() => window.sequitur !== undefined)
    await track(page, first)
    await page.evaluate(() => window.sequitur!.flush())
    await expect.poll(() => rows(first)).toEqual(chain(first))
    expect(await page.evaluate(() => window.sequitur!.trail())).toEqual(first)

    await cutEvents(context)
    await track(page, second)
    await page.goto('about:blank')
    await expect.poll(() => rows(second)).toEqual(chain(second))
  })
})

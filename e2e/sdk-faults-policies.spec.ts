import { expect, test, type Page } from '@playwright/test'
import type { Event, Row, RowsAnswer, SdkStats, Sequitur } from '@sequitur/sdk'
import { unpack } from 'msgpackr'
import { baseUrl } from './fixtures'

// The SDK's own answers to the faults of real pages: consent, blocked endpoints, no IndexedDB, strict CSP.

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

/** A page at the server's origin that loads the SDK with `attributes` on its script tag; waits until it started. */
async function openPage(page: Page, attributes = '', head = ''): Promise<void> {
  const html = `<!doctype html><html><head><meta charset="utf-8">${head}
    <script src="${baseUrl()}/sdk.js" data-site="demo" data-debug ${attributes} async></script></head><body></body></html>`
  await page.route(`${baseUrl()}/sdk-faults`, (route) => route.fulfill({ contentType: 'text/html', body: html }))
  await page.goto(`${baseUrl()}/sdk-faults`)
  await page.waitForFunction(() => window.sequitur !== undefined)
  await page.evaluate(() => window.sequitur!.trail())
}

const track = (page: Page, items: string[]) =>
  page.evaluate((items) => {
    for (const item of items) window.sequitur!.track({ type: 'click', item })
  }, items)

const stats = (page: Page) => page.evaluate(() => window.sequitur!.stats()) as Promise<SdkStats | undefined>

function readStore<T>(page: Page, store: 'outbox' | 'trail' | 'meta'): Promise<T[]> {
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

async function rows(items: string[]): Promise<RowsAnswer['rows']> {
  const response = await fetch(`${baseUrl()}/v1/rows?site=demo&items=${items.map(encodeURIComponent).join(',')}`)
  return ((await response.json()) as RowsAnswer).rows
}

const chain = (items: string[]): Record<string, Row> =>
  Object.fromEntries(items.slice(0, -1).map((item, i) => [item, { total: 1, next: [[items[i + 1]!, 1]] }]))

/** Another visitor's clicks, sent straight to the server: `from` then `to`, so `to` is likely after `from`. */
async function otherVisitor(from: string, to: string): Promise<void> {
  const session = `other-${Math.random().toString(36).slice(2)}`
  const events: Event[] = [from, to].map((item, i) => ({ id: `${session}-${i}`, type: 'click', item, session, ts: Date.now() + i }))
  const response = await fetch(eventsUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })
  expect(response.status).toBe(202)
}

/** Every request the page and its worker make, and every frame sent on a WebSocket (as text, for searching). */
function watch(page: Page): { urls: string[]; posts: string[]; frames: string[] } {
  const seen = { urls: [] as string[], posts: [] as string[], frames: [] as string[] }
  page.on('request', (request) => {
    seen.urls.push(request.url())
    if (request.method() === 'POST') seen.posts.push(request.url())
  })
  page.on('websocket', (socket) => {
    seen.urls.push(socket.url())
    socket.on('framesent', ({ payload }) => seen.frames.push(Buffer.from(payload).toString('latin1')))
  })
  return seen
}

test.describe('sdk faults: consent', () => {
  test('denied: re-ranks from the trail and rows, and no event or identifier leaves the device', async ({ page }) => {
    const [seen, next, other] = itemsFor('denied', 3)
    await otherVisitor(seen!, next!)
    const traffic = watch(page)
    await openPage(page, 'data-consent="denied"')
    await track(page, [seen!])
    // track() is one way: poll until the worker has stored it.
    await expect.poll(() => page.evaluate(() => window.sequitur!.trail())).toEqual([seen])
    await expect.poll(async () => (await page.evaluate((items) => window.sequitur!.rerank(items), [other!, next!]))[0]!.item).toBe(next)
    await page.evaluate(() => window.sequitur!.flush())
    expect(await readStore(page, 'outbox')).toEqual([])
    const [meta] = await readStore<{ session: string }>(page, 'meta')
    await page.goto('about:blank')
    await page.waitForTimeout(500)
    expect(await rows([seen!])).toEqual({ [seen!]: { total: 1, next: [[next!, 1]] } })
    expect(traffic.posts).toEqual([])
    expect(traffic.frames.length).toBeGreaterThan(0)
    expect(JSON.stringify(traffic)).not.toContain(meta!.session)
  })

  test('pending: events wait on the device and are sent on grant', async ({ page }) => {
    const items = itemsFor('pending', 3)
    const traffic = watch(page)
    await openPage(page, 'data-consent="pending"')
    await track(page, items)
    await page.evaluate(() => window.sequitur!.flush())
    await expect.poll(async () => (await readStore(page, 'outbox')).length).toBe(3)
    expect(await rows(items)).toEqual({})
    expect(await stats(page)).toMatchObject({ sent: 0, consent: 'pending', storage: 'indexeddb' })

    await page.evaluate(() => window.sequitur!.consent('granted'))
    await page.evaluate(() => window.sequitur!.flush())
    await expect.poll(() => rows(items)).toEqual(chain(items))
    expect(await stats(page)).toMatchObject({ sent: 3, acknowledged: 3, consent: 'granted' })
    // The watch sees the worker's POSTs: its silence in the denied test means something.
    expect(traffic.posts).toContain(eventsUrl())
  })

  test('pending then denied: what waited is deleted, counted, and never sent, not even by the beacon on leaving', async ({ page }) => {
    const items = itemsFor('withdrawn', 3)
    await openPage(page, 'data-consent="pending"')
    await track(page, items)
    await expect.poll(async () => (await readStore(page, 'outbox')).length).toBe(3)
    await page.evaluate(() => window.sequitur!.consent('denied'))
    await expect.poll(async () => (await stats(page))?.dropped.consent).toBe(3)
    expect(await readStore(page, 'outbox')).toEqual([])
    await expect.poll(() => page.evaluate(() => window.sequitur!.trail())).toEqual(items)
    await page.goto('about:blank')
    await page.waitForTimeout(500)
    expect(await rows(items)).toEqual({})
  })
})

test.describe('sdk faults: storage and endpoint', () => {
  test('without IndexedDB, keeps the session in memory: personalizes and still sends', async ({ page, context }) => {
    await context.route(`${baseUrl()}/sdk-worker.js`, async (route) => {
      const response = await route.fetch()
      // What a private window or a blocked storage does: opening throws.
      const broken = `IDBFactory.prototype.open = function () { throw new DOMException('blocked', 'InvalidStateError') };\n`
      await route.fulfill({ response, body: broken + (await response.text()) })
    })
    const [seen, next, other] = itemsFor('memory', 3)
    await otherVisitor(seen!, next!)
    await openPage(page)
    await track(page, [seen!, next!])
    await expect.poll(() => page.evaluate(() => window.sequitur!.trail())).toEqual([seen, next])
    await expect.poll(async () => (await page.evaluate((items) => window.sequitur!.rerank(items), [other!, next!]))[0]!.item).toBe(next)
    await page.evaluate(() => window.sequitur!.flush())
    await expect.poll(() => rows([seen!])).toEqual({ [seen!]: { total: 2, next: [[next!, 2]] } })
    expect(await stats(page)).toMatchObject({ storage: 'memory', acknowledged: 2 })
  })

  test('endpoint blocked: sending fails at once, the page is unaffected, retries are spaced and what is sent is counted', async ({ page, context }) => {
    await context.route(eventsUrl(), (route) => route.abort('blockedbyclient'))
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(String(error)))
    await openPage(page)
    const items = itemsFor('blocked', 20)
    await track(page, items)
    await page.evaluate(() => window.sequitur!.flush())
    await expect.poll(async () => (await readStore(page, 'outbox')).length).toBe(20)
    const after = (await stats(page))!
    expect(after).toMatchObject({ acknowledged: 0, dropped: { full: 0, refused: 0, consent: 0, quota: 0 } })
    expect(after.retries).toBeGreaterThan(0)
    await expect.poll(() => page.evaluate(() => window.sequitur!.trail())).toEqual(items)
    expect(errors).toEqual([])
  })
})

test.describe('sdk faults: strict CSP', () => {
  test('works under script-src self when its worker is same-origin', async ({ page }) => {
    const items = itemsFor('csp-same', 2)
    await openPage(page, '', `<meta http-equiv="Content-Security-Policy" content="script-src 'self'; worker-src 'self'">`)
    await track(page, items)
    await page.evaluate(() => window.sequitur!.flush())
    await expect.poll(() => rows(items)).toEqual(chain(items))
  })

  test('degrades without throwing when it cannot start its worker (no blob: workers)', async ({ page }) => {
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(String(error)))
    // A page on another origin: the SDK would start its worker from a blob, which the policy forbids.
    await page.goto(`${baseUrl().replace('localhost', '127.0.0.1')}/healthz`)
    const csp = `script-src 'self' ${baseUrl()}; worker-src 'self'`
    await page.setContent(
      `<!doctype html><meta http-equiv="Content-Security-Policy" content="${csp}"><script src="${baseUrl()}/sdk.js" data-site="demo" async></script>`,
    )
    await page.waitForFunction(() => window.sequitur !== undefined)
    await page.evaluate(() => window.sequitur!.track({ type: 'click', item: 'csp-blocked' }))
    expect((await page.evaluate(() => window.sequitur!.rerank(['b', 'a']))).map((r) => r.item)).toEqual(['b', 'a'])
    expect(await page.evaluate(() => window.sequitur!.trail())).toEqual([])
    expect(await stats(page)).toBeUndefined()
    await page.evaluate(() => window.sequitur!.flush())
    expect(errors).toEqual([])
  })
})

test.describe('sdk faults: two tabs', () => {
  test('two tabs of one session: one sends at a time and no event is sent twice', async ({ context }) => {
    const [a, b] = [await context.newPage(), await context.newPage()]
    await context.route(eventsUrl(), (route) => route.abort('internetdisconnected'))
    await openPage(a)
    await openPage(b)
    const [first, second] = [itemsFor('tab-a', 5), itemsFor('tab-b', 5)]
    await track(a, first)
    await track(b, second)
    await expect.poll(async () => (await readStore(a, 'outbox')).length).toBe(10)
    // Both tabs wrote one trail (in the order the writes landed): the session is shared.
    await expect.poll(async () => (await b.evaluate(() => window.sequitur!.trail())).sort()).toEqual([...first, ...second].sort())
    // Each tab reads back what the other wrote: both rank by the same trail.
    await expect.poll(async () => (await a.evaluate(() => window.sequitur!.trail())).sort()).toEqual([...first, ...second].sort())
    expect(await a.evaluate(() => window.sequitur!.trail())).toEqual(await b.evaluate(() => window.sequitur!.trail()))

    await context.unroute(eventsUrl())
    const sent: string[] = []
    await context.route(eventsUrl(), async (route) => {
      const body = route.request().postDataBuffer()
      if (body) sent.push(...(unpack(body) as { events: Array<{ id: string }> }).events.map((event) => event.id))
      await route.continue()
    })
    await Promise.all([a.evaluate(() => window.sequitur!.flush()), b.evaluate(() => window.sequitur!.flush())])
    await expect.poll(async () => (await readStore(a, 'outbox')).length).toBe(0)
    expect(sent).toHaveLength(10)
    expect(new Set(sent).size).toBe(10)
    expect(await rows(first)).not.toEqual({})
  })
})

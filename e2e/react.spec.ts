import { expect, test, type BrowserContext, type Page } from '@playwright/test'
import { build } from 'esbuild'
import { fileURLToPath } from 'node:url'
import { baseUrl } from './fixtures'

/** The React page (react-page/main.tsx) with `@sequitur/react` as built in react/dist, bundled once for the file. */
let bundle: string

test.beforeAll(async () => {
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./react-page/main.tsx', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    jsx: 'automatic',
    // Not e2e/tsconfig.json: its `paths` point the type checker at react/src, and the page must use react/dist.
    tsconfigRaw: {},
    // The development build of React, so StrictMode mounts the provider twice as it does for a developer.
    define: { 'process.env.NODE_ENV': '"development"' },
    logLevel: 'warning',
  })
  bundle = result.outputFiles[0]!.text
})

/** Serves the React page at `<server>/react-shelf` for every page of `context`, on the server's origin. */
async function serveReactPage(context: BrowserContext): Promise<void> {
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>react shelf</title></head>
    <body><div id="root"></div><script type="module" src="/react-shelf.js"></script></body></html>`
  await context.route(
    (url) => url.href.startsWith(baseUrl()) && url.pathname === '/react-shelf',
    (route) => route.fulfill({ contentType: 'text/html', body: html }),
  )
  await context.route(`${baseUrl()}/react-shelf.js`, (route) => route.fulfill({ contentType: 'text/javascript', body: bundle }))
}

/** Opens the shelf with `items` and waits until the SDK the provider started has restored its session. */
async function openShelf(page: Page, items: string[]): Promise<void> {
  await page.goto(`${baseUrl()}/react-shelf?items=${items.map(encodeURIComponent).join(',')}`)
  await page.waitForFunction(() => window.sequitur !== undefined)
  await page.evaluate(() => window.sequitur!.trail())
}

function shelfOrder(page: Page): Promise<string[]> {
  return page.locator('#shelf > li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-item')!))
}

/** The stream cursor the SDK stored: set once its worker is subscribed and has heard from the server. */
function streamCursor(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () =>
      new Promise<string | undefined>((resolve, reject) => {
        const open = indexedDB.open('sequitur:demo')
        open.onerror = () => reject(open.error)
        open.onsuccess = () => {
          const request = open.result.transaction('meta').objectStore('meta').getAll()
          request.onsuccess = () => {
            open.result.close()
            resolve((request.result as Array<{ cursor?: string }>)[0]?.cursor)
          }
          request.onerror = () => reject(request.error)
        }
      }),
  )
}

test.describe('@sequitur/react', () => {
  test('re-ranks a useRerank list live from another visitor’s clicks, with no reload and no other reorder', async ({ page, context, browser }) => {
    const run = `react-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`
    const [x, w, z, y] = ['x', 'w', 'z', 'y'].map((name) => `${run}-${name}`) as [string, string, string, string]
    const given = [x, w, z, y]

    // Visitor B opens the page: the list renders in the given order; clicking x (first already, and the
    // session's own last item ranks high) moves nothing yet.
    await serveReactPage(context)
    await openShelf(page, given)
    await page.evaluate(() => Object.assign(window, { notReloaded: true }))
    expect(await shelfOrder(page)).toEqual(given)
    await page.locator(`#shelf > li[data-item="${x}"] button`).click()
    await expect.poll(() => page.evaluate(() => window.sequitur!.trail())).toEqual([x])
    await expect.poll(() => streamCursor(page)).toMatch(/^[\w-]+:\d+(\.\d+)*$/)
    expect(await shelfOrder(page)).toEqual(given)

    // Visitor A, in a browser context of its own (its own session), goes from x to y again and again.
    const other = await browser.newContext()
    try {
      await serveReactPage(other)
      const a = await other.newPage()
      await openShelf(a, given)
      for (let round = 0; round < 3; round++) {
        await a.locator(`#shelf > li[data-item="${x}"] button`).click()
        await a.locator(`#shelf > li[data-item="${y}"] button`).click()
      }
      await expect.poll(() => a.evaluate(() => window.sequitur!.trail())).toEqual([x, y, x, y, x, y])
      await a.evaluate(() => window.sequitur!.flush())
    } finally {
      await other.close()
    }

    // B's list re-ranks on its own: y, which people open after x, comes first; the rest keeps its order.
    await expect.poll(() => shelfOrder(page), { timeout: 20_000 }).toEqual([y, x, w, z])
    expect(await page.evaluate(() => (window as { notReloaded?: boolean }).notReloaded)).toBe(true)
    // The list showed exactly two orders: the given one from the first render, then the re-ranked one.
    const shown = await page.evaluate(() => window.shelfOrders!)
    expect(shown.filter((order, i) => i === 0 || order.join() !== shown[i - 1]!.join())).toEqual([given, [y, x, w, z]])

    // Mounted again under the same provider, the list renders in the order last ranked for it at once.
    await page.locator('#toggle').click()
    await expect(page.locator('#shelf')).toHaveCount(0)
    const before = shown.length
    await page.locator('#toggle').click()
    await expect.poll(() => page.evaluate(() => window.shelfOrders!.length)).toBeGreaterThan(before)
    // Time for the fresh ranking to land: it must change nothing.
    await page.waitForTimeout(500)
    expect((await page.evaluate(() => window.shelfOrders!)).slice(before)).toEqual([[y, x, w, z]])
  })
})

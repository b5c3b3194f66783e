import { expect, test } from '@playwright/test'
import type { Event, RowsAnswer } from '@sequitur/sdk'
import { baseUrl, OPERATOR_TOKEN } from './fixtures'

/** The write key of site `limited`, which the operator creates with a small quota (5 events/s, burst 10). */
let KEY = ''
const quotaUrl = baseUrl

test.beforeAll(async () => {
  const response = await fetch(`${quotaUrl()}/v1/admin/sites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${OPERATOR_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'limited', quota: { eventsPerSecond: 5, burst: 10 } }),
  })
  expect(response.status).toBe(201)
  KEY = ((await response.json()) as { key: string }).key
})

/** Posts `count` clicks of another visitor straight to the server: spends that much of the quota. */
async function spend(count: number): Promise<number> {
  const session = `other-${Math.random().toString(36).slice(2)}`
  const events: Event[] = Array.from({ length: count }, (_, i) => ({ id: `${session}-${i}`, type: 'click', item: `other-${i}`, session, ts: Date.now() }))
  const response = await fetch(`${quotaUrl()}/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ site: 'limited', key: KEY, events }),
  })
  return response.status
}

async function rows(items: string[]): Promise<RowsAnswer['rows']> {
  const response = await fetch(`${quotaUrl()}/v1/rows?site=limited&key=${KEY}&items=${items.join(',')}`)
  return ((await response.json()) as RowsAnswer).rows
}

async function limitedEvents(): Promise<number> {
  const text = await (await fetch(`${quotaUrl()}/metrics`)).text()
  return Number(/^sequitur_events_rate_limited_total (\d+)/m.exec(text)?.[1] ?? 0)
}

test.describe('a site over its quota', () => {
  test('gets 429s, and every tracked event is still counted exactly once once the quota allows', async ({ page, context }) => {
    test.setTimeout(90_000)
    const answers: number[] = []
    const bodies: string[] = []
    await context.route(`${quotaUrl()}/v1/events`, async (route) => {
      bodies.push(route.request().postDataBuffer()?.toString('latin1') ?? '')
      const response = await route.fetch()
      answers.push(response.status())
      await route.fulfill({ response })
    })
    const reads: string[] = []
    await context.route(`${quotaUrl()}/v1/trending*`, (route) => {
      reads.push(route.request().url())
      return route.continue()
    })
    const html = `<!doctype html><html><head><meta charset="utf-8"><title>quota test</title>
      <script src="${quotaUrl()}/sdk.js" data-site="limited" data-key="${KEY}" data-debug async></script></head><body></body></html>`
    await page.route(`${quotaUrl()}/quota-test`, (route) => route.fulfill({ contentType: 'text/html', body: html }))
    await page.goto(`${quotaUrl()}/quota-test`)
    await page.waitForFunction(() => window.sequitur !== undefined)
    await page.evaluate(() => window.sequitur!.trail())

    const limitedBefore = await limitedEvents()
    expect(await spend(10)).toBe(202) // the bucket is empty now: 5 events/s refill it
    const run = `q${Date.now().toString(36)}`
    const items = Array.from({ length: 60 }, (_, i) => `${run}-${i}`)
    // Two waves: each batch holds more than the burst of 10, so each waits for a full bucket.
    await page.evaluate((items) => items.forEach((item) => window.sequitur!.track({ type: 'click', item })), items.slice(0, 30))
    await expect.poll(() => answers.filter((s) => s === 429).length, { timeout: 10_000 }).toBeGreaterThan(0)
    await page.evaluate((items) => items.forEach((item) => window.sequitur!.track({ type: 'click', item })), items.slice(30))

    // Each consecutive pair of the trail is one transition, counted once however often it was sent.
    const expected: RowsAnswer['rows'] = Object.fromEntries(items.slice(0, -1).map((item, i) => [item, { total: 1, next: [[items[i + 1]!, 1]] }]))
    await expect.poll(() => rows(items), { timeout: 60_000, intervals: [500] }).toEqual(expected)
    expect(answers.filter((s) => s === 429).length).toBeGreaterThan(0)
    expect(answers.filter((s) => s !== 429 && s !== 202)).toEqual([])
    expect(await limitedEvents()).toBeGreaterThan(limitedBefore)
    // The write key went with every batch (msgpack bytes hold it as a string) and with the reads.
    expect(bodies.length).toBe(answers.length)
    for (const body of bodies) expect(body).toContain(KEY)
    expect(reads.length).toBeGreaterThan(0)
    expect(reads.every((url) => url.includes(`key=${KEY}`))).toBe(true)
  })
})

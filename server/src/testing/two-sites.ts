/**
 * Checks of two registered sites on real servers, shared by the embedded and the Kafka tests: each
 * site's key and secret reach only its own data on every route and the stream, and its events only
 * its own model. `write` and `read` may be different nodes of one deployment.
 */
import type { TrendingAnswer } from '@sequitur/sdk/protocol'
import { expect } from 'vitest'
import { clicks, getRows, openStream, postEvents, rowsOf, type TestSite } from './site-calls'

const code = async (res: Response) => ((await res.json()) as { code?: string }).code

/** Site A's events with wrong or missing keys change nothing; its good ones reach only A's rows and trending. */
export async function expectEventIsolation(write: string, read: string, a: TestSite, b: TestSite, timeout: number): Promise<void> {
  const refused = [
    await postEvents(write, a.site, b.key, clicks('bad-1', ['BAD1', 'BAD2'])),
    await postEvents(write, a.site, undefined, clicks('bad-2', ['BAD1', 'BAD2'])),
    await postEvents(write, a.site, 'not-a-key', clicks('bad-3', ['BAD1', 'BAD2'])),
    await postEvents(write, b.site, a.key, clicks('bad-4', ['BAD1', 'BAD2'])),
  ]
  for (const res of refused) {
    expect(res.status).toBe(401)
    expect(await code(res)).toBe('invalid_key')
  }
  expect((await postEvents(write, a.site, a.key, clicks('good-a', ['X1', 'X2', 'X1', 'X3']))).status).toBe(202)
  expect((await postEvents(write, b.site, b.key, clicks('good-b', ['Y1', 'Y2']))).status).toBe(202)
  // A row is an item clicked before another one: X1 and X2 of A, Y1 of B.
  const items = ['X1', 'X2', 'X3', 'Y1', 'Y2', 'BAD1', 'BAD2']
  await expect.poll(async () => Object.keys(await rowsOf(read, a.site, a.key, items)).sort(), { timeout, interval: 100 }).toEqual(['X1', 'X2'])
  await expect.poll(async () => Object.keys(await rowsOf(read, b.site, b.key, items)).sort(), { timeout, interval: 100 }).toEqual(['Y1'])
  // Each site's log is in order: once the good events count, the refused ones would have too.
  expect((await rowsOf(read, a.site, a.key, items)).X1).toMatchObject({ total: 2, next: [['X2', 1], ['X3', 1]] })

  for (const [site, key] of [[a.site, b.key], [b.site, a.key], [a.site, undefined], [a.site, 'nope']] as const) {
    const rows = await getRows(read, site, key, ['X1'])
    expect(rows.status).toBe(401)
    expect(await code(rows)).toBe('invalid_key')
    const trending = await fetch(`${read}/v1/trending?site=${site}${key ? `&key=${key}` : ''}`)
    expect(trending.status).toBe(401)
  }
  const trendingOf = async (s: TestSite) => (await (await fetch(`${read}/v1/trending?site=${s.site}&key=${s.key}`)).json()) as TrendingAnswer
  await expect.poll(async () => Object.keys((await trendingOf(a)).recent).sort(), { timeout, interval: 100 }).toEqual(['X1', 'X2', 'X3'])
  await expect.poll(async () => Object.keys((await trendingOf(b)).recent).sort(), { timeout, interval: 100 }).toEqual(['Y1', 'Y2'])
}

/** Site A's secret never reads or changes B's catalog or profiles, and the reverse. */
export async function expectAdminIsolation(url: string, a: TestSite, b: TestSite): Promise<void> {
  const catalog = (method: string, s: TestSite, path: string, secret: string, body?: unknown) =>
    fetch(`${url}/v1/catalog${path}${path.includes('?') ? '&' : '?'}site=${s.site}`, {
      method,
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
  const itemB = { id: 'CB1', category: 'lamps', price: 12 }
  expect((await catalog('PUT', b, '/items', a.secret, { items: [itemB] })).status).toBe(401)
  expect((await catalog('PUT', b, '/items', b.secret, { items: [itemB] })).status).toBe(200)
  expect((await catalog('GET', b, '/items/CB1', a.secret)).status).toBe(401)
  expect((await catalog('DELETE', b, '/items/CB1', a.secret)).status).toBe(401)
  expect((await catalog('GET', a, '/items/CB1', a.secret)).status).toBe(404)
  expect(await (await catalog('GET', b, '/items/CB1', b.secret)).json()).toEqual(itemB)
  expect((await catalog('PUT', a, '/items', a.secret, { items: [{ id: 'CA1', price: 3 }] })).status).toBe(200)
  expect((await catalog('GET', a, '/items/CA1', b.secret)).status).toBe(401)

  const profile = (s: TestSite, secret: string) => fetch(`${url}/v1/profiles/u1?site=${s.site}`, { headers: { authorization: `Bearer ${secret}` } })
  expect((await profile(b, a.secret)).status).toBe(401)
  expect((await profile(a, b.secret)).status).toBe(401)
  expect((await profile(a, a.secret)).status).toBe(200)
  expect((await profile(b, b.secret)).status).toBe(200)
}

/** On the stream, a subscription needs the site's key on the URL; another site's key gets an error and nothing. */
export async function expectStreamIsolation(url: string, a: TestSite, b: TestSite): Promise<void> {
  const withA = await openStream(url, `&key=${encodeURIComponent(a.key)}`)
  withA.send({ type: 'subscribe', site: b.site, items: ['Y1'] })
  expect(await withA.next('error')).toMatchObject({ code: 'invalid_key' })
  withA.send({ type: 'subscribe', site: a.site, items: ['X1', 'Y1'] })
  const rows = await withA.next('rows')
  expect(rows).toMatchObject({ site: a.site })
  expect(Object.keys((rows as { rows: object }).rows)).toEqual(['X1'])
  withA.close()
  const without = await openStream(url, '')
  without.send({ type: 'subscribe', site: a.site, items: ['X1'] })
  expect(await without.next('error')).toMatchObject({ code: 'invalid_key' })
  without.close()
}

/** CORS of a site allowing only `origin`: preflight, allowed and refused requests (403, no header, nothing stored). */
export async function expectSiteCors(url: string, a: TestSite, origin: string, timeout: number): Promise<void> {
  const preflight = (from: string) =>
    fetch(`${url}/v1/events`, { method: 'OPTIONS', headers: { origin: from, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } })
  const allowed = await preflight(origin)
  expect(allowed.status).toBe(204)
  expect(allowed.headers.get('access-control-allow-origin')).toBe(origin)
  expect(allowed.headers.get('access-control-allow-methods')).toContain('POST')
  expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()

  const refused = await postEvents(url, a.site, a.key, clicks('cors-bad', ['CORS1', 'CORS2']), 'https://evil.example')
  expect(refused.status).toBe(403)
  expect(refused.headers.get('access-control-allow-origin')).toBeNull()
  expect(await refused.json()).toMatchObject({ code: 'origin_not_allowed' })
  const rowsRefused = await getRows(url, a.site, a.key, ['X1'], 'https://evil.example')
  expect(rowsRefused.status).toBe(403)
  expect(rowsRefused.headers.get('access-control-allow-origin')).toBeNull()

  const ok = await postEvents(url, a.site, a.key, clicks('cors-ok', ['CORS3', 'CORS4']), origin)
  expect(ok.status).toBe(202)
  expect(ok.headers.get('access-control-allow-origin')).toBe(origin)
  // The SDK's worker reads these across origins: Retry-After to back off, Date for its clock's offset.
  expect(ok.headers.get('access-control-expose-headers')).toBe('Retry-After, Date')
  expect((await getRows(url, a.site, a.key, ['X1'], origin)).headers.get('access-control-allow-origin')).toBe(origin)
  // Without an Origin (server to server) the site's origins do not apply.
  expect((await postEvents(url, a.site, a.key, clicks('cors-none', ['CORS5', 'CORS6']))).status).toBe(202)
  const items = ['CORS1', 'CORS3', 'CORS5']
  await expect.poll(async () => Object.keys(await rowsOf(url, a.site, a.key, items)).sort(), { timeout, interval: 100 }).toEqual(['CORS3', 'CORS5'])
}

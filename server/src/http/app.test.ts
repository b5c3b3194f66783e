import { beforeAll, describe, expect, it } from 'vitest'
import { SqliteCatalog } from '../catalog'
import { StreamHub } from '../edge'
import { LogUnavailableError, type EventSink, SqliteLog } from '../log'
import { SiteRegistry, SqliteSiteStore } from '../sites'
import { RowTable, openDb } from '../state'
import { createApp } from './app'

const sites = new SiteRegistry({ store: new SqliteSiteStore(openDb(':memory:')), settings: { windowDays: 60, topK: 20, retentionDays: 7 } })
beforeAll(async () => {
  await sites.start()
  await sites.create({ site: 'demo', open: true })
})

function app(staticDirs = { sdk: '/nonexistent/sdk', demo: '/nonexistent/demo' }, sink: EventSink = new SqliteLog({ file: ':memory:' })) {
  const view = new RowTable(openDb(':memory:'))
  const hub = new StreamHub({ view, sites, clock: Date.now })
  return createApp({ edge: { sink, view, hub, catalog: new SqliteCatalog(openDb(':memory:')), sites }, clock: Date.now, staticDirs })
}

describe('createApp', () => {
  it('answers unknown paths with a JSON 404', async () => {
    const res = await app().request('/v1/nothing')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: 'no such endpoint', code: 'not_found' })
  })

  it('lets any origin call the API (the SDK runs on the shop’s origin)', async () => {
    const res = await app().request('/v1/events', {
      method: 'OPTIONS',
      headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' },
    })
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.example')
  })

  it('says plainly when the SDK or the demo is not built', async () => {
    const sdk = await app().request('/sdk.js')
    expect(sdk.status).toBe(404)
    expect(await sdk.json()).toMatchObject({ code: 'not_built' })
    expect((await app().request('/')).status).toBe(404)
  })

  it('answers 503 with Retry-After when the log is unavailable', async () => {
    const down: EventSink = {
      append: async () => {
        throw new LogUnavailableError('no acknowledgement within 5000 ms', { retryAfterSeconds: 2, cause: new Error('timeout') })
      },
    }
    const batch = { site: 'demo', events: [{ id: 'e1', type: 'click', item: 'P1', session: 's1', user: 'u1', ts: Date.now() }] }
    const res = await app(undefined, down).request('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(batch),
    })
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('2')
    expect(await res.json()).toEqual({
      error: 'the event log is unavailable; retry later',
      code: 'log_unavailable',
      details: 'no acknowledgement within 5000 ms',
    })
  })

  it('reports health with the model version', async () => {
    expect(await (await app().request('/healthz')).json()).toEqual({ status: 'ok', version: 0 })
  })
})

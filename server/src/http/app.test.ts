import { describe, expect, it } from 'vitest'
import { SqliteCatalog } from '../catalog/sqlite-catalog'
import { StreamHub } from '../edge/stream-hub'
import { SqliteLog } from '../log/sqlite-log'
import { RowTable } from '../state/row-table'
import { openDb } from '../state/sqlite'
import { createApp } from './app'

function app(staticDirs = { sdk: '/nonexistent/sdk', demo: '/nonexistent/demo' }) {
  const view = new RowTable(openDb(':memory:'))
  const sites = new Set(['demo'])
  return createApp({ edge: { sink: new SqliteLog({ file: ':memory:' }), view, hub: new StreamHub({ view, sites }), catalog: new SqliteCatalog(openDb(':memory:')) }, sites, clock: Date.now, staticDirs })
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
    expect(res.headers.get('access-control-allow-origin')).toBe('*')
  })

  it('says plainly when the SDK or the demo is not built', async () => {
    const sdk = await app().request('/sdk.js')
    expect(sdk.status).toBe(404)
    expect(await sdk.json()).toMatchObject({ code: 'not_built' })
    expect((await app().request('/')).status).toBe(404)
  })

  it('reports health with the model version', async () => {
    expect(await (await app().request('/healthz')).json()).toEqual({ status: 'ok', version: 0 })
  })
})

import Database from 'better-sqlite3'
import { pack, unpack } from 'msgpackr'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'
import {
  clicks,
  expectAdminIsolation,
  expectEventIsolation,
  expectSiteCors,
  expectStreamIsolation,
  getRows,
  operatorApi,
  postEvents,
  type TestSite,
} from '../testing'

const TOKEN = 'operator-token-for-tests-0123'
let dir: string
let server: RunningServer
let url: string
let skew = 0
const api = () => operatorApi(url, TOKEN)
let a: TestSite
let b: TestSite

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-sites-'))
  // These tests present wrong credentials on purpose, many from one address: the throttle (tested in
  // admin-throttle.test.ts) must not answer for the isolation they check.
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_OPERATOR_TOKEN: TOKEN }), {
    adminThrottle: { burst: 10_000 },
    log: () => {},
    clock: () => Date.now() + skew,
  })
  url = `http://127.0.0.1:${server.port}`
  // demo accepts any origin; limiting it lets the CORS checks see an origin no site allows.
  expect((await api().call('PATCH', '/demo', { origins: ['https://demo.example'] })).status).toBe(200)
  a = await api().create({ site: 'shop-a', origins: ['https://a.example'], quota: { eventsPerSecond: 200, burst: 400 }, windowDays: 30 })
  b = await api().create({ site: 'shop-b', origins: ['https://b.example'], quota: { eventsPerSecond: 50, burst: 100, connections: 10 }, windowDays: 10, topK: 5 })
}, 60_000)
afterAll(async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
}, 60_000)

describe('sites on the embedded server, through HTTP', () => {
  it('creates sites through the operator API with their own key, secret, origins, quota and window; refuses a wrong token', async () => {
    expect(a).toMatchObject({
      site: 'shop-a',
      key: expect.stringMatching(/^[\w-]{32}$/),
      secret: expect.stringMatching(/^[\w-]{43}$/),
      open: false,
      origins: ['https://a.example'],
      quota: { eventsPerSecond: 200, burst: 400, connections: 5000 },
      settings: { windowDays: 30, topK: 20, retentionDays: 7 },
    })
    expect(a).not.toHaveProperty('secretHash')
    expect(b).toMatchObject({ quota: { eventsPerSecond: 50, burst: 100, connections: 10 }, settings: { windowDays: 10, topK: 5 } })
    const shown = await api().call('GET', '/shop-a')
    expect(shown.status).toBe(200)
    expect(JSON.stringify(shown.body)).not.toContain(a.secret)
    expect(shown.body).not.toHaveProperty('secretHash')
    const list = await api().call('GET', '')
    expect((list.body.sites as Array<{ site: string }>).map((s) => s.site)).toEqual(['demo', 'shop-a', 'shop-b'])

    for (const auth of ['', 'Bearer wrong-token', `Bearer ${a.secret}`, `Basic ${TOKEN}`]) {
      const res = await api().call('GET', '', undefined, auth)
      expect(res).toEqual({ status: 401, body: expect.objectContaining({ code: 'unauthorized' }) })
    }
    expect((await api().call('POST', '', { site: 'shop-c' }, 'Bearer wrong')).status).toBe(401)
    expect((await api().call('GET', '/shop-c')).status).toBe(404)
    expect((await api().call('POST', '', { site: 'shop-a' })).body.code).toBe('site_exists')
    const bad = await api().call('POST', '', { site: 'shop-c', origins: ['https://c.example/path'], quota: { burst: 0 }, colour: 'red' })
    expect(bad.status).toBe(400)
    expect((bad.body.details as Array<{ path: string }>).map((d) => d.path).sort()).toEqual(['colour', 'origins.0', 'quota.burst'])
    expect((await api().call('GET', '/shop-c')).status).toBe(404)
  })

  it('changes a site with PATCH', async () => {
    const patched = await api().call('PATCH', '/shop-b', { topK: 7, quota: { connections: null } })
    expect(patched.body).toMatchObject({ settings: { windowDays: 10, topK: 7 }, quota: { eventsPerSecond: 50, connections: null } })
    expect((await api().call('PATCH', '/shop-b', { site: 'other' })).status).toBe(400)
    expect((await api().call('PATCH', '/nope', {})).status).toBe(404)
  })

  it('keeps each site to its own key: events, rows and trending', async () => {
    await expectEventIsolation(url, url, a, b, 5000)
  })

  it("keeps each site to its own secret: catalog and profiles", async () => {
    await expectAdminIsolation(url, a, b)
  })

  it('keeps each site to its own key on the stream', async () => {
    await expectStreamIsolation(url, a, b)
  })

  it('never writes the key to the log, from JSON or msgpack batches', async () => {
    const events = clicks('packed', ['M1', 'M2'])
    const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body: pack({ site: b.site, key: b.key, events }) })
    expect(res.status).toBe(202)
    const db = new Database(join(dir, 'log.db'), { readonly: true })
    const bodies = db.prepare('SELECT body FROM log WHERE site = ?').pluck().all(b.site) as Buffer[]
    db.close()
    expect(bodies.length).toBeGreaterThanOrEqual(2)
    for (const body of bodies) {
      expect(body.includes(Buffer.from(b.key))).toBe(false)
      expect(Object.keys(unpack(body) as object)).not.toContain('key')
    }
  })

  it('answers CORS per site', async () => {
    await expectSiteCors(url, a, 'https://a.example', 5000)
  })

  it('rotates a key with a grace period, and a secret at once', async () => {
    const old = a.key
    const rotated = await api().call('POST', '/shop-a/rotate-key', { graceSeconds: 60 })
    const key = rotated.body.key as string
    expect(rotated.body.keys).toEqual([{ key }, { key: old, expiresAt: expect.any(Number) }])
    expect((await postEvents(url, a.site, old, clicks('grace', ['G1', 'G2']))).status).toBe(202)
    expect((await getRows(url, a.site, old, ['G1'])).status).toBe(200)
    skew += 61_000
    expect((await postEvents(url, a.site, old, clicks('late', ['G3', 'G4']))).status).toBe(401)
    expect((await getRows(url, a.site, old, ['G1'])).status).toBe(401)
    expect((await postEvents(url, a.site, key, clicks('new', ['G5', 'G6']))).status).toBe(202)
    expect((await api().call('GET', '/shop-a')).body.keys).toEqual([{ key }])
    a = { ...a, key }

    const catalogAs = (secret: string) => fetch(`${url}/v1/catalog/items/CA1?site=shop-a`, { headers: { authorization: `Bearer ${secret}` } })
    expect((await catalogAs(a.secret)).status).toBe(200)
    const secret = (await api().call('POST', '/shop-a/rotate-secret')).body.secret as string
    expect(secret).toMatch(/^[\w-]{43}$/)
    expect((await catalogAs(a.secret)).status).toBe(401)
    expect((await catalogAs(secret)).status).toBe(200)
    a = { ...a, secret }
  })

  it("removes a site: its record, log entries and catalog go; the other site's stay", async () => {
    const count = (file: string, sql: string, site: string) => {
      const db = new Database(join(dir, file), { readonly: true, fileMustExist: true })
      try {
        return db.prepare(sql).pluck().get(site) as number
      } finally {
        db.close()
      }
    }
    const logOf = (site: string) => count('log.db', 'SELECT count(*) FROM log WHERE site = ?', site)
    const catalogOf = (site: string) => count('state.db', 'SELECT count(*) FROM catalog WHERE site = ?', site)
    expect(logOf('shop-a')).toBeGreaterThan(0)
    expect(catalogOf('shop-a')).toBe(1)
    const before = { log: logOf('shop-b'), catalog: catalogOf('shop-b') }
    expect((await api().call('DELETE', '/shop-a')).body).toEqual({ site: 'shop-a', removed: true })
    expect((await api().call('GET', '/shop-a')).status).toBe(404)
    expect((await api().call('DELETE', '/shop-a')).status).toBe(404)
    expect(logOf('shop-a')).toBe(0)
    expect(catalogOf('shop-a')).toBe(0)
    expect({ log: logOf('shop-b'), catalog: catalogOf('shop-b') }).toEqual(before)
    const refused = await postEvents(url, a.site, a.key, clicks('gone', ['Z1', 'Z2']))
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ code: 'unknown_site' })
    expect((await getRows(url, a.site, a.key, ['X1'])).status).toBe(401)
    expect(statSync(join(dir, 'operator-token'), { throwIfNoEntry: false })).toBeUndefined()
  })

  it('keeps the sites across a restart', async () => {
    await server.close()
    server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_OPERATOR_TOKEN: TOKEN }), {
      adminThrottle: { burst: 10_000 },
      log: () => {},
      clock: () => Date.now() + skew,
    })
    url = `http://127.0.0.1:${server.port}`
    expect((await api().call('GET', '')).body.sites).toHaveLength(2)
    expect((await postEvents(url, b.site, b.key, clicks('after', ['Y3', 'Y4']))).status).toBe(202)
    expect((await postEvents(url, b.site, a.key, clicks('after', ['Y3', 'Y4']))).status).toBe(401)
  }, 60_000)
})

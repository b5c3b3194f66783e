import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useLocalBroker } from '../../dev/test-broker'
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

const broker = useLocalBroker()
const TOKEN = 'kafka-operator-token-0123'
const prefix = `s${randomUUID().slice(0, 8)}`
const dirs: string[] = []
const servers: RunningServer[] = []
let skew = 0

/** A node of the deployment in this process: `all` (processor and edge) or a second `edge`. */
async function node(role: 'all' | 'edge'): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'sequitur-ksites-'))
  dirs.push(dir)
  const config = loadConfig({
    PORT: '0',
    SEQUITUR_DATA_DIR: dir,
    SEQUITUR_KAFKA_BROKERS: broker().brokers,
    SEQUITUR_KAFKA_PREFIX: prefix,
    SEQUITUR_ROLE: role,
    SEQUITUR_OPERATOR_TOKEN: TOKEN,
  })
  // Wrong credentials on purpose, many from one address: the throttle is tested in admin-throttle.test.ts.
  const server = await startServer(config, { log: () => {}, clock: () => Date.now() + skew, adminThrottle: { burst: 10_000 } })
  servers.push(server)
  return `http://127.0.0.1:${server.port}`
}

let one: string
let two: string
let a: TestSite
let b: TestSite

beforeAll(async () => {
  one = await node('all')
  two = await node('edge')
}, 180_000)
afterAll(async () => {
  for (const s of servers) await s.close().catch(() => {})
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
}, 60_000)

describe('sites in Kafka mode, two nodes on a real broker', () => {
  it('a site created through one node is known to the other without a restart', async () => {
    const api = operatorApi(one, TOKEN)
    expect((await api.call('PATCH', '/demo', { origins: ['https://demo.example'] })).status).toBe(200)
    a = await api.create({ site: 'shop-a', origins: ['https://a.example'], quota: { eventsPerSecond: 200, burst: 400 }, windowDays: 30 })
    b = await api.create({ site: 'shop-b', origins: ['https://b.example'], quota: { eventsPerSecond: 50, burst: 100 }, windowDays: 10, topK: 5 })
    const other = operatorApi(two, TOKEN)
    await expect.poll(async () => (await other.call('GET', '/shop-b')).body, { timeout: 10_000 }).toMatchObject({ settings: { windowDays: 10, topK: 5 } })
    expect((await other.call('GET', '/shop-a')).body).toMatchObject({ keys: [{ key: a.key }], origins: ['https://a.example'] })
    await expect.poll(async () => (await other.call('GET', '/demo')).body.origins, { timeout: 10_000 }).toEqual(['https://demo.example'])
  }, 60_000)

  it('keeps each site to its own key: events posted to one node, rows and trending read on the other', async () => {
    await expectEventIsolation(two, one, a, b, 60_000)
  }, 120_000)

  it('keeps each site to its own secret and key on catalog, profiles and the stream', async () => {
    await expectAdminIsolation(two, a, b)
    await expectStreamIsolation(two, a, b)
  }, 60_000)

  it('answers CORS per site', async () => {
    await expectSiteCors(two, a, 'https://a.example', 60_000)
  }, 120_000)

  it('rotates a key on one node; the other honours the grace period, then only the new key', async () => {
    const rotated = await operatorApi(one, TOKEN).call('POST', '/shop-a/rotate-key', { graceSeconds: 60 })
    const key = rotated.body.key as string
    await expect.poll(async () => (await postEvents(two, a.site, key, clicks('new-key', ['K1', 'K2']))).status, { timeout: 10_000 }).toBe(202)
    expect((await postEvents(two, a.site, a.key, clicks('grace', ['K3', 'K4']))).status).toBe(202)
    skew += 61_000
    expect((await postEvents(two, a.site, a.key, clicks('late', ['K5', 'K6']))).status).toBe(401)
    expect((await getRows(two, a.site, a.key, ['K1'])).status).toBe(401)
    a = { ...a, key }
    const secret = (await operatorApi(two, TOKEN).call('POST', '/shop-a/rotate-secret')).body.secret as string
    const catalogAs = (url: string, s: string) => fetch(`${url}/v1/catalog/items/CA1?site=shop-a`, { headers: { authorization: `Bearer ${s}` } })
    await expect.poll(async () => (await catalogAs(one, secret)).status, { timeout: 10_000 }).toBe(200)
    expect((await catalogAs(one, a.secret)).status).toBe(401)
    a = { ...a, secret }
  }, 60_000)

  it('removes a site through one node: the record is gone on both, its catalog too', async () => {
    expect((await operatorApi(two, TOKEN).call('DELETE', '/shop-a')).body).toEqual({ site: 'shop-a', removed: true })
    await expect.poll(async () => (await operatorApi(one, TOKEN).call('GET', '/shop-a')).status, { timeout: 10_000 }).toBe(404)
    for (const url of [one, two]) {
      const res = await postEvents(url, a.site, a.key, clicks('gone', ['Z1', 'Z2']))
      expect(res.status).toBe(401)
      expect(await res.json()).toMatchObject({ code: 'unknown_site' })
    }
    // Re-created under the same name, the site starts with an empty catalog.
    const again = await operatorApi(one, TOKEN).create({ site: 'shop-a' })
    const item = (url: string) => fetch(`${url}/v1/catalog/items/CA1?site=shop-a`, { headers: { authorization: `Bearer ${again.secret}` } })
    await expect.poll(async () => (await item(two)).status, { timeout: 10_000 }).toBe(404)
    expect((await operatorApi(two, TOKEN).call('GET', '')).body.sites).toHaveLength(3)
  }, 60_000)
})

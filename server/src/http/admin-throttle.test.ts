import { Hono } from 'hono'
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../config'
import { ApiError } from '../errors'
import { startServer, type RunningServer } from '../server'
import { adminThrottle, clientKey } from './admin-throttle'

const SECRET = 'the-right-admin-secret'
let dir: string
let server: RunningServer

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-throttle-'))
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_ADMIN_SECRET: SECRET }), { log: () => {} })
})
afterAll(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

/** GETs `path` with `secret` from the local address `from` (any 127.x.y.z is this machine). */
function get(path: string, secret: string, from: string, agent?: Agent): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: server.port, path, localAddress: from, agent, headers: { authorization: `Bearer ${secret}` } },
      (res) => {
        let body = ''
        res.on('data', (chunk: Buffer) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode!, retryAfter: res.headers['retry-after'] as string | undefined, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('adminThrottle, through HTTP', () => {
  it('answers most of 2,000 wrong secrets with 429 while the right one from another address still works', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 8 })
    const statuses = new Map<number, number>()
    for (let i = 0; i < 2000; i += 50) {
      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, k) => get('/v1/catalog/items/P1?site=demo', `wrong-${i + k}`, '127.0.0.1', agent)),
      )
      for (const a of answers) statuses.set(a.status, (statuses.get(a.status) ?? 0) + 1)
    }
    agent.destroy()
    // 10 failures in a row, then one more per 10 s of the run.
    expect(statuses.get(401)).toBeLessThanOrEqual(12)
    expect(statuses.get(429)).toBeGreaterThanOrEqual(1988)
    expect(statuses.get(401)! + statuses.get(429)!).toBe(2000)

    const throttled = await get('/v1/catalog/items/P1?site=demo', SECRET, '127.0.0.1')
    expect(throttled.status).toBe(429)
    expect(Number(throttled.retryAfter)).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(throttled.body)).toMatchObject({ code: 'rate_limited' })
    // Profiles share the budget: the address is throttled there too, before its credential is read.
    expect((await get('/v1/profiles/u1?site=demo', SECRET, '127.0.0.1')).status).toBe(429)

    const other = await get('/v1/catalog/items/P1?site=demo', SECRET, '127.0.0.2')
    expect(other.status).toBe(200)
    expect(JSON.parse(other.body)).toMatchObject({ id: 'P1' })
    expect((await get('/v1/profiles/u1?site=demo', SECRET, '127.0.0.2')).status).toBe(200)
  })

  it('charges nothing for the right secret', async () => {
    for (let i = 0; i < 30; i++) expect((await get('/v1/catalog/items/P1?site=demo', SECRET, '127.0.0.3')).status).toBe(200)
    expect((await get('/v1/catalog/items/P1?site=demo', 'wrong', '127.0.0.3')).status).toBe(401)
  })
})

describe('clientKey', () => {
  it('keys IPv6 clients by their /64 and IPv4 ones by address', () => {
    expect(clientKey('203.0.113.7')).toBe('203.0.113.7')
    expect(clientKey('::ffff:203.0.113.7')).toBe('::ffff:203.0.113.7')
    expect(clientKey('2001:db8:0:1:aaaa::1')).toBe('2001:db8:0:1::/64')
    expect(clientKey('2001:DB8:0000:0001:ffff:0:0:2')).toBe('2001:db8:0:1::/64')
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64')
    expect(clientKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64')
    expect(clientKey('::1')).toBe('0:0:0:0::/64')
  })
})

describe('adminThrottle', () => {
  it('refuses an address with no token left before its credential is checked, and spares others', async () => {
    let now = 0
    let checked = 0
    let from = '2001:db8::1'
    const app = new Hono()
    app.use('*', adminThrottle({ clock: () => now, burst: 3, perSecond: 0.5, addressOf: () => from }))
    app.get('/', (c) => (checked++, c.json({ error: 'no', code: 'unauthorized' }, 401)))
    app.onError((error, c) => (error instanceof ApiError ? c.json(error.toBody(), error.status, error.headers) : c.text('', 500)))
    for (let i = 0; i < 3; i++) expect((await app.request('/')).status).toBe(401)
    const refused = await app.request('/')
    expect(refused.status).toBe(429)
    expect(refused.headers.get('retry-after')).toBe('2')
    expect(checked).toBe(3)
    from = '2001:db8::2' // the same /64: the same budget
    expect((await app.request('/')).status).toBe(429)
    from = '2001:db8:1::1'
    expect((await app.request('/')).status).toBe(401)
    from = '2001:db8::1'
    now = 2000
    expect((await app.request('/')).status).toBe(401)
    expect((await app.request('/')).status).toBe(429)
  })
})

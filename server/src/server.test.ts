import type { Event, RowsAnswer, ServerMessage } from '@sequitur/sdk/protocol'
import { pack, unpack } from 'msgpackr'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { loadConfig } from './config'
import { startServer, type RunningServer } from './server'

let dir: string
let server: RunningServer | undefined
let base: string

const start = async () => {
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: () => {} })
  base = `http://127.0.0.1:${server.port}`
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-test-'))
  await start()
})
afterEach(async () => {
  await server?.close()
  server = undefined
  rmSync(dir, { recursive: true, force: true })
})

const now = Date.now()
let n = 0
const click = (session: string, item: string, extra: Partial<Event> = {}): Event =>
  ({ id: `e${++n}-${Math.random()}`, type: 'click', item, session, ts: now, ...extra }) as Event

/** A session clicking `items` in order. */
const session = (id: string, ...items: string[]) => items.map((item) => click(id, item))

const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
  fetch(`${base}/v1/events`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) })

const rows = async (items: string, site = 'demo') =>
  (await (await fetch(`${base}/v1/rows?site=${site}&items=${items}`)).json()) as RowsAnswer

/** Polls the rows until they equal `expected`; fails after 100 ms. */
async function expectRowsSoon(items: string, expected: RowsAnswer['rows']) {
  const deadline = performance.now() + 100
  let got = await rows(items)
  while (JSON.stringify(got.rows) !== JSON.stringify(expected) && performance.now() < deadline) got = await rows(items)
  expect(got.rows).toEqual(expected)
}

describe('the embedded server, through HTTP', () => {
  it('turns a session into exact rows within 100 ms', async () => {
    const events = [...session('s1', 'P1', 'P7', 'P1', 'P7', 'P7'), ...session('s2', 'P1', 'P3')]
    const res = await post({ site: 'demo', events })
    expect(res.status).toBe(202)
    expect(await res.json()).toEqual({ accepted: 7, duplicates: 0 })
    await expectRowsSoon('P1,P7,P3,P404', {
      P1: { total: 3, next: [['P7', 2], ['P3', 1]] },
      P7: { total: 2, next: [['P1', 1], ['P7', 1]] },
    })
  })

  it('keeps the same rows after a restart and goes on counting from there', async () => {
    await post({ site: 'demo', events: session('s1', 'A', 'B', 'A', 'C') })
    await expectRowsSoon('A,B', { A: { total: 2, next: [['B', 1], ['C', 1]] }, B: { total: 1, next: [['A', 1]] } })
    const before = await rows('A,B,C')
    await server!.close()
    await start()
    expect(await rows('A,B,C')).toEqual(before)
    // The session's last item (C) survived too: C → A is counted.
    await post({ site: 'demo', events: session('s1', 'A') })
    await expectRowsSoon('C', { C: { total: 1, next: [['A', 1]] } })
  })

  it('counts a repeated batch once', async () => {
    const batch = { site: 'demo', events: session('s1', 'A', 'B') }
    expect(await (await post(batch)).json()).toEqual({ accepted: 2, duplicates: 0 })
    await expectRowsSoon('A', { A: { total: 1, next: [['B', 1]] } })
    expect(await (await post(batch)).json()).toEqual({ accepted: 0, duplicates: 2 })
    await new Promise((r) => setTimeout(r, 50))
    expect((await rows('A')).rows).toEqual({ A: { total: 1, next: [['B', 1]] } })
  })

  it('rejects an invalid batch naming the field, and stores none of it', async () => {
    const events = [...session('s1', 'A', 'B'), { ...click('s1', 'C'), item: '' }]
    const res = await post({ site: 'demo', events })
    expect(res.status).toBe(400)
    const body = (await res.json()) as { code: string; details: Array<{ path: string }> }
    expect(body.code).toBe('invalid_batch')
    expect(body.details[0]!.path).toBe('events.2.item')
    // The valid part of the batch was not stored: sending it now accepts every event.
    expect(await (await post({ site: 'demo', events: events.slice(0, 2) })).json()).toEqual({ accepted: 2, duplicates: 0 })
  })

  it('answers 413 to an oversized body and 415 to an unknown content type', async () => {
    const big = { site: 'demo', events: [{ ...click('s', 'A'), pad: 'x'.repeat(600 * 1024) }] }
    const res = await post(big)
    expect(res.status).toBe(413)
    expect(((await res.json()) as { code: string }).code).toBe('payload_too_large')
    // Without a content-length (chunked), the body is counted as it streams in.
    const bytes = new TextEncoder().encode(JSON.stringify(big))
    const chunked = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new ReadableStream({
        start(controller) {
          for (let at = 0; at < bytes.length; at += 64 * 1024) controller.enqueue(bytes.subarray(at, at + 64 * 1024))
          controller.close()
        },
      }),
      duplex: 'half',
    } as RequestInit)
    expect(chunked.status).toBe(413)
    expect(((await chunked.json()) as { code: string }).code).toBe('payload_too_large')
    const typed = await post('site=demo', { 'content-type': 'application/x-www-form-urlencoded' })
    expect(typed.status).toBe(415)
  })

  it('answers 401 to an unknown site and 400 to malformed JSON or msgpack', async () => {
    expect((await post({ site: 'nope', events: session('s', 'A') })).status).toBe(401)
    expect((await post('{"site":')).status).toBe(400)
    const bad = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/msgpack' },
      body: new Uint8Array([0xc1, 0xff, 0x00]),
    })
    expect(bad.status).toBe(400)
    expect((await fetch(`${base}/v1/rows?site=demo`)).status).toBe(400)
    expect((await fetch(`${base}/v1/rows?site=nope&items=A`)).status).toBe(401)
  })

  it('rejects events stamped more than a day in the future', async () => {
    const res = await post({ site: 'demo', events: [click('s', 'A', { ts: now + 3 * 86_400_000 })] })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { details: Array<{ path: string }> }).details[0]!.path).toBe('events.0.ts')
  })

  it('takes msgpack in and gives msgpack back when asked', async () => {
    const res = await fetch(`${base}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/msgpack', accept: 'application/msgpack' },
      body: pack({ site: 'demo', events: session('m', 'X', 'Y') }),
    })
    expect(res.status).toBe(202)
    expect(unpack(new Uint8Array(await res.arrayBuffer()))).toEqual({ accepted: 2, duplicates: 0 })
    await expectRowsSoon('X', { X: { total: 1, next: [['Y', 1]] } })
  })
})

describe('the /v1/stream WebSocket', () => {
  /** A client that collects every message it receives. */
  async function connect(format: 'json' | 'msgpack' = 'msgpack') {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/stream?format=${format}`)
    const messages: ServerMessage[] = []
    const waiters: Array<() => void> = []
    ws.on('message', (data, binary) => {
      messages.push((binary ? unpack(data as Buffer) : JSON.parse(String(data))) as ServerMessage)
      for (const w of waiters.splice(0)) w()
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const next = async (type: ServerMessage['type']): Promise<ServerMessage> => {
      for (;;) {
        const i = messages.findIndex((m) => m.type === type)
        if (i >= 0) return messages.splice(i, 1)[0]!
        await new Promise<void>((r) => waiters.push(r))
      }
    }
    const send = (m: unknown) => ws.send(format === 'json' ? JSON.stringify(m) : pack(m))
    return { ws, next, send }
  }

  it('sends the current rows on subscribe, then each changed row', async () => {
    await post({ site: 'demo', events: session('s1', 'A', 'B') })
    await expectRowsSoon('A', { A: { total: 1, next: [['B', 1]] } })
    const c = await connect()
    expect(await c.next('hello')).toMatchObject({ type: 'hello', protocol: 2 })
    c.send({ type: 'subscribe', site: 'demo', items: ['A', 'B'] })
    expect(await c.next('rows')).toMatchObject({ type: 'rows', site: 'demo', rows: { A: { total: 1, next: [['B', 1]] } } })
    await post({ site: 'demo', events: session('s2', 'A', 'C') })
    const pushed = await c.next('rows')
    expect(pushed).toMatchObject({ rows: { A: { total: 2, next: [['B', 1], ['C', 1]] } } })
    c.ws.close()
  })

  it('resumes from a version: only rows changed after it come back', async () => {
    await post({ site: 'demo', events: session('s1', 'A', 'B', 'C') })
    await expectRowsSoon('B', { B: { total: 1, next: [['C', 1]] } })
    const first = await connect('json')
    first.send({ type: 'subscribe', site: 'demo', items: ['A', 'B'] })
    const snapshot = (await first.next('rows')) as Extract<ServerMessage, { type: 'rows' }>
    first.ws.close()
    // While disconnected, A's row changes but B's does not.
    await post({ site: 'demo', events: session('s2', 'A', 'D') })
    await expectRowsSoon('A', { A: { total: 2, next: [['B', 1], ['D', 1]] } })
    const again = await connect('json')
    again.send({ type: 'subscribe', site: 'demo', items: ['A', 'B'], since: snapshot.version })
    const resumed = (await again.next('rows')) as Extract<ServerMessage, { type: 'rows' }>
    expect(Object.keys(resumed.rows)).toEqual(['A'])
    expect(resumed.rows.A).toMatchObject({ total: 2, next: [['B', 1], ['D', 1]] })
    expect(resumed.version).toBeGreaterThan(snapshot.version)
    again.ws.close()
  })

  it('answers a bad message with an error and keeps the connection', async () => {
    const c = await connect('json')
    c.send({ type: 'subscribe', site: 'demo', items: 'A' })
    expect(await c.next('error')).toMatchObject({ code: 'invalid_message' })
    c.ws.send('not json')
    expect(await c.next('error')).toMatchObject({ code: 'invalid_message' })
    c.send({ type: 'subscribe', site: 'nope', items: ['A'] })
    expect(await c.next('error')).toMatchObject({ code: 'unknown_site' })
    c.send({ type: 'subscribe', site: 'demo', items: ['A'] })
    expect(await c.next('rows')).toMatchObject({ rows: {} })
    c.ws.close()
  })
})

describe('the catalog API (embedded)', () => {
  const secret = 'a-long-enough-admin-secret'
  const restartWithSecret = async () => {
    await server!.close()
    server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_ADMIN_SECRET: secret }), { log: () => {} })
    base = `http://127.0.0.1:${server.port}`
  }
  const call = (method: string, path: string, body?: unknown, auth: string | undefined = `Bearer ${secret}`) =>
    fetch(`${base}/v1/catalog${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(auth ? { authorization: auth } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })

  it('holds the demo products from the start', async () => {
    await restartWithSecret()
    const res = await call('GET', '/items/P1?site=demo')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: 'P1', category: expect.any(String), price: expect.any(Number) })
  })

  it('upserts, reads and deletes items, and keeps them across a restart', async () => {
    await restartWithSecret()
    const items = [{ id: 'X1', category: 'lamps', price: 49, brand: 'Lumen', color: 'amber', attrs: { watts: 8 } }]
    expect((await call('PUT', '/items?site=demo', { items })).status).toBe(200)
    await restartWithSecret()
    expect(await (await call('GET', '/items/X1?site=demo')).json()).toEqual(items[0])
    expect(await (await call('DELETE', '/items/X1?site=demo')).json()).toEqual({ removed: 1 })
    expect((await call('GET', '/items/X1?site=demo')).status).toBe(404)
  })

  it('refuses a missing or wrong secret with 401 and changes nothing', async () => {
    await restartWithSecret()
    const items = [{ id: 'X2', price: 1 }]
    expect((await call('PUT', '/items?site=demo', { items }, '')).status).toBe(401)
    const wrong = await call('PUT', '/items?site=demo', { items }, 'Bearer not-the-secret')
    expect(wrong.status).toBe(401)
    expect(((await wrong.json()) as { code: string }).code).toBe('unauthorized')
    expect((await call('GET', '/items/X2?site=demo')).status).toBe(404)
  })

  it('names the invalid field of an item', async () => {
    await restartWithSecret()
    const res = await call('PUT', '/items?site=demo', { items: [{ id: 'X3', price: -5 }] })
    expect(res.status).toBe(400)
    expect(((await res.json()) as { details: Array<{ path: string }> }).details[0]!.path).toBe('items.0.price')
  })

  it('generates a secret on first start when none is configured, prints it once and keeps only its hash', async () => {
    await server!.close()
    rmSync(dir, { recursive: true, force: true })
    const lines: string[] = []
    const restart = async () => {
      server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: (line) => lines.push(line) })
      base = `http://127.0.0.1:${server.port}`
    }
    await restart()
    const generated = /site "demo" \(open\): write key \S+, admin secret (\S+) \(shown once/.exec(lines.join('\n'))?.[1]
    expect(generated?.length).toBeGreaterThanOrEqual(32)
    expect(existsSync(join(dir, 'admin-secret'))).toBe(false)
    expect(readFileSync(join(dir, 'state.db')).includes(generated!)).toBe(false)
    await server!.close()
    lines.length = 0
    await restart()
    expect(lines.join('\n')).not.toContain('admin secret')
    expect((await call('GET', '/items/P1?site=demo', undefined, `Bearer ${generated}`)).status).toBe(200)
  })

  it('takes the admin-secret file of an earlier version when the demo site is new', async () => {
    await server!.close()
    rmSync(dir, { recursive: true, force: true })
    mkdirSync(dir)
    writeFileSync(join(dir, 'admin-secret'), 'an-earlier-admin-secret\n')
    server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: () => {} })
    base = `http://127.0.0.1:${server.port}`
    expect((await call('GET', '/items/P1?site=demo', undefined, 'Bearer an-earlier-admin-secret')).status).toBe(200)
  })
})

describe('profiles (embedded)', () => {
  const secret = 'a-long-enough-admin-secret'
  const auth = { authorization: `Bearer ${secret}` }
  const DAY = 86_400_000

  it('combines daily profiles from catalog attributes with a decay, counting a repeated event once', async () => {
    await server!.close()
    server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_ADMIN_SECRET: secret }), { log: () => {} })
    base = `http://127.0.0.1:${server.port}`
    const items = [
      { id: 'PL', category: 'lamps', color: 'amber', price: 40 },
      { id: 'PM', category: 'mugs', color: 'teal', price: 10 },
    ]
    await fetch(`${base}/v1/catalog/items?site=demo`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ items }) })
    const today = Math.floor(Date.now() / DAY) * DAY + 1000
    const ev = (id: string, item: string, ts: number) => ({ id, type: 'view', item, session: `s-${id}`, user: 'u1', ts })
    const events = [ev('p1', 'PL', today), ev('p2', 'PM', today), ev('p3', 'PL', today - 7 * DAY), ev('p4', 'PM', today - 70 * DAY)]
    await post({ site: 'demo', events: [...events, { ...events[0], id: 'p1' }] })
    await post({ site: 'demo', events: [events[1]] })
    const profile = async () => (await fetch(`${base}/v1/profiles/u1?site=demo&days=30&halfLife=7`, { headers: auth })).json() as Promise<{
      weight: number
      likelihoods: Record<string, Record<string, number>>
      numbers: Record<string, { mean: number; variance: number }>
    }>
    await expect.poll(async () => (await profile()).weight, { timeout: 2000 }).toBeCloseTo(2.5)
    const p = await profile()
    // Today: a lamp and a mug (weight 1 each); a week ago: a lamp (weight 1/2); 70 days ago: outside the window.
    expect(p.likelihoods.category!.lamps).toBeCloseTo(1.5 / 2.5)
    expect(p.likelihoods.color!.teal).toBeCloseTo(1 / 2.5)
    // Prices 40 (w 1), 10 (w 1), 40 (w 0.5): mean 70 / 2.5 = 28; variance (1.5 * 144 + 1 * 324) / 2.5 = 216.
    expect(p.numbers.price!.mean).toBeCloseTo(28)
    expect(p.numbers.price!.variance).toBeCloseTo(216)
    expect((await fetch(`${base}/v1/profiles/u1?site=demo`)).status).toBe(401)
    expect((await fetch(`${base}/v1/profiles/u1?site=demo&halfLife=0`, { headers: auth })).status).toBe(400)
    await server!.close()
    server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_ADMIN_SECRET: secret }), { log: () => {} })
    base = `http://127.0.0.1:${server.port}`
    expect((await profile()).weight).toBeCloseTo(2.5)
  })
})

describe('trending (embedded)', () => {
  it('joins impressions and clicks by list, drops a late click, counts a repeat once, and survives a restart', async () => {
    const MIN = 60_000
    const t0 = Math.floor(Date.now() / (30 * MIN)) * 30 * MIN - 60 * MIN
    const shown = (id: string, ts: number, ...items: string[]) => ({ id, type: 'impression', items, list: 'home', session: 'v', ts })
    const click = (id: string, ts: number, item: string) => ({ id, type: 'click', item, list: 'home', session: 'v', ts })
    const events = [
      ...Array.from({ length: 10 }, (_, i) => shown(`t-i${i}`, t0 + i, 'TA', 'TB')),
      ...Array.from({ length: 5 }, (_, i) => click(`t-a${i}`, t0 + 100 + i, 'TA')),
      click('t-b0', t0 + 200, 'TB'),
      click('t-b0', t0 + 200, 'TB'),
      shown('t-late-now', t0 + 40 * MIN, 'TC'),
      click('t-late', t0 + 300, 'TB'),
    ]
    await post({ site: 'demo', events: events.slice(0, 16) })
    await post({ site: 'demo', events: events.slice(16) })
    const trending = async () => ((await (await fetch(`${base}/v1/trending?site=demo&limit=3`)).json()) as { items: unknown[] }).items
    // Site rate 6 / 21; A: (5 + 10 × 6/21) / 20; C, shown once and never clicked, sits at the prior:
    // (0 + 10 × 6/21) / 11; B: (1 + 10 × 6/21) / 20 (the late click is dropped).
    const rate = 6 / 21
    await expect.poll(trending, { timeout: 2000 }).toEqual([
      { item: 'TA', impressions: 10, clicks: 5, rate: (5 + 10 * rate) / 20 },
      { item: 'TC', impressions: 1, clicks: 0, rate: (10 * rate) / 11 },
      { item: 'TB', impressions: 10, clicks: 1, rate: (1 + 10 * rate) / 20 },
    ])
    expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^sequitur_late_events_dropped_total 1$/m)
    // Clicks per item in the last 10 minutes count every click, from a list or not.
    await post({ site: 'demo', events: [{ id: 't-recent', type: 'click', item: 'TA', session: 'w', ts: t0 + 40 * MIN + 1000 }] })
    await expect
      .poll(async () => ((await (await fetch(`${base}/v1/trending?site=demo`)).json()) as { recent: unknown }).recent, { timeout: 2000 })
      .toEqual({ TA: 1 })
    await server!.close()
    await start()
    expect(await trending()).toHaveLength(3)
    expect((await fetch(`${base}/v1/trending?site=demo&limit=0`)).status).toBe(400)
    expect((await fetch(`${base}/v1/trending?site=nope`)).status).toBe(401)
  })
})

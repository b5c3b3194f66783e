import { fromMaps, type ModelRow, type ProfileAnswer, type RowsAnswer, type RowsMessage, type ServerMessage, type TrendingAnswer } from '@sequitur/sdk/protocol'
import { Packr, Unpackr } from 'msgpackr'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { loadConfig } from '../config'
import { startServer, type RunningServer } from '../server'

/**
 * Ids and attribute names that name `Object.prototype` members or fields of the wire's own objects:
 * each must be plain data everywhere (the session, user and list ids of the events are hostile too).
 */
const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'toJSON', 'total', 'next', 'related', 'attrs', 'version', 'rows', 'type']
const FORWARD = [30, 15, 10]
const BACKWARD = [6, 3, 2]
const secret = 'a-long-enough-admin-secret'
const auth = { authorization: `Bearer ${secret}` }

/**
 * The catalog category of an item: its own name, but for `toJSON`, which gets a describe of its own
 * (packing the processor's state trips on it, and the reloaded state would fail every test here).
 */
const categoryOf = (item: string) => (item === 'toJSON' ? 'json' : item)

/** Decodes msgpack keeping every key (msgpackr's own objects rename `__proto__`). */
const exact = new Unpackr({ useRecords: false, mapsAsObjects: false })
const decode = (bytes: Uint8Array) => fromMaps(exact.unpack(bytes))

/** Own entries as a Map: reading `o[key]` of a parsed object could hit `Object.prototype`. */
const entries = <T>(record: Record<string, T>) => new Map(Object.entries(record))

const byWeight = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)

/** The row of `HOSTILE[i]` after one session clicked every hostile id in order, with catalog attributes. */
function expectedRow(i: number): ModelRow {
  const related: Array<[string, number]> = []
  for (let d = 1; d <= 3; d++) {
    if (i + d < HOSTILE.length) related.push([HOSTILE[i + d]!, FORWARD[d - 1]!])
    if (i - d >= 0) related.push([HOSTILE[i - d]!, BACKWARD[d - 1]!])
  }
  related.sort(byWeight)
  const last = i === HOSTILE.length - 1
  const named = [HOSTILE[i]!, ...related.map(([item]) => item)]
  return {
    total: last ? 0 : 1,
    next: last ? [] : [[HOSTILE[i + 1]!, 1]],
    related: { total: related.reduce((a, [, w]) => a + w, 0), items: related },
    attrs: Object.fromEntries(named.map((item) => [item, { category: categoryOf(item), price: HOSTILE.indexOf(item) + 1 }])),
  }
}
const expected = new Map(HOSTILE.map((item, i) => [item, expectedRow(i)]))

/** A catalog item per hostile id, whose extra attributes have hostile names (built so `__proto__` is a key). */
const catalogItem = (item: string, i: number) => ({
  id: item,
  category: categoryOf(item),
  price: i + 1,
  attrs: Object.fromEntries<string | number>([['__proto__', 'a'], ['constructor', categoryOf(item)], ['prototype', 'b'], ['hasOwnProperty', 'c'], ['toString', i]]),
})

let dir: string
let server: RunningServer
let base: string
const now = Date.now() - 60_000

const start = async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-hostile-'))
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir, SEQUITUR_ADMIN_SECRET: secret }), { log: () => {} })
  base = `http://127.0.0.1:${server.port}`
}
const stop = async () => {
  await server?.close()
  rmSync(dir, { recursive: true, force: true })
}
const upsert = async (items: unknown[]) =>
  (await fetch(`${base}/v1/catalog/items?site=demo`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ items }) })).status
const post = async (events: unknown[]) =>
  (await fetch(`${base}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site: 'demo', events }) })).json()
const rowsOf = async (items: string) => (await (await fetch(`${base}/v1/rows?site=demo&items=${items}&include=related`)).json()) as RowsAnswer
const profileOf = async (user: string) => (await (await fetch(`${base}/v1/profiles/${user}?site=demo`, { headers: auth })).json()) as ProfileAnswer

/** Session `__proto__` of user `__proto__` sees every hostile id in list `constructor`, then clicks them in order; session `constructor` of user `toString` sees `total` and `next` in list `__proto__` and clicks `next`. */
function events() {
  const common = (id: string, session: string, user: string, list: string, ts: number) => ({ id, session, user, list, ts })
  return [
    { ...common('i1', '__proto__', '__proto__', 'constructor', now), type: 'impression', items: HOSTILE },
    ...HOSTILE.map((item, i) => ({ ...common(`c${i}`, '__proto__', '__proto__', 'constructor', now + 1 + i), type: 'click', item })),
    { ...common('i2', 'constructor', 'toString', '__proto__', now + 100), type: 'impression', items: ['total', 'next'] },
    { ...common('c-next', 'constructor', 'toString', '__proto__', now + 101), type: 'click', item: 'next' },
  ]
}

/** A stream client collecting every `rows` message it receives. */
async function subscriber(format: 'json' | 'msgpack', items: string[]) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/v1/stream?format=${format}`)
  const received: RowsMessage[] = []
  ws.on('message', (data, binary) => {
    const message = (binary ? decode(data as Buffer) : JSON.parse(String(data))) as ServerMessage
    if (message.type === 'rows') received.push(message)
  })
  await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
  const subscribe = { type: 'subscribe', site: 'demo', items }
  ws.send(format === 'json' ? JSON.stringify(subscribe) : new Packr({ useRecords: false }).pack(subscribe))
  /** The latest row received for each item (own keys only). */
  const latest = () => {
    const out = new Map<string, ModelRow | null>()
    for (const message of received) for (const [item, row] of entries(message.rows)) out.set(item, row)
    return out
  }
  return { ws, received, latest }
}

/** Waits until `done()` holds (setup cannot use `expect.poll`); throws after `ms`. */
async function until(done: () => boolean | Promise<boolean>, what: string, ms = 2000) {
  const deadline = performance.now() + ms
  while (!(await done())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

let early: Awaited<ReturnType<typeof subscriber>>
let earlyProto: Awaited<ReturnType<typeof subscriber>>

const query = HOSTILE.map(encodeURIComponent).join(',')

describe('hostile names, end to end over HTTP', () => {
  beforeAll(async () => {
    await start()
    expect(await upsert(HOSTILE.map(catalogItem))).toBe(200)
    // Subscribed before the events: what they receive is pushed as the processor applies them.
    early = await subscriber('json', ['total', 'next', 'related'])
    earlyProto = await subscriber('msgpack', ['__proto__', 'constructor', 'toJSON'])
    await until(() => early.received.length + earlyProto.received.length === 2, 'the answers to subscribe')
    expect(await post(events())).toEqual({ accepted: HOSTILE.length + 3, duplicates: 0 })
    await until(async () => Object.keys((await rowsOf(HOSTILE.at(-1)!)).rows).length === 1, 'the events to be applied')
  })

  afterAll(async () => {
    early?.ws.close()
    earlyProto?.ws.close()
    await stop()
  })

  it('GET /v1/rows answers every hostile item as an own key with its own row, in JSON and msgpack', async () => {
    const json = (await (await fetch(`${base}/v1/rows?site=demo&items=${query}&include=related`)).json()) as RowsAnswer
    const packed = await fetch(`${base}/v1/rows?site=demo&items=${query}&include=related`, { headers: { accept: 'application/msgpack' } })
    for (const answer of [json, decode(new Uint8Array(await packed.arrayBuffer())) as RowsAnswer]) {
      expect(Object.keys(answer.rows).sort()).toEqual([...HOSTILE].sort())
      const rows = entries(answer.rows)
      for (const item of HOSTILE) expect(rows.get(item), item).toEqual(expected.get(item))
    }
  })

  it('pushes the subscribers of total, next and related only their own rows, never another item’s fields', async () => {
    await expect.poll(() => [...early.latest().keys()].sort(), { timeout: 2000 }).toEqual(['next', 'related', 'total'])
    for (const message of early.received) {
      for (const [item, row] of entries(message.rows)) {
        expect(['total', 'next', 'related']).toContain(item)
        expect(row, item).toEqual(expected.get(item))
      }
    }
  })

  it('pushes the row of __proto__ as it changes, beside constructor and toJSON (msgpack)', async () => {
    await expect.poll(() => [...earlyProto.latest().keys()].sort(), { timeout: 2000 }).toEqual(['__proto__', 'constructor', 'toJSON'])
    for (const [item, row] of earlyProto.latest()) expect(row, item).toEqual(expected.get(item))
  })

  it('sends the row of __proto__ in the answer to a subscribe, in JSON and msgpack', async () => {
    for (const format of ['json', 'msgpack'] as const) {
      const late = await subscriber(format, ['__proto__', 'total'])
      await expect.poll(() => late.received.length).toBe(1)
      late.ws.close()
      const rows = entries(late.received[0]!.rows)
      expect([...rows.keys()].sort()).toEqual(['__proto__', 'total'])
      expect(rows.get('__proto__')).toEqual(expected.get('__proto__'))
      expect(rows.get('total')).toEqual(expected.get('total'))
    }
  })

  it('GET /v1/trending ranks every hostile item and counts its recent clicks under its own key', async () => {
    const answer = (await (await fetch(`${base}/v1/trending?site=demo&limit=50`)).json()) as TrendingAnswer
    // Each id was shown once and clicked once from list `constructor`; `total` and `next` once more from `__proto__`, `next` clicked there.
    const shown = new Map(HOSTILE.map((item) => [item, { impressions: 1, clicks: 1 }]))
    shown.set('total', { impressions: 2, clicks: 1 })
    shown.set('next', { impressions: 2, clicks: 2 })
    const siteRate = 15 / 16
    const items = [...shown]
      .map(([item, c]) => ({ item, ...c, rate: (c.clicks + 10 * siteRate) / (c.impressions + 10) }))
      .sort((a, b) => b.rate - a.rate || b.impressions - a.impressions || (a.item < b.item ? -1 : 1))
    expect(answer.items).toHaveLength(HOSTILE.length)
    answer.items.forEach((got, i) => {
      expect(Object.keys(got).sort()).toEqual(['clicks', 'impressions', 'item', 'rate'])
      expect(got.item).toBe(items[i]!.item)
      expect(got.impressions).toBe(items[i]!.impressions)
      expect(got.clicks).toBe(items[i]!.clicks)
      expect(got.rate).toBeCloseTo(items[i]!.rate)
    })
    expect(Object.keys(answer.recent).sort()).toEqual([...HOSTILE].sort())
    expect(entries(answer.recent)).toEqual(new Map(HOSTILE.map((item) => [item, item === 'next' ? 2 : 1])))
  })

  it('GET /v1/profiles/__proto__ combines catalog attributes named __proto__, constructor… as own keys', async () => {
    const answer = await profileOf('__proto__')
    expect(answer.user).toBe('__proto__')
    expect(answer.weight).toBeCloseTo(HOSTILE.length)
    expect(Object.keys(answer.likelihoods).sort()).toEqual(['__proto__', 'category', 'constructor', 'hasOwnProperty', 'prototype'])
    const likelihoods = entries(answer.likelihoods)
    const each = new Map(HOSTILE.map((item) => [categoryOf(item), 1 / HOSTILE.length]))
    for (const dimension of ['category', 'constructor']) {
      const values = entries(likelihoods.get(dimension)!)
      expect([...values.keys()].sort(), dimension).toEqual([...each.keys()].sort())
      for (const [value, share] of values) expect(share, `${dimension}.${value}`).toBeCloseTo(each.get(value)!)
    }
    expect(entries(likelihoods.get('__proto__')!)).toEqual(new Map([['a', 1]]))
    expect(entries(likelihoods.get('prototype')!)).toEqual(new Map([['b', 1]]))
    expect(entries(likelihoods.get('hasOwnProperty')!)).toEqual(new Map([['c', 1]]))
    expect(Object.keys(answer.numbers).sort()).toEqual(['price', 'toString'])
    const numbers = entries(answer.numbers)
    // Prices 1…14 and toString 0…13, each once: population variance (14² − 1) / 12.
    expect(numbers.get('price')).toEqual({ mean: 7.5, variance: expect.closeTo(195 / 12), weight: HOSTILE.length })
    expect(numbers.get('toString')).toEqual({ mean: 6.5, variance: expect.closeTo(195 / 12), weight: HOSTILE.length })
  })

  it('GET /v1/profiles/toString answers the profile of user toString', async () => {
    const answer = await profileOf('toString')
    expect(answer.user).toBe('toString')
    expect(answer.weight).toBeCloseTo(1)
    expect(entries(entries(answer.likelihoods).get('category')!)).toEqual(new Map([['next', 1]]))
  })

  // Last: it changes the row of `__proto__`.
  it('when only the row of __proto__ changes, pushes it to its subscriber and nothing to those of total, next, related', async () => {
    const before = { early: early.received.length, proto: earlyProto.received.length }
    const batch = ['__proto__', 'P1'].map((item, i) => ({ id: `later${i}`, type: 'click', item, session: 'valueOf', ts: now + 200 + i }))
    await post(batch)
    const next = async () => (await rowsOf('__proto__')).rows
    await expect.poll(async () => entries(await next()).get('__proto__')?.total).toBe(2)
    await new Promise((r) => setTimeout(r, 100))
    // Before: the `__proto__` row was the prototype of the pushed map, so its `total`, `next`, `related` went out as the rows of those items.
    expect(early.received.slice(before.early)).toEqual([])
    const pushed = earlyProto.received.slice(before.proto).flatMap((m) => [...entries(m.rows)])
    expect(pushed).toEqual([['__proto__', entries(await next()).get('__proto__')]])
  })
})

describe('a catalog item and category named toJSON, across a commit of the processor', () => {
  beforeAll(start)
  afterAll(stop)

  it('keeps the rows and the profile it counted once its state is committed', async () => {
    expect(await upsert([{ id: 'toJSON', category: 'toJSON', attrs: Object.fromEntries([['toJSON', 'x'], ['constructor', 'y']]) }])).toBe(200)
    const view = (id: string, item: string, ts: number) => ({ id, type: 'view', item, session: 'toJSON', user: 'toJSON', ts })
    expect(await post([view('j1', 'toJSON', now), view('j2', 'P1', now + 1)])).toEqual({ accepted: 2, duplicates: 0 })
    await expect.poll(async () => Object.keys((await rowsOf('toJSON')).rows)).toEqual(['toJSON'])
    // The processor commits 250 ms after the last event it applied; a commit that fails reloads the last one (none).
    await new Promise((r) => setTimeout(r, 600))
    const answer = await rowsOf('toJSON')
    expect(answer.version).toBeGreaterThan(0)
    expect(entries(answer.rows).get('toJSON')).toMatchObject({ total: 1, next: [['P1', 1]] })
    const profile = await profileOf('toJSON')
    expect(entries(entries(profile.likelihoods).get('toJSON')!)).toEqual(new Map([['x', 1]]))
    expect(entries(entries(profile.likelihoods).get('category')!).get('toJSON')).toBeCloseTo(0.5)
  })
})

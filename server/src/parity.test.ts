import type { Event, ItemEvent, RowsAnswer } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { useLocalBroker } from '../dev/test-broker'
import { spawnNode, type NodeProcess } from '../dev/test-cluster'
import { DAY_MS } from './clock'

/*
 * The parity suite: the same event sets posted, in the same order, to an embedded server and to a
 * Kafka-mode server on a real broker must give equal answers: rows (with related items and
 * attributes), trending and profiles, for two sites. The sets hold every event type, users with a
 * catalog, repeated ids (in a later batch, and after their session ended), late and out-of-window
 * events, events stamped a day ahead, and a session whose idle gap only impressions bridge; a third
 * site, registered through the operator API, has its own window (2 days) and top k (2), and is then
 * removed and registered again. The events span four days of event time, so each site's
 * self-validation runs when a new day starts: both modes must choose the same parameters with the
 * same figures (`GET /v1/model`).
 */

const broker = useLocalBroker()
const SECRET = 'parity-admin-secret-0123'
const OPERATOR = 'parity-operator-token-0123456789'
const SITES = ['demo', 'shop', 'tiny'] as const
const nodes: NodeProcess[] = []
let embedded: NodeProcess
let kafka: NodeProcess

beforeAll(async () => {
  // Near midnight (UTC) the two servers' receive times could straddle a day: wait it out.
  const untilMidnight = DAY_MS - (Date.now() % DAY_MS)
  if (untilMidnight < 10 * 60_000) await new Promise((r) => setTimeout(r, untilMidnight + 1000))
  const env = { SEQUITUR_SITES: 'demo,shop', SEQUITUR_ADMIN_SECRET: SECRET, SEQUITUR_OPERATOR_TOKEN: OPERATOR }
  ;[embedded, kafka] = await Promise.all([
    spawnNode(env),
    spawnNode({ ...env, SEQUITUR_KAFKA_BROKERS: broker().brokers, SEQUITUR_ROLE: 'all', SEQUITUR_KAFKA_PREFIX: `p${randomUUID().slice(0, 8)}` }),
  ])
  nodes.push(embedded, kafka)
  await Promise.all([embedded, kafka].map((node) => operator(node, 'POST', '', { site: 'tiny', open: true, windowDays: 2, topK: 2 })))
  // Stage 2 follows the catalog the edge seeded at start: let it arrive before profiles are built.
  await new Promise((r) => setTimeout(r, 3000))
}, 240_000)
afterAll(async () => {
  await Promise.all(nodes.map((n) => n.remove().catch(() => {})))
}, 60_000)

const MIN = 60_000
const EPOCH = 30 * MIN
const ITEMS = ['P1', 'P2', 'P3', 'P4', 'P5', 'P6', 'P7', 'P8', 'P9', 'P10', '__proto__', 'constructor', 'total', 'next']

/** The batches of one site, in the order they are posted; ids are unique per run. */
function eventSets(site: string, now: number): Event[][] {
  const run = randomUUID().slice(0, 6)
  let n = 0
  const id = () => `${site}-${run}-${++n}`
  const item = (type: ItemEvent['type'], session: string, it: string, ts: number, extra: Partial<ItemEvent> = {}): Event => ({ id: id(), type, item: it, session, ts, ...extra })
  const shown = (session: string, ts: number, list: string, ...items: string[]): Event => ({ id: id(), type: 'impression', items, list, session, ts })
  const day = (d: number) => now - d * DAY_MS
  const epoch = Math.floor(now / EPOCH) * EPOCH
  const old = [item('click', 'old', 'P1', day(3)), item('view', 'old', 'P2', day(3) + MIN), item('click', 'old', 'P3', day(3) + 2 * MIN, { user: 'u1' })]
  // A day's traffic for the validation to learn from (two days ago) and score (yesterday): trails
  // that follow each other and return to an item already seen.
  const traffic = (d: number) =>
    Array.from({ length: 16 }, (_, s) => {
      const trail = [ITEMS[s % 6]!, ITEMS[(s % 6) + 1]!, ITEMS[s % 3 ? (s % 6) + 2 : s % 6]!, ITEMS[(s * 7) % ITEMS.length]!].slice(0, 2 + (s % 3))
      return trail.map((it, i) => item(i ? 'view' : 'click', `day${d}-${s}`, it, day(d) + 3_600_000 + s * MIN + i * 1000))
    }).flat()
  // Two days ago, an item leads to a hub and the hub to a goal in other sessions; yesterday, sessions
  // go from the item straight to the goal, which only the second hop (through the hub's row, not an
  // item of yesterday's sample: in Kafka mode, the validation's second round) can rank.
  const trails = (d: number, name: string, trails: string[][]) =>
    trails.flatMap((trail, s) => trail.map((it, i) => item('view', `${name}-${s}`, it, day(d) + 7_200_000 + s * MIN + i * 1000)))
  const hubs = [0, 1, 2, 3]
  const bridges = [...trails(2, 'bridge', hubs.map((s) => [ITEMS[s]!, `hub-${s}`])), ...trails(2, 'reach', hubs.map((s) => [`hub-${s}`, `goal-${s}`]))]
  const goals = trails(1, 'goal', hubs.map((s) => [ITEMS[s]!, `goal-${s}`]))
  const batches: Event[][] = [
    // Three days ago: a session that will be over, one whose gap only an impression bridges.
    [...old, item('click', 'gap', 'P4', day(3) + 3 * MIN), item('click', 'gap', 'P5', day(3) + 4 * MIN), shown('x', day(3), 'home', 'P1', 'P2')],
    [shown('gap', day(2), 'home', 'P4', 'P5'), item('click', 'mid', 'P6', day(2), { user: 'u1' }), item('cart', 'mid', 'P7', day(2) + MIN, { user: 'u1' }), ...traffic(2), ...bridges],
    [item('click', 'gap', 'P6', day(1)), item('click', 'gap', 'P7', day(1) + MIN), item('purchase', 'mid2', 'P8', day(1), { user: 'u2' }), ...traffic(1), ...goals],
  ]
  // Today: sessions with users and hostile item names, impressions joined to clicks by list.
  const today: Event[] = []
  for (let s = 0; s < 12; s++) {
    const session = `now-${s}`
    const its = [ITEMS[s % ITEMS.length]!, ITEMS[(s * 3 + 1) % ITEMS.length]!, ITEMS[(s * 5 + 2) % ITEMS.length]!]
    today.push(shown(session, now - 20 * MIN + s, 'home', ...its))
    its.forEach((it, i) => today.push(item(i % 2 ? 'view' : 'click', session, it, now - 19 * MIN + s * 10 + i, { list: 'home', ...(s % 3 ? { user: `u${s % 3}` } : {}) })))
  }
  batches.push(today)
  // The same batch again (a client that never saw the 202), and the old session's ids after it ended.
  batches.push(today.slice(0, 20), old)
  batches.push([
    // Late for trending: stamped two epochs back, counted in the rows only.
    item('click', 'late', 'P1', epoch - EPOCH - 1, { list: 'home' }),
    item('click', 'late', 'P2', epoch - EPOCH, { list: 'home' }),
    // Out of the window: 70 days old.
    item('click', 'ancient', 'P9', day(70)),
    item('click', 'ancient', 'P10', day(70) + 1),
    // A day ahead of the server's clock: counted as received + 5 minutes.
    item('click', 'ahead', 'P9', now + 23 * 3_600_000, { user: 'u2' }),
    item('click', 'ahead', 'P10', now + 23 * 3_600_000 + 1, { list: 'home' }),
    shown('ahead', now + 23 * 3_600_000, 'home', 'P10'),
  ])
  batches.push([item('click', 'now-1', 'P1', now), item('click', 'now-1', 'P2', now + 1)])
  return batches
}

/** A call of the operator API that must succeed. */
async function operator(node: NodeProcess, method: string, path: string, body?: unknown): Promise<void> {
  const res = await fetch(`${node.url}/v1/admin/sites${path}`, {
    method,
    headers: { authorization: `Bearer ${OPERATOR}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  })
  if (!res.ok) throw new Error(`${node.url}: ${method} ${path} answered ${res.status}: ${await res.text()}`)
}

async function post(node: NodeProcess, site: string, events: Event[]): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const res = await fetch(`${node.url}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ site, events }) })
    if (res.status === 202) return
    if (attempt > 20) throw new Error(`${node.url} answered ${res.status}: ${await res.text()}`)
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Everything a user of the API reads of the model, for both sites. */
async function answers(node: NodeProcess): Promise<unknown> {
  const get = async (path: string, admin = false) => (await fetch(`${node.url}${path}`, admin ? { headers: { authorization: `Bearer ${SECRET}` } } : {})).json()
  const out: Record<string, unknown> = {}
  for (const site of SITES) {
    out[`${site} rows`] = ((await get(`/v1/rows?site=${site}&include=related&items=${ITEMS.map(encodeURIComponent).join(',')}`)) as RowsAnswer).rows
    out[`${site} trending`] = await get(`/v1/trending?site=${site}&limit=50`)
    out[`${site} model`] = await get(`/v1/model?site=${site}`)
  }
  for (const user of ['u1', 'u2']) out[`demo profile ${user}`] = await get(`/v1/profiles/${user}?site=demo&days=30&halfLife=7`, true)
  return out
}

/** The embedded server has applied everything once its rows' version is the log's last position. */
async function settled(node: NodeProcess): Promise<void> {
  let last = -1
  for (;;) {
    const version = ((await (await fetch(`${node.url}/healthz`)).json()) as { version: number }).version
    if (version === last) return
    last = version
    await new Promise((r) => setTimeout(r, 500))
  }
}

describe('embedded and Kafka mode', () => {
  it('give the same rows, trending, profiles and validated parameters for the same events', async () => {
    const now = Date.now()
    const sets = SITES.map((site) => eventSets(site, now))
    const rounds = Math.max(...sets.map((s) => s.length))
    for (let i = 0; i < rounds; i++) {
      for (const [s, site] of SITES.entries()) {
        const batch = sets[s]![i]
        if (batch) await Promise.all([post(embedded, site, batch), post(kafka, site, batch)])
      }
    }
    await settled(embedded)
    const expected = await answers(embedded)
    // The model did count things: rows of both sites, trending, a profile (a vacuous parity proves nothing).
    expect(expected).toMatchObject({
      'demo rows': { P1: { total: expect.any(Number) }, ['__proto__']: expect.anything() },
      'shop rows': { P6: expect.anything() },
      // Its own window: the sessions of two and three days ago count nothing; its own top k: two.
      'tiny rows': { P1: { next: [expect.anything(), expect.anything()] } },
      'demo trending': { items: expect.arrayContaining([expect.objectContaining({ item: 'P1' })]) },
      'demo profile u1': { weight: expect.any(Number) },
      // Yesterday was validated, on the rows of the days before it (a Kafka mode that does not validate fails here),
      // and the second hop, which alone ranks yesterday's goals, was chosen: its hubs' rows were read.
      'demo model': { params: { hop: expect.any(Number) }, validated: { day: Math.floor((now - DAY_MS) / DAY_MS), cases: expect.any(Number), hr: expect.any(Number) } },
      'shop model': { validated: { day: Math.floor((now - DAY_MS) / DAY_MS) } },
    })
    const { validated, params } = (expected as Record<string, { params: { hop: number }; validated: { cases: number; hr: number } }>)['demo model']!
    expect(params.hop).toBeGreaterThan(0)
    expect(validated.cases).toBeGreaterThan(20)
    expect(validated.hr).toBeGreaterThan(0)
    // What sessions of two and three days ago linked counts for `demo`, not for `tiny`.
    const rows = expected as Record<string, Record<string, { total: number }>>
    expect(rows['tiny rows']!.P6!.total).toBeLessThan(rows['demo rows']!.P6!.total)
    await expect.poll(() => answers(kafka), { timeout: 60_000, interval: 500 }).toEqual(expected)
  }, 180_000)

  it('validate on demand alike: embedded mode answers the result, Kafka mode 202 and then serves the same', async () => {
    const ask = (node: NodeProcess) => fetch(`${node.url}/v1/admin/validate?site=demo`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })
    const model = async (node: NodeProcess) => (await fetch(`${node.url}/v1/model?site=demo`)).json()
    const [now, requested] = await Promise.all([ask(embedded), ask(kafka)])
    expect(now.status).toBe(200)
    const result = await now.json()
    expect(result).toMatchObject({ validated: { day: expect.any(Number) } })
    expect(requested.status).toBe(202)
    expect(await requested.json()).toEqual({ site: 'demo', requested: true })
    await expect.poll(() => model(kafka), { timeout: 60_000, interval: 500 }).toEqual(result)
    expect(await model(embedded)).toEqual(result)
  }, 120_000)

  it('forget a removed site alike: registered again, it starts with nothing', async () => {
    for (const node of [embedded, kafka]) {
      await operator(node, 'DELETE', '/tiny')
      await operator(node, 'POST', '', { site: 'tiny', open: true })
    }
    await settled(embedded)
    const expected = (await answers(embedded)) as Record<string, unknown>
    expect(expected['tiny rows']).toEqual({})
    expect(expected['tiny trending']).toEqual({ items: [], recent: {} })
    expect(expected['tiny model']).toMatchObject({ validated: null })
    expect(expected['demo rows']).toMatchObject({ P1: { total: expect.any(Number) } })
    await expect.poll(() => answers(kafka), { timeout: 60_000, interval: 500 }).toEqual(expected)
  }, 120_000)
})

import type { Event, ModelRow, ServerMessage } from '@sequitur/sdk/protocol'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ITEMS, clickSessions as sessions, offlineRows as offline, openStream, postUntilAccepted as post, servedRows as rows } from '../testing'
import { startLocalBroker, type LocalBroker } from '../../dev/local-broker'
import { spawnNode, type NodeProcess } from '../../dev/test-cluster'

let broker: LocalBroker
const nodes: NodeProcess[] = []

beforeAll(async () => {
  broker = await startLocalBroker()
}, 180_000)
afterAll(async () => {
  if (process.env.SEQUITUR_DUMP) {
    const dumps = await Promise.all(
      nodes.map(async (n, i) => {
        const metrics = await fetch(`${n.url}/metrics`).then((r) => r.text(), () => 'down')
        const lines = metrics.split('\n').filter((l) => /^sequitur_(consumer_lag|events|rows)/.test(l))
        return `== node ${i}\n${n.output()}\n${lines.join('\n')}`
      }),
    )
    writeFileSync(process.env.SEQUITUR_DUMP, dumps.join('\n'))
  }
  await Promise.all(nodes.map((n) => n.remove().catch(() => {})))
  await broker?.stop()
}, 60_000)

async function node(role: 'edge' | 'processor' | 'all', prefix: string, port = 0, extra: Record<string, string> = {}): Promise<NodeProcess> {
  const env: Record<string, string> = {
    ...extra,
    SEQUITUR_KAFKA_BROKERS: broker.brokers,
    SEQUITUR_ROLE: role,
    SEQUITUR_KAFKA_PREFIX: prefix,
    SEQUITUR_ADMIN_SECRET: ADMIN_SECRET,
  }
  if (process.env.SEQUITUR_DEBUG_STAGES) env.SEQUITUR_DEBUG_STAGES = '1'
  const n = await spawnNode(env, port)
  nodes.push(n)
  return n
}

const ADMIN_SECRET = 'kafka-test-admin-secret'
describe('Kafka mode against a real broker', () => {
  it('two edges and two processors: events posted to one edge show up on the other and are pushed to its subscribers', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    await node('processor', prefix)
    await node('processor', prefix)
    const edge1 = await node('edge', prefix)
    const edge2 = await node('edge', prefix)

    const ws = new WebSocket(`${edge2.url.replace('http', 'ws')}/v1/stream?format=json`)
    const pushed: ServerMessage[] = []
    ws.on('message', (data) => pushed.push(JSON.parse(String(data)) as ServerMessage))
    await new Promise((resolve) => ws.once('open', resolve))
    ws.send(JSON.stringify({ type: 'subscribe', site: 'demo', items: ITEMS }))

    const events = sessions(40)
    await post(edge1.url, events)
    const expected = offline(events)
    await expect.poll(() => rows(edge2.url), { timeout: 60_000, interval: 250 }).toEqual(expected)
    // Every row the subscriber holds, taking the latest push for each, is the offline row.
    const latest: Record<string, ModelRow | null> = {}
    for (const m of pushed) if (m.type === 'rows') Object.assign(latest, m.rows)
    expect(latest).toEqual(expected)
    ws.close()

    // Prometheus metrics: lag per partition on processors, events in and freshness on edges.
    const metrics = async (n: NodeProcess) => (await fetch(`${n.url}/metrics`)).text()
    const processorText = (await Promise.all(nodes.slice(-4, -2).map(metrics))).join('\n')
    expect(processorText).toMatch(new RegExp(`^sequitur_consumer_lag\\{group="${prefix}-sessions",topic="${prefix}.events",partition="0"\\} \\d+`, 'm'))
    const processed = [...processorText.matchAll(/^sequitur_events_processed_total (\d+)/gm)].reduce((n, m) => n + Number(m[1]), 0)
    expect(processed).toBe(events.length)
    const edgeText = await metrics(edge1)
    expect(edgeText).toMatch(new RegExp(`^sequitur_events_in_total ${events.length}$`, 'm'))
    expect(Number(/^sequitur_freshness_seconds_count (\d+)/m.exec(await metrics(edge2))?.[1])).toBeGreaterThan(0)
  }, 120_000)

  it('the catalog: an item put on one edge reaches the other, and so does its removal', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const edge1 = await node('edge', prefix)
    const edge2 = await node('edge', prefix)
    const call = (n: NodeProcess, method: string, path: string, body?: unknown) =>
      fetch(`${n.url}/v1/catalog${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_SECRET}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      })
    // Both edges hold the demo products, seeded once through the topic.
    expect((await call(edge2, 'GET', '/items/P200?site=demo')).status).toBe(200)
    const item = { id: 'K1', category: 'mugs', price: 12, color: 'teal' }
    expect((await call(edge1, 'PUT', '/items?site=demo', { items: [item] })).status).toBe(200)
    await expect.poll(async () => (await call(edge2, 'GET', '/items/K1?site=demo')).status, { timeout: 20_000 }).toBe(200)
    expect(await (await call(edge2, 'GET', '/items/K1?site=demo')).json()).toEqual(item)
    expect((await call(edge2, 'DELETE', '/items/K1?site=demo')).status).toBe(200)
    await expect.poll(async () => (await call(edge1, 'GET', '/items/K1?site=demo')).status, { timeout: 20_000 }).toBe(404)
    // A restarted edge restores the catalog from the topic.
    await edge1.kill()
    await edge1.restart()
    expect((await call(edge1, 'GET', '/items/P1?site=demo')).status).toBe(200)
    expect((await call(edge1, 'GET', '/items/K1?site=demo')).status).toBe(404)
  }, 120_000)

  it('profiles: built by the processor, served by the edge, still served with every processor stopped and after an edge restart', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const processor = await node('processor', prefix)
    const edge = await node('edge', prefix)
    const headers = { authorization: `Bearer ${ADMIN_SECRET}`, 'content-type': 'application/json' }
    const items = [
      { id: 'KL', category: 'lamps', price: 40 },
      { id: 'KM', category: 'mugs', price: 10 },
    ]
    await fetch(`${edge.url}/v1/catalog/items?site=demo`, { method: 'PUT', headers, body: JSON.stringify({ items }) })
    // The processor reads the catalog from its topic: give it a moment to see the new items.
    await new Promise((r) => setTimeout(r, 2000))
    const DAY = 86_400_000
    const today = Math.floor(Date.now() / DAY) * DAY + 1000
    const ev = (id: string, item: string, ts: number, session = `s-${id}`) => ({ id: `${prefix}-${id}`, type: 'view', item, session, user: 'ku', ts })
    const events = [ev('1', 'KL', today), ev('2', 'KM', today), ev('3', 'KL', today - 7 * DAY)]
    await post(edge.url, [...events as Event[], events[0] as Event])
    const profile = async () =>
      (await (await fetch(`${edge.url}/v1/profiles/ku?site=demo&days=30&halfLife=7`, { headers })).json()) as {
        weight: number
        likelihoods: Record<string, Record<string, number>>
        numbers: Record<string, { mean: number; variance: number }>
      }
    await expect.poll(async () => (await profile()).weight, { timeout: 30_000 }).toBeCloseTo(2.5)
    const expected = await profile()
    expect(expected.likelihoods.category!.lamps).toBeCloseTo(1.5 / 2.5)
    expect(expected.numbers.price!.mean).toBeCloseTo(28)
    expect(expected.numbers.price!.variance).toBeCloseTo(216)
    await processor.kill()
    expect(await profile()).toEqual(expected)
    await edge.kill()
    await edge.restart()
    expect(await profile()).toEqual(expected)
  }, 120_000)

  it('trending: impressions joined to clicks by list, a late click dropped and counted, served by the edge', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const processor = await node('processor', prefix)
    const edge = await node('edge', prefix)
    const MIN = 60_000
    const now = Date.now()
    const epoch = Math.floor(now / (30 * MIN)) * 30 * MIN
    const t0 = now - 1000
    const shown = (id: string, ts: number, ...items: string[]) => ({ id: `${prefix}-${id}`, type: 'impression', items, list: 'home', session: 'v', ts })
    const click = (id: string, ts: number, item: string) => ({ id: `${prefix}-${id}`, type: 'click', item, list: 'home', session: 'v', ts })
    await post(edge.url, [
      ...Array.from({ length: 10 }, (_, i) => shown(`i${i}`, t0 + i, 'TA', 'TB')),
      ...Array.from({ length: 5 }, (_, i) => click(`a${i}`, t0 + 100 + i, 'TA')),
      click('b0', t0 + 200, 'TB'),
      click('b0', t0 + 200, 'TB'),
    ] as Event[])
    // Stamped two epochs back: the site's time passed that epoch's end by more than the lateness.
    await post(edge.url, [click('late', epoch - 30 * MIN - 1, 'TB')] as Event[])
    const rate = 6 / 20
    const trending = async () => ((await (await fetch(`${edge.url}/v1/trending?site=demo&limit=5`)).json()) as { items: unknown[] }).items
    await expect
      .poll(trending, { timeout: 30_000 })
      .toEqual([
        { item: 'TA', impressions: 10, clicks: 5, rate: (5 + 10 * rate) / 20 },
        { item: 'TB', impressions: 10, clicks: 1, rate: (1 + 10 * rate) / 20 },
      ])
    await expect
      .poll(async () => (await (await fetch(`${processor.url}/metrics`)).text()).match(/^sequitur_late_events_dropped_total (\d+)/m)?.[1])
      .toBe('1')
    // Clicks per item in the last 10 minutes of the site's time, from a list or not.
    await post(edge.url, [{ id: `${prefix}-recent`, type: 'click', item: 'TB', session: 'w', ts: now }] as Event[])
    await expect
      .poll(async () => ({ ...((await (await fetch(`${edge.url}/v1/trending?site=demo`)).json()) as { recent: object }).recent }), { timeout: 30_000 })
      .toEqual({ TA: 5, TB: 2 })
    // A restarted edge rebuilds trending from the topic.
    const before = await trending()
    await edge.kill()
    await edge.restart()
    expect(await trending()).toEqual(before)
  }, 120_000)

  it('an edge with no row cache serves rows from its copy, comes back from a SIGKILL at its offset, and a client resuming from its cursor gets every later change', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    await node('processor', prefix)
    const edge = await node('edge', prefix, 0, { SEQUITUR_EDGE_ROW_CACHE: '0' })
    const first = sessions(30)
    await post(edge.url, first)
    await expect.poll(() => rows(edge.url), { timeout: 60_000, interval: 250 }).toEqual(offline(first))
    const stream = await openStream(edge.url, '')
    await stream.next('hello')
    stream.send({ type: 'subscribe', site: 'demo', items: ITEMS })
    const { cursor } = (await stream.next('rows')) as Extract<ServerMessage, { type: 'rows' }>
    stream.close()
    await edge.kill('SIGKILL')
    const second = sessions(30)
    const all = [...first, ...second]
    // Posted through another edge while this one is down: it reads them from the topic when back.
    await post((await node('edge', prefix)).url, second)
    await edge.restart()
    expect(edge.output()).toMatch(/rows: resuming at offsets [\d.]*[1-9][\d.]* of [\d–, ]+ from the edge's copy/)
    await expect.poll(() => rows(edge.url), { timeout: 60_000, interval: 250 }).toEqual(offline(all))
    const again = await openStream(edge.url, '')
    again.send({ type: 'subscribe', site: 'demo', items: ITEMS, cursor })
    const resumed = (await again.next('rows')) as Extract<ServerMessage, { type: 'rows' }>
    again.close()
    const before = offline(first)
    const after = offline(all)
    const changed = ITEMS.filter((item) => JSON.stringify(before[item]) !== JSON.stringify(after[item]))
    expect(changed.length).toBeGreaterThan(0)
    // Every row that changed after `cursor`, each as it is now.
    expect(Object.keys(resumed.rows)).toEqual(expect.arrayContaining(changed))
    for (const [item, row] of Object.entries(resumed.rows)) expect(row).toEqual(after[item])
  }, 180_000)

  it('a processor killed with SIGKILL mid-stream: after the rebalance every row equals the offline rows of all acknowledged events', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const victim = await node('processor', prefix)
    await node('processor', prefix)
    const edge = await node('edge', prefix)
    const acknowledged: Event[] = []
    for (let batch = 0; batch < 30; batch++) {
      const events = sessions(10)
      await post(edge.url, events)
      acknowledged.push(...events)
      if (batch === 10) await victim.kill('SIGKILL')
      await new Promise((r) => setTimeout(r, 50))
    }
    await expect.poll(() => rows(edge.url), { timeout: 90_000, interval: 500 }).toEqual(offline(acknowledged))
  }, 180_000)

  it('a processor restarted after a crash loads its embedded store and replays only the changelog tail', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const processor = await node('processor', prefix)
    const edge = await node('edge', prefix)
    const first = sessions(30)
    await post(edge.url, first)
    await expect.poll(() => rows(edge.url), { timeout: 60_000, interval: 250 }).toEqual(offline(first))
    // The embedded stores write behind, within a second.
    await new Promise((r) => setTimeout(r, 1500))
    await processor.kill('SIGKILL')
    const second = sessions(30)
    await post(edge.url, second)
    await processor.restart()
    await expect.poll(() => rows(edge.url), { timeout: 60_000, interval: 250 }).toEqual(offline([...first, ...second]))
    const loads = [...processor.output().matchAll(/(\d+) keys from the embedded store, (\d+) changelog records/g)]
    // After the restart, some partition came back from its store with more keys than changelog records replayed.
    expect(loads.some(([, keys, replayed]) => Number(keys) > 0 && Number(keys) > Number(replayed))).toBe(true)
  }, 180_000)

  it('a backlog of megabytes: the stages split what exceeds the broker\'s 1 MB batch limit and count every event once', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    // One partition per topic: a stage's whole output of a batch goes to one partition.
    const edge = await node('edge', prefix, 0, { SEQUITUR_KAFKA_PARTITIONS: '1' })
    // ~60,000 events posted while no processor runs: each stage's first fetch then carries megabytes.
    const events = sessions(15_000)
    const batches: Event[][] = []
    for (let i = 0; i < events.length; i += 500) batches.push(events.slice(i, i + 500))
    await Promise.all(Array.from({ length: 8 }, async () => {
      for (let batch = batches.pop(); batch; batch = batches.pop()) await post(edge.url, batch)
    }))
    const processor = await node('processor', prefix, 0, { SEQUITUR_KAFKA_PARTITIONS: '1' })
    await expect.poll(() => rows(edge.url), { timeout: 120_000, interval: 500 }).toEqual(offline(events))
    expect(processor.output()).not.toMatch(/batch failed|larger than the max message size/)
  }, 180_000)

  it('a broker restart while a client keeps sending: every event that got a 202 counts exactly once', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}`
    const all = await node('all', prefix)
    const acknowledged: Event[] = []
    let retried = 0
    // The broker crashes and stays away for three seconds, long enough for edges to answer 503.
    const restart = (async () => {
      await new Promise((r) => setTimeout(r, 1500))
      await broker.kill()
      await new Promise((r) => setTimeout(r, 3000))
      await broker.restart()
    })()
    for (let batch = 0; batch < 40; batch++) {
      const events = sessions(5)
      retried += (await post(all.url, events)) - 1
      acknowledged.push(...events)
      await new Promise((r) => setTimeout(r, 100))
    }
    await restart
    expect(retried).toBeGreaterThan(0)
    await expect.poll(() => rows(all.url), { timeout: 90_000, interval: 500 }).toEqual(offline(acknowledged))
  }, 180_000)
})

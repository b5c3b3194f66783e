import { afterEach, describe, expect, it } from 'vitest'
import type { ChangeInfo, Consent, SdkStats } from '../api'
import type { Ranked, SessionProfile } from '../model'
import { connect, unpackRanking, type DraftEvent, type SessionInfo, type WorkerApi, type WorkerConfig, type WorkerEvents, type WorkerRpc } from '../shared'
import { InvalidEventError } from './errors'
import { serveWorker } from './serve-worker'

/** A worker that answers from fixed data and reports through the events `start` got. */
class FixedWorker implements WorkerApi {
  events: WorkerEvents | undefined
  tracked: DraftEvent[] = []

  async start(_config: WorkerConfig, events: WorkerEvents): Promise<SessionInfo> {
    this.events = events
    events.session({ session: 's1', lastActivity: 5 })
    return { session: 's1', lastActivity: 5 }
  }
  async track(event: DraftEvent): Promise<void> {
    if (!event.item) throw new InvalidEventError('invalid event (item: missing)')
    this.tracked.push(event)
    this.events?.settled([event.id])
    this.events?.change({ reason: 'trail' })
  }
  rerank(items: string[], debug = false): Ranked[] {
    const ranked = [...items].reverse().map((item, i): Ranked => ({ item, score: i, reasons: [{ from: 'P0', via: 'next', count: i, total: 9, weight: 1 }] }))
    const session = { durationMs: 1, interactions: 1, distinctItems: 1, recentCategories: [] }
    return debug ? ranked.map((r) => ({ ...r, features: { clicks10m: 2, session } })) : ranked
  }
  recommend(k: number): Ranked[] {
    return this.rerank(['P8', 'P9']).slice(0, k)
  }
  trail(): string[] {
    return ['P0']
  }
  profile(): SessionProfile {
    return { items: 1, categories: { lamps: 1 } }
  }
  async flush(): Promise<void> {}
  consents: Consent[] = []
  async consent(state: Consent): Promise<void> {
    this.consents.push(state)
  }
  async stats(): Promise<SdkStats> {
    return { sent: 3, acknowledged: 2, dropped: { full: 1, refused: 0, consent: 0, quota: 0 }, retries: 0, storage: 'memory', consent: 'granted' }
  }
}

const open: MessagePort[] = []
afterEach(() => {
  for (const port of open.splice(0)) port.close()
})

function setup() {
  const { port1, port2 } = new MessageChannel()
  open.push(port1, port2)
  const worker = new FixedWorker()
  serveWorker(port2, worker)
  const heard: { sessions: SessionInfo[]; settled: string[]; changes: ChangeInfo[] } = { sessions: [], settled: [], changes: [] }
  const client = connect<WorkerRpc, WorkerEvents>(port1, {
    session: (info) => heard.sessions.push(info),
    settled: (ids) => heard.settled.push(...ids),
    change: (change) => heard.changes.push(change),
  })
  port1.start()
  port2.start()
  return { client, worker, heard }
}

describe('serveWorker', () => {
  it('starts the worker with events that reach the loader as notices', async () => {
    const { client, heard } = setup()
    expect(await client.call('start', { site: 'demo', endpoint: 'https://sq.test', debug: false })).toEqual({ session: 's1', lastActivity: 5 })
    await client.call('track', { id: 'e1', type: 'click', item: 'P1', ts: 1 })
    expect(heard).toEqual({ sessions: [{ session: 's1', lastActivity: 5 }], settled: ['e1'], changes: [{ reason: 'trail' }] })
  })

  it('answers rerank packed, which unpacks to what the worker ranked, with and without debug', async () => {
    const { client, worker } = setup()
    const items = ['P1', 'P2', 'P3']
    expect(unpackRanking(items, await client.call('rerank', items, false))).toEqual(worker.rerank(items))
    expect(unpackRanking(items, await client.call('rerank', items, true))).toEqual(worker.rerank(items, true))
  })

  it('passes the other calls through', async () => {
    const { client, worker } = setup()
    expect(await client.call('recommend', 1)).toEqual(worker.recommend(1))
    expect(await client.call('trail')).toEqual(['P0'])
    expect(await client.call('profile')).toEqual({ items: 1, categories: { lamps: 1 } })
    expect(await client.call('flush')).toBeUndefined()
    expect(await client.call('stats')).toEqual(await worker.stats())
    client.send('consent', 'denied')
    expect(await client.call('consent', 'granted')).toBeUndefined()
    expect(worker.consents).toEqual(['denied', 'granted'])
  })

  it('carries the name of a worker error to the loader', async () => {
    const { client } = setup()
    await expect(client.call('track', { id: 'e2', type: 'click', ts: 1 })).rejects.toMatchObject({ name: 'InvalidEventError' })
  })

  it('takes track one way, and reports an event that can never be valid as settled (the loader stops holding it)', async () => {
    const { client, worker, heard } = setup()
    client.send('track', { id: 'e3', type: 'click', item: 'P3', ts: 1 })
    client.send('track', { id: 'e4', type: 'click', ts: 1 })
    // A call after them answers after them: both one-way calls have been handled by then.
    await client.call('trail')
    await new Promise((resolve) => setTimeout(resolve, 10))
    expect(worker.tracked.map((e) => e.id)).toEqual(['e3'])
    expect(heard.settled).toEqual(['e4'])
  })
})

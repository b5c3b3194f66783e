import { describe, expect, it } from 'vitest'
import type { ModelRow } from '../protocol'
import type { WorkerEvents } from '../shared'
import { FakeClock } from './fake-clock'
import { FakeSocket } from './fake-socket'
import { memoryStorage } from './memory-storage'
import { SequiturWorker } from './sequitur-worker'
import type { Storage } from './storage'

const events: WorkerEvents = { session: () => {}, settled: () => {}, change: () => {} }

/** A worker whose session clicked P1, so it subscribes to P1's row on its stream. */
async function setup(storage: Storage = memoryStorage()) {
  const clock = new FakeClock(1_000_000)
  const sockets: FakeSocket[] = []
  const worker = new SequiturWorker({
    clock,
    newId: () => 'session-1',
    transport: { post: async () => ({ status: 202, retryAfter: null, date: null }) },
    openSocket: (_url, handlers) => {
      const socket = new FakeSocket(handlers)
      sockets.push(socket)
      return socket
    },
    getJson: async () => undefined,
    openStorage: async () => storage,
    channel: () => undefined,
  })
  await worker.start({ site: 'demo', endpoint: 'https://sq.test', debug: false }, events)
  await worker.track({ id: 'e1', type: 'click', item: 'P1', ts: 1_000_000 })
  const socket = () => sockets.at(-1)!
  socket().handlers.open()
  /** The item P1's row ranks first now. */
  const first = () => worker.rerank(['P2', 'P9', 'P8'])[0]!.item
  /** The cursor stored with the session, once the queued writes are done. */
  const stored = async () => (await worker.stats(), (await storage.read())?.meta.cursor)
  return { clock, sockets, socket, first, stored }
}

/** A `rows` message for P1 whose likeliest next item is `next`. */
const rows = (next: string, cursor: string, partition?: number, epoch?: string) => ({
  type: 'rows',
  site: 'demo',
  version: 0,
  cursor,
  ...(epoch === undefined ? {} : { epoch }),
  ...(partition === undefined ? {} : { partition }),
  rows: { P1: { total: 5, next: [[next, 5]] } satisfies ModelRow },
})

describe('SequiturWorker stream cursor', () => {
  it('applies an answer, then a pushed change only past the held cursor in its partition; merges and stores the cursor', async () => {
    const { socket, first, stored } = await setup()
    expect(socket().sent).toEqual([{ type: 'subscribe', site: 'demo', items: ['P1'] }])
    socket().push(rows('P9', '5.0.8'))
    expect(first()).toBe('P9')
    expect(await stored()).toBe('5.0.8')
    // Not past 8 in partition 2: a change it holds already.
    socket().push(rows('P2', '5.0.8', 2))
    expect(first()).toBe('P9')
    socket().push(rows('P2', '5.0.9', 2))
    expect(first()).toBe('P2')
    expect(await stored()).toBe('5.0.9')
  })

  it('resumes on another edge with its cursor; an answer of a lagging edge applies, its older pushes do not', async () => {
    const { clock, sockets, socket, first, stored } = await setup()
    socket().push(rows('P9', '5.0.8'))
    socket().handlers.close()
    await clock.advance(60_000)
    expect(sockets).toHaveLength(2)
    socket().handlers.open()
    expect(socket().sent).toEqual([{ type: 'subscribe', site: 'demo', items: ['P1'], cursor: '5.0.8' }])
    // This edge is behind on partition 0, ahead on partition 1: the answer (changes at or past the
    // cursor, none here for P1) applies and the cursors merge element-wise.
    socket().push({ ...rows('P9', '3.4.2'), rows: {} })
    expect(await stored()).toBe('5.4.8')
    socket().push(rows('P8', '4.4.2', 0))
    expect(first()).toBe('P9')
    socket().push(rows('P8', '6.4.2', 0))
    expect(first()).toBe('P8')
    expect(await stored()).toBe('6.4.8')
  })

  it('keeps the epoch with its cursor: resumes with both, and takes another rows log\'s cursor as is', async () => {
    const { clock, sockets, socket, first, stored } = await setup()
    socket().push(rows('P9', '5.0.8', undefined, 'k7'))
    expect(await stored()).toBe('k7:5.0.8')
    socket().push(rows('P2', '5.0.8', 2, 'k7'))
    expect(first()).toBe('P9')
    socket().handlers.close()
    await clock.advance(60_000)
    socket().handlers.open()
    expect(sockets).toHaveLength(2)
    expect(socket().sent).toEqual([{ type: 'subscribe', site: 'demo', items: ['P1'], cursor: '5.0.8', epoch: 'k7' }])
    // The edge serves another rows topic (a new prefix): its answer is every row, its cursor lower;
    // it replaces the held one instead of merging with offsets of another log.
    socket().push(rows('P8', '2.1.0', undefined, 'q2'))
    expect(first()).toBe('P8')
    expect(await stored()).toBe('q2:2.1.0')
    // Its pushes count against its own offsets: 3 is past 2 in partition 0.
    socket().push(rows('P2', '3.1.0', 0, 'q2'))
    expect(first()).toBe('P2')
    expect(await stored()).toBe('q2:3.1.0')
  })

  it('takes a session stored with a protocol 1 version as holding no cursor: it asks for full rows', async () => {
    const storage = memoryStorage({ meta: { session: 'session-1', lastActivity: 1_000_000, version: 7 } as never, trail: [] })
    const { socket, stored } = await setup(storage)
    expect(socket().sent).toEqual([{ type: 'subscribe', site: 'demo', items: ['P1'] }])
    socket().push(rows('P9', '12'))
    expect(await stored()).toBe('12')
  })

  it('without a cursor (a protocol 1 server) applies every message', async () => {
    const { socket, first } = await setup()
    socket().push({ type: 'rows', site: 'demo', version: 3, rows: { P1: { total: 1, next: [['P9', 1]] } } })
    socket().push({ type: 'rows', site: 'demo', version: 2, rows: { P1: { total: 1, next: [['P2', 1]] } } })
    expect(first()).toBe('P2')
  })
})

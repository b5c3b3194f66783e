import { describe, expect, it } from 'vitest'
import type { Consent } from '../api'
import type { Batch } from '../protocol'
import type { DraftEvent, WorkerEvents } from '../shared'
import { decode } from './codec'
import { FakeClock } from './fake-clock'
import { FakeSocket } from './fake-socket'
import { memoryStorage } from './memory-storage'
import type { HttpAnswer } from './ports'
import { SequiturWorker } from './sequitur-worker'
import type { Storage } from './storage'

const events: WorkerEvents = { session: () => {}, settled: () => {}, change: () => {} }
let n = 0
const click = (item: string): DraftEvent => ({ id: `e${++n}`, type: 'click', item, ts: 1_000_000 })

interface SetupOptions {
  consent?: Consent
  storage?: () => Promise<Storage>
  maxQueued?: number
  serverAhead?: number
  key?: string
  channel?: (name: string, heard: () => void) => (() => void) | undefined
  /** What a GET answers, by URL. */
  answer?: (url: string) => unknown
}

function setup(options: SetupOptions = {}) {
  const clock = new FakeClock(1_000_000)
  const posted: Batch[] = []
  const sockets: FakeSocket[] = []
  const urls: string[] = []
  const worker = new SequiturWorker({
    clock,
    newId: () => 'session-1',
    transport: {
      async post(url, body): Promise<HttpAnswer> {
        urls.push(url)
        posted.push(decode(body) as Batch)
        const date = options.serverAhead === undefined ? null : new Date(clock.now() + options.serverAhead).toUTCString()
        return { status: 202, retryAfter: null, date }
      },
    },
    openSocket: (url, handlers) => {
      urls.push(url)
      const socket = new FakeSocket(handlers)
      sockets.push(socket)
      return socket
    },
    getJson: async (url) => (urls.push(url), options.answer?.(url)),
    openStorage: options.storage ?? (async () => memoryStorage()),
    maxQueued: options.maxQueued,
    channel: options.channel ?? (() => undefined),
  })
  const start = () => worker.start({ site: 'demo', endpoint: 'https://sq.test', debug: false, consent: options.consent, key: options.key }, events)
  const sentIds = () => posted.flatMap((batch) => batch.events.map((event) => event.id))
  return { clock, worker, posted, sockets, urls, start, sentIds }
}

/** Rows that make P9 the likely next item after P1. */
const rows = { type: 'rows', site: 'demo', version: 3, rows: { P1: { total: 5, next: [['P9', 5]] } } }

describe('SequiturWorker consent', () => {
  it('denied: personalizes from the trail and rows, sends no event, and nothing it sends names the visitor', async () => {
    const { clock, worker, posted, sockets, urls, start } = setup({ consent: 'denied' })
    await start()
    await worker.track(click('P1'))
    await clock.advance(1000)
    await worker.flush()
    expect(worker.trail()).toEqual(['P1'])
    sockets[0]!.handlers.open()
    sockets[0]!.push(rows)
    expect(worker.rerank(['P2', 'P9']).map((r) => r.item)).toEqual(['P9', 'P2'])
    expect(worker.recommend(1).map((r) => r.item)).toEqual(['P9'])
    expect(posted).toEqual([])
    // The stream and the trending fetch carry the site and items only.
    for (const message of sockets[0]!.sent) expect(Object.keys(message).sort()).toEqual(['items', 'site', 'type'])
    expect(JSON.stringify([urls, sockets[0]!.sent])).not.toContain('session-1')
    expect(await worker.stats()).toMatchObject({ sent: 0, consent: 'denied', storage: 'memory' })
  })

  it('pending: events wait on the device and are sent on grant', async () => {
    const { clock, worker, start, sentIds } = setup({ consent: 'pending' })
    await start()
    const a = click('P1')
    const b = click('P2')
    await worker.track(a)
    await worker.track(b)
    await clock.advance(5000)
    await worker.flush()
    expect(sentIds()).toEqual([])
    await worker.consent('granted')
    await clock.advance(500)
    expect(sentIds()).toEqual([a.id, b.id])
    expect(await worker.stats()).toMatchObject({ sent: 2, acknowledged: 2, consent: 'granted' })
  })

  it('pending then denied: what waited is deleted and counted; later events stay local', async () => {
    const { clock, worker, start, sentIds } = setup({ consent: 'pending' })
    await start()
    await worker.track(click('P1'))
    await worker.track(click('P2'))
    await worker.consent('denied')
    await worker.track(click('P3'))
    await clock.advance(60_000)
    expect(sentIds()).toEqual([])
    expect(worker.trail()).toEqual(['P1', 'P2', 'P3'])
    const stats = await worker.stats()
    expect(stats.dropped.consent).toBe(2)
    // Granting later sends only what is tracked from then on.
    await worker.consent('granted')
    const d = click('P4')
    await worker.track(d)
    await clock.advance(1000)
    expect(sentIds()).toEqual([d.id])
  })

  it('granted (the default): sends as before', async () => {
    const { clock, worker, start, sentIds } = setup()
    await start()
    const a = click('P1')
    await worker.track(a)
    await clock.advance(500)
    expect(sentIds()).toEqual([a.id])
    expect(await worker.stats()).toMatchObject({ consent: 'granted', storage: 'memory' })
  })
})

/** Memory storage whose first write of an event for `item` fails as a full disk would. */
function quotaOnce(item: string): Storage {
  const storage = memoryStorage()
  const record = storage.record
  let full = true
  storage.record = (event, touch, queue) => {
    if (!full || !('item' in event) || event.item !== item) return record(event, touch, queue)
    full = false
    return Promise.reject(new DOMException('full', 'QuotaExceededError'))
  }
  return storage
}

describe('SequiturWorker storage faults', () => {
  it('falls back to memory when the storage fails to open, and still personalizes and sends', async () => {
    const { clock, worker, sockets, start, sentIds } = setup({ storage: () => Promise.reject(new DOMException('blocked', 'InvalidStateError')) })
    await start()
    const a = click('P1')
    await worker.track(a)
    sockets[0]!.handlers.open()
    sockets[0]!.push(rows)
    expect(worker.rerank(['P2', 'P9']).map((r) => r.item)).toEqual(['P9', 'P2'])
    await clock.advance(500)
    expect(sentIds()).toEqual([a.id])
    expect((await worker.stats()).storage).toBe('memory')
  })

  it('falls back to memory when the first read of the session never answers (a stalled IndexedDB)', async () => {
    const stalled = memoryStorage()
    stalled.open = () => new Promise(() => {})
    const { clock, worker, start, sentIds } = setup({ storage: async () => stalled })
    const started = start()
    await clock.advance(3000)
    await started
    const a = click('P1')
    await worker.track(a)
    expect(worker.trail()).toEqual(['P1'])
    await clock.advance(500)
    expect(sentIds()).toEqual([a.id])
    expect((await worker.stats()).storage).toBe('memory')
  })

  it('quota exceeded on write: drops the older half of the unsent events, counts them and stores the event', async () => {
    const storage = quotaOnce('P9')
    const { clock, worker, start, sentIds } = setup({ storage: async () => storage, consent: 'pending', maxQueued: 8 })
    await start()
    const early = [click('P0'), click('P1'), click('P2'), click('P3')]
    for (const event of early) await worker.track(event)
    const last = click('P9')
    await worker.track(last)
    expect(worker.trail().at(-1)).toBe('P9')
    // Half of the four waiting went, though the bound (8) was far: the storage, not the outbox, was full.
    expect((await worker.stats()).dropped.quota).toBe(2)
    await worker.consent('granted')
    await clock.advance(500)
    expect(sentIds()).toEqual([early[2]!, early[3]!, last].map((event) => event.id))
  })

  it('quota exceeded again after making room: the event is dropped and counted, never lost uncounted', async () => {
    const storage = memoryStorage()
    const record = storage.record
    storage.record = (event, touch, queue) =>
      'item' in event && event.item === 'P9' ? Promise.reject(new DOMException('full', 'QuotaExceededError')) : record(event, touch, queue)
    const { worker, start } = setup({ storage: async () => storage, consent: 'pending' })
    await start()
    await worker.track(click('P0'))
    await expect(worker.track(click('P9'))).rejects.toThrow(/storing the event failed/)
    // The one waiting (P0) made room (0 of 1 kept), and the event that still did not fit counts too.
    expect((await worker.stats()).dropped.quota).toBe(2)
  })

  it('quota exceeded with a full outbox: the oldest unsent events make room and are counted', async () => {
    const storage = quotaOnce('P9')
    const { clock, worker, start, sentIds } = setup({ storage: async () => storage, consent: 'pending', maxQueued: 4 })
    await start()
    const early = [click('P0'), click('P1'), click('P2'), click('P3')]
    for (const event of early) await worker.track(event)
    const last = click('P9')
    await worker.track(last)
    expect((await worker.stats()).dropped.quota).toBe(2)
    await worker.consent('granted')
    await clock.advance(500)
    expect(sentIds()).toEqual([early[2]!, early[3]!, last].map((event) => event.id))
  })
})

describe('SequiturWorker clock', () => {
  it('stamps events by the server clock once an answer told it, when the device is hours off', async () => {
    const { clock, worker, posted, start } = setup({ serverAhead: 3 * 3_600_000 })
    await start()
    await worker.track({ ...click('P1'), ts: clock.now() })
    await clock.advance(500)
    await worker.track({ ...click('P2'), ts: clock.now() })
    await clock.advance(500)
    const [first, second] = posted.flatMap((batch) => batch.events)
    expect(first!.ts).toBe(1_000_000)
    // The Date header is whole seconds: within a second of the server's time.
    expect(Math.abs(second!.ts - (1_000_500 + 3 * 3_600_000))).toBeLessThan(1000)
  })

  it('leaves the device time alone when the clocks agree', async () => {
    const { clock, worker, posted, start } = setup({ serverAhead: 0 })
    await start()
    await worker.track({ ...click('P1'), ts: clock.now() })
    await clock.advance(500)
    await worker.track({ ...click('P2'), ts: clock.now() })
    await clock.advance(500)
    expect(posted.flatMap((batch) => batch.events).map((event) => event.ts)).toEqual([1_000_000, 1_000_500])
  })
})

describe('SequiturWorker write key', () => {
  it('sends the key in every batch body and in the stream and trending queries', async () => {
    const { clock, worker, posted, urls, start } = setup({ key: 'k/1' })
    await start()
    await worker.track(click('P1'))
    await clock.advance(500)
    expect(posted[0]).toMatchObject({ site: 'demo', key: 'k/1' })
    expect(urls).toContain('wss://sq.test/v1/stream?key=k%2F1')
    expect(urls).toContain('https://sq.test/v1/trending?site=demo&limit=200&key=k%2F1')
  })

  it('sends no key field when there is none', async () => {
    const { clock, worker, posted, start } = setup()
    await start()
    await worker.track(click('P1'))
    await clock.advance(500)
    expect(Object.keys(posted[0]!).sort()).toEqual(['events', 'site'])
  })
})

describe('SequiturWorker tabs', () => {
  it("a tab adopts the trail another tab of the site wrote, as soon as it tells", async () => {
    // One storage and one channel for both: what IndexedDB and BroadcastChannel are across tabs.
    const storage = memoryStorage()
    const listeners: Array<() => void> = []
    const channel = (_name: string, heard: () => void) => {
      listeners.push(heard)
      return () => listeners.filter((l) => l !== heard).forEach((l) => l())
    }
    const a = setup({ storage: async () => storage, channel })
    const b = setup({ storage: async () => storage, channel })
    await a.start()
    await b.start()
    await a.worker.track(click('P1'))
    await b.worker.track(click('P2'))
    await a.worker.track(click('P3'))
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(a.worker.trail()).toEqual(['P1', 'P2', 'P3'])
    expect(b.worker.trail()).toEqual(['P1', 'P2', 'P3'])
  })
})

describe('SequiturWorker: the site\'s parameters', () => {
  it('ranks with the parameters of GET /v1/model once they arrive, and keeps the defaults without them', async () => {
    const params = { depth: 5, decay: 0.4, repeat: 1, repeatDecay: 0.5, repeatPrior: 2 }
    const answer = (url: string) => (url.startsWith('https://sq.test/v1/model?site=demo') ? { params, validated: null } : undefined)
    const validated = setup({ answer })
    const plain = setup()
    for (const { worker, sockets, start, clock } of [validated, plain]) {
      await start()
      await clock.advance(10)
      await worker.track(click('P1'))
      sockets[0]!.handlers.open()
      sockets[0]!.push(rows)
    }
    // All weight on the repeat channel: the session's own P1 beats the row's P9.
    expect(validated.worker.rerank(['P9', 'P1']).map((r) => r.item)).toEqual(['P1', 'P9'])
    expect(plain.worker.rerank(['P9', 'P1']).map((r) => r.item)).toEqual(['P9', 'P1'])
    expect(validated.urls).toContain('https://sq.test/v1/model?site=demo')
  })
})

describe('SequiturWorker: the second hop', () => {
  it('subscribes to the last item’s hubs once its row arrives, and ranks what their rows name', async () => {
    const params = { depth: 5, decay: 0.4, repeat: 0, repeatDecay: 0.5, repeatPrior: 2, hop: 0.3 }
    const { worker, sockets, start, clock } = setup({ answer: (url) => (url.includes('/v1/model') ? { params, validated: null } : undefined) })
    await start()
    await clock.advance(10)
    await worker.track(click('P1'))
    sockets[0]!.handlers.open()
    const subscribed = () => sockets[0]!.sent.flatMap((m) => ((m as { type: string }).type === 'subscribe' ? (m as { items: string[] }).items : []))
    expect(subscribed()).toEqual(['P1'])
    sockets[0]!.push({ type: 'rows', site: 'demo', version: 3, rows: { P1: { total: 4, next: [], related: { total: 4, items: [['H1', 3], ['H2', 1]] } } } })
    expect(subscribed()).toEqual(['P1', 'H1', 'H2'])
    // P7 is in no row of the session: only the hub's row names it, and that row has not arrived yet.
    expect(worker.rerank(['P8', 'P7']).map((r) => r.item)).toEqual(['P8', 'P7'])
    sockets[0]!.push({ type: 'rows', site: 'demo', version: 4, rows: { H1: { total: 2, next: [['P7', 2]] } } })
    const ranked = worker.rerank(['P8', 'P7'])
    expect(ranked.map((r) => r.item)).toEqual(['P7', 'P8'])
    expect(ranked[0]!.reasons).toEqual([{ from: 'H1', via: 'related', count: 2, total: 2, weight: 0.3 * 0.75 }])
  })
})

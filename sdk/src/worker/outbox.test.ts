import { describe, expect, it } from 'vitest'
import type { Batch, Event } from '../protocol'
import { decode, encode } from './codec'
import { FakeClock, settle } from './fake-clock'
import { Outbox, type OutboxEntry, type OutboxStore } from './outbox'
import type { HttpAnswer, HttpTransport } from './ports'
import { trimEntries } from './trim'

class MemoryStore implements OutboxStore {
  entries: OutboxEntry[] = []
  #key = 0

  add(...events: Event[]): void {
    for (const event of events) this.entries.push({ key: ++this.#key, event })
  }

  async head(limit: number): Promise<OutboxEntry[]> {
    return this.entries.slice(0, limit)
  }

  async remove(keys: number[]): Promise<void> {
    this.entries = this.entries.filter((entry) => !keys.includes(entry.key))
  }

  async clear(): Promise<number> {
    const count = this.entries.length
    this.entries = []
    return count
  }

  async trim(maxEvents: number, maxBytes: number): Promise<number> {
    const drop = trimEntries(this.entries.map((entry) => entry.event), maxEvents, maxBytes)
    this.entries = this.entries.slice(drop)
    return drop
  }
}

/** Answers POSTs from a script (`'offline'` rejects like a network error), then with 202. */
class ScriptedTransport implements HttpTransport {
  batches: Batch[] = []
  script: Array<HttpAnswer | 'offline'> = []

  async post(_url: string, body: Uint8Array, contentType: string): Promise<HttpAnswer> {
    expect(contentType).toBe('application/msgpack')
    const answer = this.script.shift() ?? { status: 202, retryAfter: null }
    if (answer === 'offline') throw new TypeError('Failed to fetch')
    this.batches.push(decode(body) as Batch)
    return answer
  }

  get ids(): string[] {
    return this.batches.flatMap((batch) => batch.events.map((event) => event.id))
  }
}

const click = (n: number): Event => ({ id: `e${n}`, type: 'click', item: `P${n}`, session: 's1', ts: 1000 + n })
const clicks = (from: number, count: number) => Array.from({ length: count }, (_, i) => click(from + i))

function setup(options: { maxBytes?: number; maxQueued?: number; maxQueuedBytes?: number; held?: boolean; key?: string } = {}) {
  const clock = new FakeClock(1_000_000)
  const store = new MemoryStore()
  const transport = new ScriptedTransport()
  const settled: string[] = []
  const outbox = new Outbox({
    url: 'https://sq.test/v1/events',
    site: 'demo',
    store,
    transport,
    clock,
    encode,
    onSettled: (ids) => settled.push(...ids),
    backoff: { random: () => 0 },
    ...options,
  })
  const queue = (...events: Event[]) => {
    store.add(...events)
    outbox.queued(events.length)
  }
  return { clock, store, transport, settled, outbox, queue }
}

describe('Outbox', () => {
  it('sends one batch about 500 ms after the first queued event', async () => {
    const { clock, store, transport, settled, queue } = setup()
    queue(click(1))
    await clock.advance(200)
    queue(click(2))
    await clock.advance(299)
    expect(transport.batches).toHaveLength(0)
    await clock.advance(1)
    expect(transport.batches).toEqual([{ site: 'demo', events: [click(1), click(2)] }])
    expect(settled).toEqual(['e1', 'e2'])
    expect(store.entries).toEqual([])
  })

  it('sends at once when 50 events are queued, never more than 50 a batch', async () => {
    const { transport, store, queue } = setup()
    queue(...clicks(0, 120))
    await settle()
    expect(transport.batches.map((batch) => batch.events.length)).toEqual([50, 50, 20])
    expect(store.entries).toEqual([])
  })

  it('never builds a batch past the bytes limit', async () => {
    const { transport, outbox, queue } = setup({ maxBytes: 200 })
    queue(...clicks(0, 10))
    await outbox.flush()
    expect(transport.batches.length).toBeGreaterThan(1)
    for (const batch of transport.batches) expect(encode(batch).byteLength).toBeLessThanOrEqual(200 + 64)
    expect(transport.ids).toEqual(clicks(0, 10).map((event) => event.id))
  })

  it('keeps events through server errors and retries with growing delays', async () => {
    const { clock, store, transport, settled, queue } = setup()
    transport.script = [{ status: 503, retryAfter: null }, 'offline', { status: 500, retryAfter: null }]
    queue(click(1))
    await clock.advance(500)
    expect(store.entries).toHaveLength(1)
    expect(clock.nextDelay).toBe(250)
    await clock.advance(250)
    expect(clock.nextDelay).toBe(500)
    await clock.advance(500)
    expect(clock.nextDelay).toBe(1000)
    expect(transport.batches).toHaveLength(2)
    expect(settled).toEqual([])
    await clock.advance(1000)
    expect(transport.ids).toEqual(['e1', 'e1', 'e1'])
    expect(settled).toEqual(['e1'])
    expect(store.entries).toEqual([])
  })

  it('waits as long as Retry-After asks', async () => {
    const { clock, transport, queue } = setup()
    transport.script = [{ status: 429, retryAfter: '3' }]
    queue(click(1))
    await clock.advance(500)
    await clock.advance(2999)
    expect(transport.batches).toHaveLength(1)
    await clock.advance(1)
    expect(transport.batches).toHaveLength(2)
  })

  it('keeps one retry outstanding through a storm of 429s, however many events are queued', async () => {
    const { clock, transport, store, queue } = setup()
    transport.script = Array.from({ length: 20 }, () => ({ status: 429, retryAfter: '2' }))
    queue(click(1))
    await clock.advance(500)
    for (let round = 0; round < 20; round++) {
      queue(...clicks(100 + 10 * round, 10))
      expect(clock.pending).toBe(1)
      await clock.advance(2000)
    }
    for (let i = 0; i < 40 && transport.script.length > 0; i++) await clock.advance(30_000)
    await clock.advance(30_000)
    // One POST at a time, each after its Retry-After at least (later as the back-off grows): the 20
    // refusals were 20 tries of the first batch; then it and the 200 events queued meanwhile are
    // sent, each event accepted once.
    expect(transport.ids.filter((id) => id === 'e1')).toHaveLength(21)
    const accepted = transport.batches.slice(20).flatMap((b) => b.events.map((e) => e.id))
    expect(new Set(accepted).size).toBe(201)
    expect(accepted).toHaveLength(201)
    expect(store.entries).toEqual([])
  })

  it('sends the site and its write key with every batch', async () => {
    const { clock, transport, queue } = setup({ key: 'pk_shop' })
    queue(click(1))
    await clock.advance(500)
    expect(transport.batches[0]).toMatchObject({ site: 'demo', key: 'pk_shop' })
    const plain = setup()
    plain.queue(click(2))
    await plain.clock.advance(500)
    expect('key' in plain.transport.batches[0]!).toBe(false)
  })

  it('holds new events while backing off', async () => {
    const { clock, transport, queue } = setup()
    transport.script = [{ status: 503, retryAfter: '10' }]
    queue(click(1))
    await clock.advance(500)
    queue(...clicks(2, 60))
    await clock.advance(9000)
    expect(transport.batches).toHaveLength(1)
    await clock.advance(1000)
    expect(transport.ids.slice(1)).toEqual(['e1', ...clicks(2, 60).map((event) => event.id)])
  })

  it('drops a batch the server can never accept and goes on with the next', async () => {
    const { store, transport, settled, outbox, queue } = setup()
    transport.script = [{ status: 400, retryAfter: null }]
    queue(...clicks(0, 60))
    await outbox.flush()
    expect(transport.batches.map((batch) => batch.events.length)).toEqual([50, 10])
    expect(settled).toHaveLength(60)
    expect(store.entries).toEqual([])
  })

  it('flushes at once, even while backing off, and resolves after a failed attempt', async () => {
    const { clock, store, transport, outbox, queue } = setup()
    transport.script = [{ status: 503, retryAfter: '60' }, { status: 503, retryAfter: '60' }]
    queue(click(1))
    await outbox.flush()
    expect(transport.batches).toHaveLength(1)
    await outbox.flush()
    expect(transport.batches).toHaveLength(2)
    expect(store.entries).toHaveLength(1)
    await outbox.flush()
    expect(store.entries).toEqual([])
    expect(clock.pending).toBe(0)
  })

  it('sends what an earlier page left behind', async () => {
    const { clock, store, transport, outbox } = setup()
    store.add(click(1), click(2))
    outbox.resume()
    await clock.advance(500)
    expect(transport.ids).toEqual(['e1', 'e2'])
  })

  it('picks up events queued while a batch is in flight', async () => {
    const { clock, transport, store, outbox, queue } = setup()
    queue(click(1))
    const flushing = outbox.flush()
    queue(click(2))
    await flushing
    await clock.advance(1000)
    expect(transport.ids).toEqual(['e1', 'e2'])
    expect(store.entries).toEqual([])
  })

  it('keeps at most maxQueued events while the endpoint is blocked: the oldest dropped and counted, one retry timer, delays capped', async () => {
    const { clock, store, transport, outbox, queue } = setup({ maxQueued: 100 })
    for (let n = 0; n < 1000; n++) {
      transport.script.push('offline')
      queue(click(n))
      await settle()
      expect(clock.pending).toBeLessThanOrEqual(1)
    }
    await settle()
    expect(store.entries.length).toBeLessThanOrEqual(110)
    // The newest are kept.
    expect(store.entries.at(-1)!.event.id).toBe('e999')
    for (let i = 0; i < 30; i++) {
      transport.script.push('offline')
      await clock.advance(clock.nextDelay ?? 0)
      expect(clock.pending).toBe(1)
      expect(clock.nextDelay!).toBeLessThanOrEqual(30_000)
    }
    const stats = outbox.stats()
    expect(stats.dropped.full).toBe(1000 - store.entries.length)
    expect(stats.acknowledged).toBe(0)
    expect(stats.retries).toBeGreaterThan(30)
  })

  it('bounds the bytes kept too', async () => {
    const { store, outbox } = setup({ maxQueuedBytes: 10 * JSON.stringify(click(100)).length })
    store.add(...clicks(100, 50))
    outbox.resume()
    await settle()
    expect(store.entries.map((entry) => entry.event.id)).toEqual(clicks(140, 10).map((event) => event.id))
    expect(outbox.stats().dropped.full).toBe(40)
  })

  it('counts what it sent, what was acknowledged and what the server refused', async () => {
    const { clock, transport, outbox, queue } = setup()
    transport.script.push({ status: 503, retryAfter: null }, { status: 202, retryAfter: null }, { status: 400, retryAfter: null })
    queue(click(1), click(2))
    await clock.advance(500)
    expect(outbox.stats()).toMatchObject({ sent: 2, acknowledged: 0, retries: 1 })
    await clock.advance(clock.nextDelay!)
    queue(click(3))
    await clock.advance(500)
    expect(outbox.stats()).toEqual({ sent: 5, acknowledged: 2, dropped: { full: 0, refused: 1, consent: 0, quota: 0 }, retries: 0 })
  })

  it('held (consent pending), sends nothing, not even on flush; released, sends what waited', async () => {
    const { clock, transport, outbox, queue, store } = setup({ held: true })
    queue(click(1), click(2))
    await clock.advance(10_000)
    await outbox.flush()
    expect(transport.batches).toHaveLength(0)
    expect(clock.pending).toBe(0)
    outbox.hold(false)
    await clock.advance(500)
    expect(transport.ids).toEqual(['e1', 'e2'])
    expect(store.entries).toEqual([])
  })

  it('discards what waited when consent is denied, counting it, and stops retrying', async () => {
    const { clock, transport, outbox, queue, store } = setup()
    transport.script.push('offline')
    queue(click(1), click(2))
    await clock.advance(500)
    expect(clock.pending).toBe(1)
    outbox.hold(true)
    await outbox.discard('consent')
    expect(clock.pending).toBe(0)
    expect(store.entries).toEqual([])
    expect(outbox.stats().dropped.consent).toBe(2)
    await clock.advance(60_000)
    expect(transport.batches).toHaveLength(0)
  })

  it('two tabs sharing one store and one lock: one sends at a time and no event is sent twice', async () => {
    const clock = new FakeClock(1_000_000)
    const store = new MemoryStore()
    const transport = new ScriptedTransport()
    let inFlight = 0
    let most = 0
    const slow: HttpTransport = {
      async post(url, body, type) {
        most = Math.max(most, ++inFlight)
        await new Promise((resolve) => setTimeout(resolve, 5))
        inFlight--
        return transport.post(url, body, type)
      },
    }
    let lock: Promise<unknown> = Promise.resolve()
    const exclusive = <T>(run: () => Promise<T>): Promise<T> => {
      const next = lock.then(run)
      lock = next.catch(() => {})
      return next
    }
    const tab = () => new Outbox({ url: 'https://sq.test/v1/events', site: 'demo', store, transport: slow, clock, encode, onSettled: () => {}, exclusive })
    const [a, b] = [tab(), tab()]
    store.add(...clicks(0, 120))
    await Promise.all([a.flush(), b.flush(), a.flush()])
    expect(most).toBe(1)
    expect(transport.ids).toEqual(clicks(0, 120).map((event) => event.id))
    expect(store.entries).toEqual([])
  })
})

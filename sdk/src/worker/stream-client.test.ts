import { describe, expect, it } from 'vitest'
import type { RowsMessage } from '../protocol'
import { decode, encode } from './codec'
import { FakeClock } from './fake-clock'
import { FakeSocket } from './fake-socket'
import { StreamClient } from './stream-client'

function setup() {
  const clock = new FakeClock()
  const sockets: FakeSocket[] = []
  const held = new Set<string>()
  const received: RowsMessage[] = []
  let cursor: string | undefined
  const client = new StreamClient({
    url: 'wss://sq.test/v1/stream',
    site: 'demo',
    clock,
    encode,
    decode,
    openSocket: (url, handlers) => {
      expect(url).toBe('wss://sq.test/v1/stream')
      const socket = new FakeSocket(handlers)
      sockets.push(socket)
      return socket
    },
    held: (item) => held.has(item),
    resume: () => (cursor === undefined ? undefined : { cursor }),
    onRows: (message) => {
      received.push(message)
      cursor = message.cursor ?? cursor
      for (const [item, row] of Object.entries(message.rows)) row ? held.add(item) : held.delete(item)
    },
    backoff: { random: () => 0 },
  })
  const last = () => sockets[sockets.length - 1]!
  return { clock, sockets, held, received, client, last }
}

describe('StreamClient', () => {
  it('connects only once the session wants a row, and subscribes on open', () => {
    const { sockets, client, last } = setup()
    client.want([])
    expect(sockets).toHaveLength(0)
    client.want(['a', 'b'])
    expect(sockets).toHaveLength(1)
    last().handlers.open()
    expect(last().sent).toEqual([{ type: 'subscribe', site: 'demo', items: ['a', 'b'] }])
  })

  it('subscribes to new items and unsubscribes from dropped ones while open', () => {
    const { client, last } = setup()
    client.want(['a', 'b'])
    last().handlers.open()
    client.want(['c', 'a'])
    expect(last().sent.slice(1)).toEqual([
      { type: 'unsubscribe', site: 'demo', items: ['b'] },
      { type: 'subscribe', site: 'demo', items: ['c'] },
    ])
  })

  it('hands rows on and ignores malformed frames', () => {
    const { client, last, received } = setup()
    client.want(['a'])
    last().handlers.open()
    last().push({ type: 'hello', protocol: 1, version: 3 })
    last().push({ type: 'rows', site: 'demo', version: 4, rows: { a: { total: 2, next: [['b', 2]] } } })
    last().push({ type: 'rows', site: 'demo' })
    last().handlers.message(new Uint8Array([0xc1]))
    expect(received).toEqual([{ type: 'rows', site: 'demo', version: 4, rows: { a: { total: 2, next: [['b', 2]] } } }])
  })

  it('hands on rows keyed by ids that name Object.prototype members or message fields, each under its own key', () => {
    const { client, last, received, held } = setup()
    const items = ['__proto__', 'constructor', 'toString', 'type', 'rows', 'version']
    client.want(items)
    last().handlers.open()
    // `Object.fromEntries` makes `__proto__` an own key, as the server's JSON or msgpack would.
    const rows = Object.fromEntries(items.map((item, i) => [item, i % 2 ? null : { total: i + 1, next: [[item, i + 1]] }]))
    last().push({ type: 'rows', site: 'demo', version: 5, rows })
    expect(received).toHaveLength(1)
    expect(received[0]!.version).toBe(5)
    expect(Object.keys(received[0]!.rows)).toEqual(items)
    expect(new Map(Object.entries(received[0]!.rows))).toEqual(new Map(Object.entries(rows)))
    expect([...held].sort()).toEqual(['__proto__', 'toString', 'rows'].sort())
  })

  it('reconnects with backoff and resumes held rows from the last cursor', async () => {
    const { clock, sockets, client, last } = setup()
    client.want(['a', 'b'])
    last().handlers.open()
    last().push({ type: 'rows', site: 'demo', version: 9, cursor: '4.5', rows: { a: { total: 1, next: [['b', 1]] } } })
    last().handlers.close()
    expect(sockets).toHaveLength(1)
    expect(clock.nextDelay).toBe(250)
    await clock.advance(250)
    expect(sockets).toHaveLength(2)
    last().handlers.close()
    expect(clock.nextDelay).toBe(500)
    await clock.advance(500)
    last().handlers.open()
    expect(last().sent).toEqual([
      { type: 'subscribe', site: 'demo', items: ['a'], cursor: '4.5' },
      { type: 'subscribe', site: 'demo', items: ['b'] },
    ])
  })

  it('ignores a stale socket and stops for good on close()', async () => {
    const { clock, sockets, client, last, received } = setup()
    client.want(['a'])
    const first = last()
    first.handlers.close()
    await clock.advance(250)
    first.push({ type: 'rows', site: 'demo', version: 1, rows: {} })
    expect(received).toEqual([])
    client.close()
    expect(last().closed).toBe(true)
    last().handlers.close()
    await clock.advance(60_000)
    expect(sockets).toHaveLength(2)
  })
})

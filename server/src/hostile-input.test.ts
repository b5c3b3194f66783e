import { Packr } from 'msgpackr'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadConfig } from './config'
import { startServer, type RunningServer } from './server'
import { rawExchange, type RawAnswer } from './testing'

// The black-box probe's findings of issue #14, each against a real server over real sockets.
let dir: string
let server: RunningServer
let logs: string[]

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sequitur-hostile-'))
  logs = []
  server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: (line) => logs.push(line) })
})
afterEach(async () => {
  await server.close()
  rmSync(dir, { recursive: true, force: true })
})

const raw = (text: string | Uint8Array | Array<string | Uint8Array>, options?: Parameters<typeof rawExchange>[2]) =>
  rawExchange(server.port, text, options)

/** A complete JSON error with an exact length, and the socket closed by the server. */
function expectJsonError(answer: RawAnswer, status: number, code?: string) {
  expect(answer.status).toBe(status)
  expect(answer.headers.get('content-type')).toMatch(/^application\/json/)
  const length = answer.headers.get('content-length')
  if (length !== undefined) expect(Number(length)).toBe(answer.body.byteLength)
  const body = JSON.parse(answer.body.toString('utf8')) as { error: unknown; code: unknown }
  expect(typeof body.error).toBe('string')
  expect(typeof body.code).toBe('string')
  if (code) expect(body.code).toBe(code)
}

const eventsIn = async () => {
  const text = await (await fetch(`http://127.0.0.1:${server.port}/metrics`)).text()
  return Number(/^sequitur_events_in_total (\d+)/m.exec(text)?.[1] ?? 0)
}

describe('answers below Hono', () => {
  it('answers an Upgrade other than websocket on any path with a JSON 400 and closes the socket', async () => {
    for (const path of ['/v1/stream', '/v1/rows?site=demo&items=a', '/healthz', '/nowhere']) {
      for (const protocol of ['h2c', 'TLS/1.2', 'x']) {
        const answer = await raw(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: ${protocol}\r\n\r\n`)
        expectJsonError(answer, 400, 'unsupported_upgrade')
        expect(answer.closed).toBe(true)
      }
    }
  })

  it('closes promptly with upgrade sockets open, answered or not', async () => {
    const open = [
      raw('GET /v1/stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n', { timeoutMs: 60_000 }),
      raw('GET /v1/stream HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n', { timeoutMs: 60_000 }),
      raw('POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{', { timeoutMs: 60_000 }),
    ]
    await new Promise((resolve) => setTimeout(resolve, 200))
    await server.close()
    for (const answer of await Promise.all(open)) expect(answer.closed).toBe(true)
    server = await startServer(loadConfig({ PORT: '0', SEQUITUR_DATA_DIR: dir }), { log: () => {} })
  })

  it('answers GET /v1/stream with Upgrade: websocket but no Connection: Upgrade with a JSON 426', async () => {
    const answer = await raw('GET /v1/stream HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: close\r\n\r\n')
    expectJsonError(answer, 426, 'upgrade_required')
  })

  it('answers the WebSocket handshake’s refusals and the app’s own with JSON', async () => {
    const upgrade = 'Connection: Upgrade\r\nUpgrade: websocket'
    const key = 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=='
    expectJsonError(await raw(`GET /v1/stream HTTP/1.1\r\nHost: x\r\n${upgrade}\r\nSec-WebSocket-Version: 13\r\n\r\n`), 400, 'invalid_handshake')
    expectJsonError(await raw(`GET /v1/stream HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n${key}\r\nSec-WebSocket-Version: 99\r\n\r\n`), 400, 'invalid_handshake')
    expectJsonError(await raw(`GET /v1/nowhere HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`), 404, 'not_found')
    expectJsonError(await raw(`POST /v1/stream HTTP/1.1\r\nHost: x\r\n${upgrade}\r\n${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`), 404, 'not_found')
  })

  it('answers what Node’s parser refuses with JSON and the matching status, then closes', async () => {
    const cases: Array<[string, number]> = [
      ['POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
      ['POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', 400],
      ['POST /v1/events HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n', 400],
      ['GET /healthz HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n', 400],
      ['GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n', 400],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-H: ${'y'.repeat(20_000)}\r\n\r\n`, 431],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-H: yyyyyyyyyy\r\n'.repeat(2000)}\r\n`, 431],
      [`GET /v1/rows?site=demo&items=${'item,'.repeat(10_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431],
    ]
    for (const [request, status] of cases) {
      const answer = await raw(request)
      expectJsonError(answer, status)
      expect(answer.closed).toBe(true)
    }
  })

  it('answers a missing Host, an unexpected Expect and CONNECT with JSON', async () => {
    expectJsonError(await raw('GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n'), 400, 'bad_request')
    expectJsonError(await raw('POST /v1/events HTTP/1.1\r\nHost: x\r\nExpect: later\r\nContent-Length: 2\r\n\r\n{}'), 417, 'expectation_failed')
    expectJsonError(await raw('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com\r\n\r\n'), 405, 'method_not_allowed')
  })
})

describe('msgpack integers', () => {
  const packr = new Packr({ useRecords: false })
  /** A click with `ts` encoded as uint64 or int64, as other msgpack libraries do for values ≥ 2^32. */
  const str = (text: string) => packr.pack(text)
  /** A click with `ts` encoded as uint64 or int64, as other msgpack libraries do for values ≥ 2^32. */
  const batch64 = (marker: 0xcf | 0xd3, ts: bigint, item: string, session: string, id: string) => {
    const tsBytes = Buffer.alloc(9)
    tsBytes[0] = marker
    tsBytes.writeBigUInt64BE(BigInt.asUintN(64, ts), 1)
    const event = [0x85, str('id'), str(id), str('type'), str('click'), str('item'), str(item), str('session'), str(session), str('ts'), tsBytes]
    const parts = [0x82, str('site'), str('demo'), str('events'), 0x91, ...event]
    return Buffer.concat(parts.map((part) => (typeof part === 'number' ? Buffer.from([part]) : part)))
  }
  const post = (body: Uint8Array) =>
    fetch(`http://127.0.0.1:${server.port}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/msgpack' }, body })

  it('decodes uint64 and int64 integers as numbers, and the events reach the rows', async () => {
    const ts = BigInt(Date.now())
    expect((await post(batch64(0xcf, ts, 'U1', 's64', 'e64-1'))).status).toBe(202)
    expect((await post(batch64(0xd3, ts + 1n, 'U2', 's64', 'e64-2'))).status).toBe(202)
    let rows: unknown
    for (let i = 0; i < 50 && !rows; i++) {
      const answer = (await (await fetch(`http://127.0.0.1:${server.port}/v1/rows?site=demo&items=U1`)).json()) as { rows: Record<string, unknown> }
      rows = answer.rows['U1']
      if (!rows) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(rows).toEqual({ total: 1, next: [['U2', 1]] })
  })

  it('refuses an integer beyond 2^53 with a 400 and stores nothing', async () => {
    const before = await eventsIn()
    const answer = await post(batch64(0xcf, 2n ** 60n, 'U3', 's65', 'e64-3'))
    expect(answer.status).toBe(400)
    expect(((await answer.json()) as { code: string }).code).toBe('invalid_msgpack')
    expect(await eventsIn()).toBe(before)
  })
})

describe('an abandoned upload', () => {
  it('is a client abort: no unexpected-error log, nothing stored', async () => {
    const before = await eventsIn()
    const head = 'POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n'
    await raw(`${head}Content-Length: 5000\r\n\r\n{"site":"demo","events":[`, { abandonAfterMs: 50 })
    await raw(`${head}Transfer-Encoding: chunked\r\n\r\n10\r\n{"site":"demo","e\r\n`, { abandonAfterMs: 50 })
    await raw(`POST /v1/events HTTP/1.1\r\nHost: x\r\nContent-Type: application/msgpack\r\nContent-Length: 900\r\n\r\n\x82`, { abandonAfterMs: 50 })
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(logs.filter((line) => line.includes('unexpected error'))).toEqual([])
    expect(await eventsIn()).toBe(before)
  })
})

import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { connect } from 'node:net'
import { Unpackr } from 'msgpackr'
import { testPage, type PageOptions } from './test-page'
import { frameReader } from './ws-frames'

/** One request that reached the proxy, as the server would have seen it. */
export interface RecordedRequest {
  method: string
  path: string
  at: number
  contentType: string
  bytes: number
  /** The ids of the events in a `POST /v1/events` body (JSON or MessagePack). */
  eventIds: string[]
  /** The items of those events, in order. */
  items: string[]
  /** What the proxy answered (0: connection dropped). */
  status: number
  /** The path with its query, as requested. */
  url: string
  /** The request's body as received. */
  body: Buffer
  /** For an `UPGRADE` (WebSocket): the payloads of the frames the page sent, unmasked. */
  frames?: Buffer[]
}

/** What the proxy does to `POST /v1/events` now. */
export type EventsFault =
  | { kind: 'pass' }
  /** Drops the connection; with `contentTypes`, only for requests whose content type contains one of them. */
  | { kind: 'drop'; contentTypes?: string[] }
  /** Never answers (the connection is dropped after `HOLD_MS`, or when the proxy closes); `contentTypes` as for `drop`. */
  | { kind: 'hold'; contentTypes?: string[] }
  | { kind: 'status'; status: 503 | 429; retryAfterSeconds: number }

/** How long a held request waits before its connection is dropped: longer than the SDK's 15 s send timeout. */
const HOLD_MS = 20_000

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })

function readEvents(contentType: string, body: Buffer): Array<{ id: string; item: string }> {
  try {
    const value = (contentType.includes('json') || contentType.includes('text/plain') ? JSON.parse(body.toString('utf8')) : unpackr.unpack(body)) as { events?: Array<{ id?: unknown; item?: unknown }> }
    return (value.events ?? []).map((event) => ({ id: String(event.id), item: String(event.item) }))
  } catch {
    return []
  }
}

/**
 * A recording, fault-injecting proxy on 127.0.0.1 in front of the real server: it serves the test pages
 * (so they share the SDK's origin and any CSP header can be set), records every request (so requests
 * are captured the same way on every engine), and can drop or answer `POST /v1/events` with a status.
 */
export class FaultProxy {
  readonly requests: RecordedRequest[] = []
  fault: EventsFault = { kind: 'pass' }
  /** Headers added to every answer it serves or passes on (the browser bench: cross-origin isolation). */
  headers: Record<string, string> = {}
  private server: Server | undefined
  port = 0

  constructor(private readonly upstreamPort: () => number) {}

  get origin(): string {
    return `http://127.0.0.1:${this.port}`
  }

  /** How many times the server accepted (2xx) an event of each item. */
  deliveries(): Map<string, number> {
    const seen = new Map<string, number>()
    for (const r of this.requests) if (r.status >= 200 && r.status < 300) for (const item of r.items) seen.set(item, (seen.get(item) ?? 0) + 1)
    return seen
  }

  /** The `POST /v1/events` requests, answered or not. */
  eventPosts(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path === '/v1/events')
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res))
    this.server.on('upgrade', (req, socket, head) => {
      const frames: Buffer[] = []
      const record: RecordedRequest = { method: 'UPGRADE', path: new URL(req.url ?? '/', this.origin).pathname, at: Date.now(), contentType: '', bytes: 0, eventIds: [], items: [], status: 0, url: req.url ?? '/', body: Buffer.alloc(0), frames }
      this.requests.push(record)
      const read = frameReader((payload) => frames.push(payload))
      read(head)
      socket.on('data', read)
      const upstream = connect(this.upstreamPort(), '127.0.0.1', () => {
        upstream.write(`${req.method} ${req.url} HTTP/1.1\r\n${Object.entries(req.headersDistinct).map(([k, v]) => `${k}: ${v!.join(', ')}`).join('\r\n')}\r\n\r\n`)
        upstream.write(head)
        upstream.once('data', (data: Buffer) => (record.status = Number(data.toString('latin1').split(' ')[1]) || 0))
        upstream.pipe(socket).pipe(upstream)
      })
      upstream.on('error', () => socket.destroy())
      socket.on('error', () => upstream.destroy())
    })
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const url = new URL(req.url ?? '/', this.origin)
    const contentType = req.headers['content-type'] ?? ''
    const record: RecordedRequest = { method: req.method ?? 'GET', path: url.pathname, at: Date.now(), contentType, bytes: body.length, eventIds: [], items: [], status: 0, url: req.url ?? '/', body }
    if (url.pathname === '/v1/events' && req.method === 'POST') {
      const events = readEvents(contentType, body)
      record.eventIds = events.map((event) => event.id)
      record.items = events.map((event) => event.item)
    }
    this.requests.push(record)
    if (url.pathname === '/test-page' || url.pathname === '/console.js' || url.pathname === '/elsewhere') {
      const page = testPage(url.pathname, Object.fromEntries(url.searchParams) as PageOptions)
      record.status = 200
      res.writeHead(200, { ...page.headers, ...this.headers }).end(page.body)
      return
    }
    if (record.path === '/v1/events' && req.method === 'POST') {
      const fault = this.fault
      if ((fault.kind === 'drop' || fault.kind === 'hold') && (!fault.contentTypes || fault.contentTypes.some((type) => contentType.includes(type)))) {
        if (fault.kind === 'drop') return void res.socket?.destroy()
        const timer = setTimeout(() => res.socket?.destroy(), HOLD_MS).unref()
        res.once('close', () => clearTimeout(timer))
        return
      }
      if (fault.kind === 'status') {
        record.status = fault.status
        res.writeHead(fault.status, { 'content-type': 'application/json', 'retry-after': String(fault.retryAfterSeconds) })
        res.end(JSON.stringify({ error: 'injected', code: fault.status === 429 ? 'rate_limited' : 'unavailable' }))
        return
      }
    }
    const upstream = httpRequest({ host: '127.0.0.1', port: this.upstreamPort(), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      record.status = answer.statusCode ?? 0
      res.writeHead(answer.statusCode ?? 502, { ...answer.headers, ...this.headers })
      answer.pipe(res)
    })
    // The server is down: the browser sees a network error, as it would without the proxy.
    upstream.on('error', () => res.socket?.destroy())
    upstream.end(body)
  }
}

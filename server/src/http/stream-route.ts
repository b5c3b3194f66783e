import type { ErrorMessage, ServerMessage } from '@sequitur/sdk/protocol'
import type { Handler } from 'hono'
import type { IncomingMessage } from 'node:http'
import type { WebSocket } from 'ws'
import type { Clock } from '../clock'
import { MessageRate, type StreamClient, type StreamHub } from '../edge'
import { ApiError } from '../errors'
import { decodeMsgpack, encodeMsgpack } from './codec'
import { CLOSE, DEFAULT_STREAM_LIMITS, type StreamLimits } from './stream-limits'
import { upgradeOf } from './upgrades'

/** What `GET /v1/stream` needs. */
export interface StreamRouteOptions {
  hub: StreamHub
  clock: Clock
  limits?: Partial<StreamLimits>
}

/**
 * `GET /v1/stream`: the WebSocket of row pushes. Binary frames carry msgpack, text frames JSON;
 * the server answers in the encoding of the client's latest message (`?format=json|msgpack`
 * chooses the first one, default msgpack). A request that is not an upgrade gets a `426`.
 */
export function streamRoute({ hub, clock, limits = {} }: StreamRouteOptions): Handler {
  const resolved = { ...DEFAULT_STREAM_LIMITS, ...limits }
  const perAddress = new Map<string, number>()
  return (c) => {
    const upgrade = upgradeOf(c.env)
    if (!upgrade) {
      throw new ApiError(426, 'upgrade_required', 'GET /v1/stream is a WebSocket: send Connection: Upgrade and Upgrade: websocket')
    }
    const json = c.req.query('format') === 'json'
    const client = { key: c.req.query('key'), origin: c.req.header('origin') }
    upgrade.acceptWebSocket((ws, request) => attach(ws, request, { hub, clock, limits: resolved, perAddress, json, client }))
    return c.body(null, 200)
  }
}

interface Attach {
  hub: StreamHub
  clock: Clock
  limits: StreamLimits
  perAddress: Map<string, number>
  json: boolean
  /** The `?key=` and `Origin` the connection was opened with. */
  client: StreamClient
}

function attach(ws: WebSocket, request: IncomingMessage, { hub, clock, limits, perAddress, json, client }: Attach): void {
  // `ws` closes the connection itself on a malformed or oversized frame (1002, 1007, 1009) and then
  // reports it here; without a listener that report would be an uncaught exception.
  ws.on('error', () => {})
  const send = (message: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return
    ws.send(json ? JSON.stringify(message) : encodeMsgpack(message))
  }
  const refuse = (code: number, error: ErrorMessage) => {
    send(error)
    ws.close(code, error.error)
  }
  const address = request.socket.remoteAddress ?? ''
  const open = (perAddress.get(address) ?? 0) + 1
  perAddress.set(address, open)
  ws.once('close', () => {
    const left = (perAddress.get(address) ?? 1) - 1
    if (left > 0) perAddress.set(address, left)
    else perAddress.delete(address)
  })
  if (open > limits.connectionsPerAddress) {
    const error = `at most ${limits.connectionsPerAddress} stream connections per client address`
    return refuse(CLOSE.tryLater, { type: 'error', error, code: 'too_many_connections' })
  }
  const connection = hub.connect(send, client)
  const rate = new MessageRate(limits.messagesPerSecond, limits.messageBurst, clock())
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!rate.take(clock())) {
      const error = `at most ${limits.messagesPerSecond} messages per second`
      return refuse(CLOSE.policy, { type: 'error', error, code: 'rate_limited' })
    }
    let message: unknown
    try {
      json = !isBinary
      message = json ? JSON.parse(data.toString('utf8')) : decodeMsgpack(data)
    } catch {
      message = undefined
    }
    return connection.receive(message)
  })
  ws.once('close', () => connection.close())
}

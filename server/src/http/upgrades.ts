import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { WebSocket, WebSocketServer } from 'ws'
import { endWithJson, endWithResponse } from './raw-response'

/** Takes a WebSocket once the handshake is done. */
export type OnSocket = (ws: WebSocket, request: IncomingMessage) => void

/** What the app sees in `c.env` on a request that arrived as an HTTP upgrade. */
export interface UpgradeEnv {
  incoming: IncomingMessage
  /** Called by a route that takes the connection; any other answer is sent as the response. */
  acceptWebSocket: (onSocket: OnSocket) => void
}

/** The upgrade a route may accept, or `undefined` for a plain request (no `Connection: Upgrade`). */
export function upgradeOf(env: unknown): UpgradeEnv | undefined {
  const upgrade = env as Partial<UpgradeEnv> | undefined
  return typeof upgrade?.acceptWebSocket === 'function' ? (upgrade as UpgradeEnv) : undefined
}

/** What the upgrade handling is wired to. */
export interface UpgradesOptions {
  /** The app: it routes the upgrade request like any other, and a route accepts it or answers. */
  fetch: (request: Request, env: UpgradeEnv) => Response | Promise<Response>
  wss: WebSocketServer
}

/**
 * Answers every `Connection: Upgrade` request on `server`: a WebSocket upgrade goes through the app
 * (routing, CORS, checks), then through `ws`'s handshake; anything else (another protocol, a refused
 * handshake, the app's error) gets a JSON answer and a closed socket. Returns a function that
 * destroys the sockets still between request and handshake (for shutdown).
 */
export function answerUpgrades(server: Server, { fetch, wss }: UpgradesOptions): () => void {
  const pending = new Set<Duplex>()
  wss.on('wsClientError', (error, socket) => {
    endWithJson(socket, 400, { error: `WebSocket handshake refused: ${error.message}`, code: 'invalid_handshake' })
  })
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    pending.add(socket)
    socket.once('close', () => pending.delete(socket))
    socket.on('error', () => socket.destroy())
    void upgrade(request, socket, head, fetch, wss)
  })
  return () => {
    for (const socket of pending) socket.destroy()
  }
}

async function upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, fetch: UpgradesOptions['fetch'], wss: WebSocketServer) {
  if ((request.headers.upgrade ?? '').toLowerCase() !== 'websocket') {
    return endWithJson(socket, 400, { error: 'only WebSocket upgrades are served', code: 'unsupported_upgrade' })
  }
  let accepted: OnSocket | undefined
  const env: UpgradeEnv = {
    incoming: request,
    acceptWebSocket: (onSocket) => {
      accepted = onSocket
    },
  }
  let response: Response
  try {
    response = await fetch(toRequest(request), env)
  } catch {
    return endWithJson(socket, 400, { error: 'malformed upgrade request', code: 'bad_request' })
  }
  if (socket.destroyed) return undefined
  if (!accepted || !response.ok) {
    const body = new Uint8Array(await response.arrayBuffer())
    return endWithResponse(socket, response.status, response.headers, body)
  }
  const onSocket = accepted
  return wss.handleUpgrade(request, socket, head, (ws) => onSocket(ws, request))
}

/** The Fetch request of an upgrade (no body); throws on a target no route could match. */
function toRequest(request: IncomingMessage): Request {
  const target = request.url ?? ''
  if (!target.startsWith('/')) throw new Error('the request target must be a path')
  const headers = new Headers()
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value)
  }
  return new Request(new URL(target, 'http://localhost'), { method: request.method ?? 'GET', headers })
}

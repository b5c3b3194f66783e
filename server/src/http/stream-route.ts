import { upgradeWebSocket } from '@hono/node-server'
import type { ServerMessage } from '@sequitur/sdk/protocol'
import type { MiddlewareHandler } from 'hono'
import type { StreamHub } from '../edge'
import { decodeMsgpack, encodeMsgpack } from './codec'

/** Largest message a client may send on the stream, in bytes. */
const MAX_MESSAGE_BYTES = 64 * 1024

/**
 * `GET /v1/stream`: the WebSocket of row pushes. Binary frames carry msgpack, text frames JSON;
 * the server answers in the encoding of the client's latest message (`?format=json|msgpack`
 * chooses the first one, default msgpack).
 */
export function streamRoute(hub: StreamHub): MiddlewareHandler {
  return upgradeWebSocket((c) => {
    let json = c.req.query('format') === 'json'
    let connection: ReturnType<StreamHub['connect']> | undefined
    return {
      onOpen(_event, ws) {
        const send = (message: ServerMessage) => {
          if (ws.readyState !== 1) return
          ws.send(json ? JSON.stringify(message) : (encodeMsgpack(message) as Uint8Array<ArrayBuffer>))
        }
        connection = hub.connect(send, { key: c.req.query('key'), origin: c.req.header('origin') })
      },
      onMessage(event, ws) {
        const data = event.data as string | ArrayBuffer | Uint8Array
        const size = typeof data === 'string' ? data.length : data.byteLength
        if (size > MAX_MESSAGE_BYTES) return ws.close(1009, 'message too big')
        let message: unknown
        try {
          json = typeof data === 'string'
          message = json ? JSON.parse(data as string) : decodeMsgpack(new Uint8Array(data as ArrayBuffer))
        } catch {
          message = undefined
        }
        return connection?.receive(message)
      },
      onClose() {
        connection?.close()
      },
    }
  })
}

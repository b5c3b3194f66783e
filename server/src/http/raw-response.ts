import type { ErrorBody } from '@sequitur/sdk/protocol'
import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'

// A peer that never reads must not hold the socket: it is destroyed after this long regardless.
const FLUSH_GRACE_MS = 2000

/**
 * Writes a whole HTTP response on a raw socket, then destroys the socket once the bytes are out: for
 * answers below Hono (parser errors, refused upgrades), where no `ServerResponse` exists. The socket
 * is destroyed rather than left half-open, so it never outlives the answer.
 */
export function endWithResponse(socket: Duplex, status: number, headers: Iterable<[string, string]>, body: Uint8Array | string): void {
  if (socket.destroyed) return
  if (!socket.writable) return void socket.destroy()
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength)
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`]
  for (const [name, value] of headers) {
    if (!SKIPPED.has(name.toLowerCase())) lines.push(`${name}: ${value}`)
  }
  lines.push(`content-length: ${bytes.byteLength}`, 'connection: close', '', '')
  const timer = setTimeout(() => socket.destroy(), FLUSH_GRACE_MS)
  timer.unref()
  socket.on('error', () => socket.destroy())
  socket.end(Buffer.concat([Buffer.from(lines.join('\r\n'), 'latin1'), bytes]), () => {
    clearTimeout(timer)
    socket.destroy()
  })
}

/** `endWithResponse` with the API's JSON error body. */
export function endWithJson(socket: Duplex, status: number, body: ErrorBody, headers: Record<string, string> = {}): void {
  endWithResponse(socket, status, [['content-type', 'application/json'], ...Object.entries(headers)], JSON.stringify(body))
}

// Framing is this module's: a response's own length, connection or encoding headers would contradict it.
const SKIPPED = new Set(['content-length', 'connection', 'transfer-encoding', 'keep-alive', 'upgrade'])

import type { Clock, HttpTransport, OpenSocket } from './ports'

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  after(ms, fn) {
    const handle = setTimeout(fn, ms)
    return () => clearTimeout(handle)
  },
}

/** POSTs with `fetch`, giving up after `timeoutMs` so a hung request cannot stall the outbox. */
export function fetchTransport(timeoutMs = 15_000): HttpTransport {
  return {
    async post(url, body, contentType) {
      const response = await fetch(url, {
        method: 'POST',
        body,
        headers: { 'Content-Type': contentType },
        signal: AbortSignal.timeout(timeoutMs),
      })
      return { status: response.status, retryAfter: response.headers.get('Retry-After'), date: response.headers.get('Date') }
    },
  }
}

/** Opens a browser `WebSocket` that carries binary frames. */
export const openWebSocket: OpenSocket = (url, handlers) => {
  const socket = new WebSocket(url)
  socket.binaryType = 'arraybuffer'
  socket.onopen = () => handlers.open()
  socket.onmessage = (event: MessageEvent<unknown>) => {
    if (event.data instanceof ArrayBuffer) handlers.message(new Uint8Array(event.data))
  }
  socket.onclose = () => handlers.close()
  return {
    send: (data) => socket.send(data),
    close: () => socket.close(),
  }
}

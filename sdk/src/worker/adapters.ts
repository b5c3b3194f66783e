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

/**
 * Web Locks (every target browser has them); without them, or when they are refused (Firefox refuses them
 * with SecurityError to a site whose storage is blocked), each tab sends alone and the server's dedupe by
 * id absorbs overlaps.
 */
export const webLock = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
  if (typeof navigator === 'undefined' || !navigator.locks) return run()
  let ran = false
  try {
    return (await navigator.locks.request(name, () => ((ran = true), run()))) as T
  } catch (error) {
    if (ran) throw error
    return run()
  }
}

/** Tells the other tabs on channel `name`, calling `heard` when they tell; undefined without `BroadcastChannel` or when it is refused. */
export const broadcast = (name: string, heard: () => void): (() => void) | undefined => {
  if (typeof BroadcastChannel === 'undefined') return undefined
  let channel: BroadcastChannel
  try {
    channel = new BroadcastChannel(name)
  } catch {
    // Firefox throws SecurityError for a site whose storage is blocked: that tab keeps its own trail.
    return undefined
  }
  channel.onmessage = heard
  return () => channel.postMessage(0)
}

/** GETs JSON, telling `onDate` the answer's `Date` header with when the request left and came back. */
export const fetchJson = (url: string, onDate: (date: string | null, sentAt: number, receivedAt: number) => void): Promise<unknown> => {
  const sentAt = Date.now()
  return fetch(url).then(
    (res) => (onDate(res.headers.get('Date'), sentAt, Date.now()), res.ok ? res.json() : undefined),
    () => undefined,
  )
}

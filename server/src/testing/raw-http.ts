import { connect } from 'node:net'

/** What came back on a raw socket. */
export interface RawAnswer {
  /** The status of the first response, or `undefined` when none arrived. */
  status: number | undefined
  /** Lower-cased header names. */
  headers: Map<string, string>
  body: Buffer
  /** Whether the server closed (or reset) the socket before the deadline. */
  closed: boolean
  /** Whether the deadline passed with the socket still open and no complete response. */
  hung: boolean
}

/** Options of `rawExchange`. */
export interface RawOptions {
  /** Give up after this long (a hang). */
  timeoutMs?: number
  host?: string
  /** Destroy the socket this long after writing (a client that abandons its request). */
  abandonAfterMs?: number
}

/**
 * Writes bytes on a fresh TCP connection and collects the answer until the server closes the
 * socket or the deadline passes (send `Connection: close` to have a normal answer end it).
 */
export function rawExchange(port: number, chunks: Uint8Array | string | Array<Uint8Array | string>, options: RawOptions = {}): Promise<RawAnswer> {
  const { timeoutMs = 5000, host = '127.0.0.1', abandonAfterMs } = options
  return new Promise((resolve) => {
    const socket = connect(port, host)
    const received: Buffer[] = []
    let done = false
    const finish = (closed: boolean, hung: boolean) => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      resolve({ ...parse(Buffer.concat(received)), closed, hung })
    }
    const timer = setTimeout(() => finish(false, parse(Buffer.concat(received)).status === undefined), timeoutMs)
    socket.on('data', (data) => received.push(data))
    socket.on('close', () => finish(true, false))
    socket.on('error', () => finish(true, false))
    socket.on('connect', () => {
      for (const chunk of Array.isArray(chunks) ? chunks : [chunks]) socket.write(chunk)
      if (abandonAfterMs !== undefined) setTimeout(() => finish(false, false), abandonAfterMs)
    })
  })
}

/** The first HTTP response in `bytes` (body by content-length or chunked, else to the end). */
export function parse(bytes: Buffer): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  // An interim `100 Continue` precedes the response proper.
  while (bytes.subarray(0, 12).toString('latin1').startsWith('HTTP/1.1 100') && bytes.includes('\r\n\r\n')) {
    bytes = bytes.subarray(bytes.indexOf('\r\n\r\n') + 4)
  }
  const headers = new Map<string, string>()
  const end = bytes.indexOf('\r\n\r\n')
  if (end < 0) return { status: undefined, headers, body: Buffer.alloc(0) }
  const [statusLine = '', ...lines] = bytes.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]) || undefined
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim())
  }
  let body = bytes.subarray(end + 4)
  const length = headers.get('content-length')
  if (length !== undefined) body = body.subarray(0, Number(length))
  else if (headers.get('transfer-encoding') === 'chunked') body = dechunk(body)
  return { status, headers, body }
}

function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = []
  let at = 0
  for (;;) {
    const eol = bytes.indexOf('\r\n', at)
    if (eol < 0) break
    const size = parseInt(bytes.subarray(at, eol).toString('latin1'), 16)
    if (!(size > 0)) break
    parts.push(bytes.subarray(eol + 2, eol + 2 + size))
    at = eol + 2 + size + 2
  }
  return Buffer.concat(parts)
}

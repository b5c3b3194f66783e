import type { Duplex } from 'node:stream'
import { endWithJson } from './raw-response'

/** What Node's HTTP parser reports, mapped to the API's error shape. */
function classify(code: string | undefined): { status: number; code: string; error: string } {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return { status: 431, code: 'headers_too_large', error: 'the request line and headers are too large' }
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return { status: 413, code: 'payload_too_large', error: 'chunk extensions are too large' }
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return { status: 408, code: 'request_timeout', error: 'the request took too long to arrive' }
    default:
      return { status: 400, code: 'bad_request', error: 'malformed HTTP request' }
  }
}

/**
 * Node's `clientError`: a request its parser refused (bad framing, oversized or invalid headers, …).
 * Node's own answer has no body; this one is the API's JSON error, and then the socket is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  // A response already under way cannot be replaced; a reset peer cannot read one.
  const pending = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage
  if (error.code === 'ECONNRESET' || pending?.headersSent) return void socket.destroy()
  const { status, code, error: message } = classify(error.code)
  endWithJson(socket, status, error.code ? { error: message, code, details: { parser: error.code } } : { error: message, code })
}

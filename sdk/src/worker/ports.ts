/** Time, so tests control it. */
export interface Clock {
  /** ms since the epoch. */
  now(): number
  /** Runs `fn` after `ms`; returns a function that cancels it. */
  after(ms: number, fn: () => void): () => void
}

/** The server's answer to a POST. */
export interface HttpAnswer {
  /** The HTTP status. */
  status: number
  /** The `Retry-After` header, if any. */
  retryAfter: string | null
  /** The `Date` header, if readable (same origin, or exposed by CORS): the server's clock. */
  date?: string | null
}

/** Sends request bodies to the server; rejects when there is no answer (network error, timeout). */
export interface HttpTransport {
  /** POSTs `body` with `Content-Type: contentType`. */
  post(url: string, body: Uint8Array<ArrayBuffer>, contentType: string): Promise<HttpAnswer>
}

/** What a socket reports. */
export interface SocketHandlers {
  /** The connection is open. */
  open(): void
  /** A binary frame arrived. */
  message(data: Uint8Array): void
  /** Called once, when the connection closed or could not open. */
  close(): void
}

/** An open (or opening) socket of binary frames. */
export interface Socket {
  /** Sends one binary frame. */
  send(data: Uint8Array<ArrayBuffer>): void
  /** Closes the connection. */
  close(): void
}

/** Opens a socket to `url`. */
export type OpenSocket = (url: string, handlers: SocketHandlers) => Socket

/** Per-connection limits of `/v1/stream` (README "Limits"). */
export interface StreamLimits {
  /** Messages one connection may send per second, sustained. */
  messagesPerSecond: number
  /** Messages one connection may send at once above that rate. */
  messageBurst: number
  /** Largest message a client may send, in bytes (`ws` refuses it from the frame header, before buffering). */
  maxMessageBytes: number
  /** Open connections per client address (the socket's remote address). */
  connectionsPerAddress: number
}

/** The defaults: generous for the SDK (one socket per tab, a few messages per page view). */
export const DEFAULT_STREAM_LIMITS: StreamLimits = {
  messagesPerSecond: 20,
  messageBurst: 40,
  maxMessageBytes: 64 * 1024,
  connectionsPerAddress: 50,
}

/** The WebSocket close codes the stream uses when a client goes over a limit. */
export const CLOSE = { policy: 1008, tooBig: 1009, tryLater: 1013 } as const

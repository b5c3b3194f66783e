/**
 * What the generator knows about its input: `valid` (must be accepted, 2xx, and stored when a
 * write), `invalid` (must be refused, 4xx, and store nothing), or `either` (both are fine; a write
 * is then aimed at the fuzz-only site, so the digest of the other sites still holds).
 */
export type Validity = 'valid' | 'invalid' | 'either'

/** One HTTP exchange, written as raw bytes on a fresh socket. */
export interface HttpCase {
  kind: 'http'
  surface: string
  validity: Validity
  /** Short description for failure reports. */
  label: string
  /** The bytes the client writes (several chunks: written in order). */
  chunks: Array<Buffer | string>
  /** The request may be incomplete (a declared length beyond the body): the server may wait for more. */
  mayWait?: boolean
  /** Events of the valid batch the body started from: at most what the request stores. */
  events?: number
}

/** A WebSocket session on `/v1/stream`: a handshake, then frames, all raw. */
export interface WsCase {
  kind: 'ws'
  surface: string
  validity: Validity
  label: string
  /** The upgrade request (a handshake the generator may have broken). */
  handshake: string
  /** Whether the handshake is well-formed (then a 101 is expected). */
  handshakeValid: boolean
  /** Frames to write after the 101. */
  frames: Buffer[]
}

/** A generated input. */
export type FuzzCase = HttpCase | WsCase

/** Makes a case of one surface. */
export type Generator = (random: import('./prng').Prng, context: GeneratorContext) => FuzzCase

/** What generators may use. */
export interface GeneratorContext {
  /** The site whose state the digest watches; refused inputs aim at it too. */
  watchedSite: string
  /** The site valid writes go to (its changes are expected). */
  fuzzSite: string
  /** The watched site's admin secret. */
  adminSecret: string
  /** A site that is not open, its write key, and the operator token. */
  keyedSite: string
  keyedKey: string
  operatorToken: string
  /** The server's clock now, in ms. */
  now: number
}

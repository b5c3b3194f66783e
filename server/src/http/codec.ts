import type { Context, MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { ApiError } from '../errors'
import { mayHold64BitIntegers, packExact, unpackExact } from '../msgpack'

/** The media type of msgpack bodies. */
export const MSGPACK = 'application/msgpack'

/** Decodes untrusted msgpack (see `unpackExact`); a malformed body is a `400`. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  try {
    return unpackExact(bytes)
  } catch (error) {
    throw new ApiError(400, 'invalid_msgpack', 'body is not valid msgpack', String((error as Error).message ?? error))
  }
}

/** Encodes a value as msgpack. */
export function encodeMsgpack(value: unknown): Uint8Array {
  return packExact(value)
}

/** Reads a JSON or msgpack body by its content type: `415` for any other type, `400` when malformed. */
export async function readBody(c: Context): Promise<unknown> {
  return (await readBodyAndBytes(c)).value
}

/** `readBody`, with the bytes of a msgpack body. */
export async function readBodyAndBytes(c: Context): Promise<{ value: unknown; msgpack?: Uint8Array }> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === MSGPACK || type === 'application/x-msgpack') {
    const msgpack = new Uint8Array(await received(c.req.arrayBuffer()))
    // Bytes with 64-bit integers are re-encoded by the caller: this server's readers take them as bigints.
    return { value: decodeMsgpack(msgpack), ...(mayHold64BitIntegers(msgpack) ? {} : { msgpack }) }
  }
  if (type === 'application/json' || type === 'text/plain') {
    const text = await received(c.req.text())
    try {
      return { value: JSON.parse(text) as unknown }
    } catch (error) {
      throw new ApiError(400, 'invalid_json', 'body is not valid JSON', (error as Error).message)
    }
  }
  throw new ApiError(415, 'unsupported_media_type', `content type must be application/json or ${MSGPACK}`, { received: type || null })
}

/**
 * The body, or a `400` when the client left before sending all of it: an abandoned upload is the
 * client's doing, not a server failure to log (and nothing was read, so nothing is stored).
 */
async function received<T>(body: Promise<T>): Promise<T> {
  try {
    return await body
  } catch (error) {
    if (error instanceof ApiError) throw error
    throw new ApiError(400, 'request_aborted', 'the request body ended before its declared length', String((error as Error).message ?? error))
  }
}

/** Answers with JSON, or with msgpack when the client asks for it with `Accept`. */
export function respond(c: Context, body: unknown, status: 200 | 202 = 200): Response {
  if ((c.req.header('accept') ?? '').includes(MSGPACK)) {
    return c.body(encodeMsgpack(body) as Uint8Array<ArrayBuffer>, status, { 'content-type': MSGPACK })
  }
  return c.json(body, status)
}

/**
 * Refuses a body over `maxSize` bytes with a `413`. A declared `content-length` is checked without
 * touching the body, so the body is then read straight from the socket; a chunked body is counted
 * as it streams in.
 */
export function limitBody(maxSize: number, message: string): MiddlewareHandler {
  const tooLarge = (): never => {
    throw new ApiError(413, 'payload_too_large', message)
  }
  const streamed = bodyLimit({ maxSize, onError: tooLarge })
  return async (c, next) => {
    const length = c.req.header('content-length')
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) {
      // Reads the whole body here (counting it), so a client leaving mid-body fails in this read alone.
      await received(streamed(c, async () => {}))
    } else if (Number(length) > maxSize) tooLarge()
    return next()
  }
}

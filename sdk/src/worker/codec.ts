import { decodeMsgpack } from './msgpack-decode'
import { encodeMsgpack } from './msgpack-encode'

/** Encodes a wire message as MessagePack. */
export function encode(value: unknown): Uint8Array<ArrayBuffer> {
  return encodeMsgpack(value)
}

/** Decodes a MessagePack wire message, its maps as `dict()`s with every key as sent; throws on malformed input. */
export function decode(data: Uint8Array): unknown {
  return decodeMsgpack(data)
}

import { unpack } from 'msgpackr/unpack'
import { encodeMsgpack } from './msgpack-encode'

/** Encodes a wire message as MessagePack. */
export function encode(value: unknown): Uint8Array<ArrayBuffer> {
  return encodeMsgpack(value)
}

/** Decodes a MessagePack wire message; throws on malformed input. */
export function decode(data: Uint8Array): unknown {
  return unpack(data)
}

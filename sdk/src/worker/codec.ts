import { pack, unpack } from 'msgpackr'

/** Encodes a wire message as MessagePack. */
export function encode(value: unknown): Uint8Array<ArrayBuffer> {
  return pack(value)
}

/** Decodes a MessagePack wire message; throws on malformed input. */
export function decode(data: Uint8Array): unknown {
  return unpack(data)
}

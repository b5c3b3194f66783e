import { Unpackr } from 'msgpackr/unpack'
import { fromMaps } from '../protocol'
import { encodeMsgpack } from './msgpack-encode'

// Maps, not objects: msgpackr's objects decoder renames a `__proto__` key (an item id like any other) to `__proto_`.
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false })

/** Encodes a wire message as MessagePack. */
export function encode(value: unknown): Uint8Array<ArrayBuffer> {
  return encodeMsgpack(value)
}

/** Decodes a MessagePack wire message, its maps as `dict()`s with every key as sent; throws on malformed input. */
export function decode(data: Uint8Array): unknown {
  return fromMaps(unpackr.unpack(data))
}

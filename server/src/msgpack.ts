import { fromMaps } from '@sequitur/sdk/protocol'
import { Packr, Unpackr } from 'msgpackr'

// Plain msgpack only: no record extensions or shared structures from untrusted peers.
const objects = new Unpackr({ useRecords: false, mapsAsObjects: true })
const maps = new Unpackr({ useRecords: false, mapsAsObjects: false })
// A map keyed by ids may hold `toJSON`: msgpackr would call it (and throw) instead of packing it.
const packr = new Packr({ useRecords: false, useToJSON: false })
const PROTO = Buffer.from('__proto__')

/** Encodes a value as msgpack, maps keyed by ids (`toJSON` among them) as they are. */
export function packExact(value: unknown): Buffer {
  return packr.pack(value)
}

/**
 * Decodes msgpack with every map key as sent. msgpackr's objects decoder renames a `__proto__` key to
 * `__proto_`; bytes that spell `__proto__` anywhere are decoded into Maps and then `dict()`s instead
 * (slower, so only then). Throws on malformed input.
 */
export function unpackExact(bytes: Uint8Array): unknown {
  const spelled = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(PROTO)
  return spelled ? fromMaps(maps.unpack(bytes)) : objects.unpack(bytes)
}

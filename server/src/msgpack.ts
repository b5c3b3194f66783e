import { fromMaps } from '@sequitur/sdk/protocol'
import { Packr, Unpackr } from 'msgpackr'

// Plain msgpack only: no record extensions or shared structures from untrusted peers. uint64/int64
// (what other libraries emit for integers ≥ 2^32, e.g. a `ts` in ms) decode to numbers when safe.
// msgpackr's types omit 'auto' (a number when within ±2^53, else a bigint), which it implements.
const options = { useRecords: false, int64AsType: 'auto' as 'bigint' } as const
const objects = new Unpackr({ ...options, mapsAsObjects: true })
const maps = new Unpackr({ ...options, mapsAsObjects: false })
// A map keyed by ids may hold `toJSON`: msgpackr would call it (and throw) instead of packing it.
const packr = new Packr({ useRecords: false, useToJSON: false })
const PROTO = Buffer.from('__proto__')
const UINT64 = 0xcf
const INT64 = 0xd3

/** Encodes a value as msgpack, maps keyed by ids (`toJSON` among them) as they are. */
export function packExact(value: unknown): Buffer {
  return packr.pack(value)
}

/**
 * Whether the bytes may hold a 64-bit integer (the marker byte appears; a string may also hold it).
 * Such bytes are not stored as sent: this server's own decoders read 64-bit integers as bigints.
 */
export function mayHold64BitIntegers(bytes: Uint8Array): boolean {
  return bytes.includes(UINT64) || bytes.includes(INT64)
}

/**
 * Decodes msgpack with every map key as sent. msgpackr's objects decoder renames a `__proto__` key to
 * `__proto_`; bytes that spell `__proto__` anywhere are decoded into Maps and then `dict()`s instead
 * (slower, so only then). Throws on malformed input and on integers beyond ±2^53 (not exact as numbers).
 */
export function unpackExact(bytes: Uint8Array): unknown {
  const spelled = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).includes(PROTO)
  const value = spelled ? fromMaps(maps.unpack(bytes)) : objects.unpack(bytes)
  if (mayHold64BitIntegers(bytes) && holdsBigInt(value)) throw new RangeError('an integer is beyond ±2^53')
  return value
}

// Recursive: no deeper than the decoder that built the value went.
function holdsBigInt(value: unknown): boolean {
  if (typeof value === 'bigint') return true
  if (typeof value !== 'object' || value === null) return false
  if (value instanceof Map) {
    for (const [key, item] of value) if (holdsBigInt(key) || holdsBigInt(item)) return true
    return false
  }
  for (const item of Object.values(value)) if (holdsBigInt(item)) return true
  return false
}

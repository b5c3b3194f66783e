/**
 * A MessagePack decoder for what the server sends (msgpackr with `useRecords: false`: plain
 * MessagePack, `undefined` as msgpackr writes it). Maps become `dict()`s with every key as sent
 * (`__proto__` included; scalar keys as strings), integers beyond ±2^53 and extension types are
 * refused, and malformed or truncated input throws. msgpackr's unpacker, which it replaces, was about
 * 4.5 KB of the worker's gzipped size; this one also builds the dicts directly, without Maps.
 */
import { dict } from '../protocol'

const utf8 = new TextDecoder()

/** Deeper nesting than any server message has is refused rather than allowed to exhaust the stack. */
const MAX_DEPTH = 64

class Reader {
  at = 0
  readonly view: DataView
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  }

  /** Consumes `n` bytes; returns where they start. */
  take(n: number): number {
    const at = this.at
    if (at + n > this.bytes.length) throw new RangeError('truncated MessagePack')
    this.at = at + n
    return at
  }

  /** A big-endian unsigned integer of `size` (1, 2 or 4) bytes. */
  uint(size: number): number {
    const at = this.take(size)
    return size === 1 ? this.view.getUint8(at) : size === 2 ? this.view.getUint16(at) : this.view.getUint32(at)
  }
}

/** A 64-bit integer as a number, when it is one exactly. */
function safe(value: bigint): number {
  const n = Number(value)
  if (!Number.isSafeInteger(n)) throw new RangeError('an integer is beyond ±2^53')
  return n
}

function read(r: Reader, depth: number): unknown {
  if (depth > MAX_DEPTH) throw new RangeError('MessagePack nested too deep')
  const { view } = r
  const type = r.uint(1)
  if (type < 0x80) return type
  if (type < 0x90) return map(r, type & 0x0f, depth)
  if (type < 0xa0) return array(r, type & 0x0f, depth)
  if (type < 0xc0) return str(r, type & 0x1f)
  if (type >= 0xe0) return type - 0x100
  switch (type) {
    case 0xc0:
      return null
    case 0xc2:
      return false
    case 0xc3:
      return true
    case 0xc4:
    case 0xc5:
    case 0xc6: {
      const at = r.take(r.uint(1 << (type - 0xc4)))
      return r.bytes.slice(at, r.at)
    }
    case 0xca:
      return view.getFloat32(r.take(4))
    case 0xcb:
      return view.getFloat64(r.take(8))
    case 0xcc:
    case 0xcd:
    case 0xce:
      return r.uint(1 << (type - 0xcc))
    case 0xcf:
      return safe(view.getBigUint64(r.take(8)))
    case 0xd0:
      return view.getInt8(r.take(1))
    case 0xd1:
      return view.getInt16(r.take(2))
    case 0xd2:
      return view.getInt32(r.take(4))
    case 0xd3:
      return safe(view.getBigInt64(r.take(8)))
    case 0xd4:
      // msgpackr writes `undefined` as the fixext 1 of type 0 with a 0 byte.
      if (view.getUint16(r.take(2)) === 0) return undefined
      break
    case 0xd9:
    case 0xda:
    case 0xdb:
      return str(r, r.uint(1 << (type - 0xd9)))
    case 0xdc:
    case 0xdd:
      return array(r, r.uint(2 << (type - 0xdc)), depth)
    case 0xde:
    case 0xdf:
      return map(r, r.uint(2 << (type - 0xde)), depth)
  }
  throw new TypeError(`unsupported MessagePack type 0x${type.toString(16)}`)
}

function str(r: Reader, length: number): string {
  const at = r.take(length)
  return utf8.decode(r.bytes.subarray(at, r.at))
}

function array(r: Reader, length: number, depth: number): unknown[] {
  // Grown as read: a length the bytes cannot hold fails on the first missing element.
  const out: unknown[] = []
  for (let i = 0; i < length; i++) out.push(read(r, depth + 1))
  return out
}

function map(r: Reader, length: number, depth: number): Record<string, unknown> {
  const out = dict<unknown>()
  for (let i = 0; i < length; i++) {
    const key = read(r, depth + 1)
    if (typeof key === 'object' && key !== null) throw new TypeError('a map key must be a string or a number')
    out[String(key)] = read(r, depth + 1)
  }
  return out
}

/** Decodes one MessagePack value that fills `bytes`; throws on anything else. */
export function decodeMsgpack(bytes: Uint8Array): unknown {
  const r = new Reader(bytes)
  const value = read(r, 0)
  if (r.at !== bytes.length) throw new RangeError('bytes after the MessagePack value')
  return value
}
